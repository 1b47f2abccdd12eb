"""The learner's pages: home, content note, modules, sections, scenario practice, support."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course import org
from course.content import current_course
from course.content.schema import Module, Section
from course.extensions import db
from course.learning import bp, flowchart, pathway, rules, services
from course.learning.forms import ContentNoteForm, ScenarioForm
from course.progress import services as progress
from course.progress.rules import audience_for
from course.quizzes import services as quiz_services
from course.records import services as records
from course.security import next_or


def _audience() -> str:
    return audience_for(current_user.job_role)


def _module_or_404(module_id: str) -> Module:
    module = current_course().module(module_id)
    if module is None or _audience() not in module.audiences:
        abort(404)
    return module


def needs_content_note() -> Response | None:
    if current_user.content_note_ack_at is None:
        return redirect(url_for("learning.content_note", next=request.path))
    return None


@bp.get("/")
@login_required
def home() -> str:
    state = progress.learner_state(current_user, current_course(), org.settings(), org.today())
    return render_template("learning/home.html", state=state)


@bp.route("/content-note", methods=["GET", "POST"])
@login_required
def content_note() -> str | Response:
    if ContentNoteForm().validate_on_submit():
        services.acknowledge_content_note(current_user)
        return redirect(next_or(url_for("learning.home")))
    return render_template("learning/content_note.html")


@bp.get("/modules/<module_id>")
@login_required
def module(module_id: str) -> str | Response:
    if (gate := needs_content_note()) is not None:
        return gate
    found = _module_or_404(module_id)
    audience = _audience()
    viewed = progress.viewed_sections(current_user).get(module_id, set())
    return render_template(
        "learning/module.html",
        module=found,
        sections=found.sections_for(audience),
        viewed=viewed,
        has_quiz=module_id in current_course().banks,
        rated=quiz_services.confidence_given(current_user, module_id),
    )


def _section_or_404(module: Module, section_id: str) -> Section:
    section = module.section(section_id)
    if section is None or _audience() not in section.audiences:
        abort(404)
    return section


@bp.get("/modules/<module_id>/<section_id>")
@login_required
def section(module_id: str, section_id: str) -> str | Response:
    if (gate := needs_content_note()) is not None:
        return gate
    found = _module_or_404(module_id)
    page = _section_or_404(found, section_id)
    audience, region = _audience(), org.settings().region
    if services.record_view(current_user, module_id, section_id):
        records.complete_if_done(current_user, current_course(), org.settings())
        db.session.commit()
    sections = found.sections_for(audience)
    previous, following = rules.neighbours(sections, section_id)
    scenarios = [(s, rules.response_order(s, current_user.id)) for s in page.scenarios_for(audience, region)]
    unanswered = request.args.get("unanswered", "")
    return render_template(
        "learning/section.html",
        unanswered=unanswered if any(s.id == unanswered for s, _ in scenarios) else None,
        module=found,
        section=page,
        blocks=page.blocks_for(audience, region),
        scenarios=scenarios,
        choices=services.scenario_choices(current_user, module_id) if scenarios else {},
        previous=previous,
        following=following,
        position=[s.id for s in sections].index(section_id) + 1,
        total=len(sections),
        settings=org.settings(),
    )


@bp.get("/modules/<module_id>/end")
@login_required
def module_end(module_id: str) -> str:
    found = _module_or_404(module_id)
    return render_template(
        "learning/module_end.html", module=found, has_quiz=module_id in current_course().banks
    )


@bp.post("/modules/<module_id>/scenarios/<scenario_id>")
@login_required
def choose(module_id: str, scenario_id: str) -> Response:
    found = _module_or_404(module_id)
    located = found.scenario(scenario_id)
    if located is None:
        abort(404)
    page, scenario = located
    _section_or_404(found, page.id)
    url = url_for("learning.section", module_id=module_id, section_id=page.id)
    form = ScenarioForm()
    response_id = form.response.data or ""
    if not form.validate_on_submit() or scenario.response(response_id) is None:
        # shown beside the options, which it describes
        return redirect(
            url_for(
                "learning.section",
                module_id=module_id,
                section_id=page.id,
                unanswered=scenario_id,
                _anchor=f"{scenario_id}-error",
            )
        )
    services.choose_response(current_user, module_id, scenario_id, response_id)
    return redirect(f"{url}#feedback-{scenario_id}")


def _pathway_audience() -> str:
    requested = request.args.get("audience", "")
    return requested if requested in pathway.STEPS else _audience()


def _pathway_page(template: str) -> str:
    audience, settings = _pathway_audience(), org.settings()
    helplines = current_course().helplines.get(settings.region, ())
    emergency_number = next((h.contact for h in helplines if h.emergency), "the emergency number")
    steps, emergency = pathway.steps_for(audience), pathway.emergency_step(emergency_number)
    return render_template(
        template,
        audience=audience,
        audience_name=pathway.AUDIENCE_NAMES[audience],
        steps=steps,
        emergency=emergency,
        chart=flowchart.layout(steps, emergency),
        helplines=helplines,
        settings=settings,
    )


@bp.get("/pathway")
@login_required
def pathway_chart() -> str:
    return _pathway_page("learning/pathway.html")


@bp.get("/quick-reference")
@login_required
def quick_reference() -> str:
    return _pathway_page("learning/quick_reference.html")


@bp.get("/support")
def support() -> str:
    settings = org.settings()
    return render_template(
        "learning/support.html",
        settings=settings,
        helplines=current_course().helplines.get(settings.region, ()),
    )


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("learning/accessibility.html")
