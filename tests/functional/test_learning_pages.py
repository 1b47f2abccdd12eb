import pytest
from markupsafe import escape

from course.content import current_course
from course.models import JobRole, ScenarioChoice, SectionView

pytestmark = pytest.mark.database


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def teacher(make_user, web):
    user = make_user("teacher@example.org", name="Taylor", job_role=JobRole.TEACHER)
    web.login("teacher@example.org")
    return user


@pytest.fixture
def nurse(make_user, web):
    user = make_user("nurse@example.org", name="Nadia", job_role=JobRole.NURSE)
    web.login("nurse@example.org")
    return user


def course(app):
    with app.app_context():
        return current_course()


def test_home_lists_every_module_with_time_estimates(app, teacher, web):
    page = text(web.get("/"))
    for module in course(app).modules:
        assert module.title in page
        assert f"about {course(app).minutes(module)} minutes" in page
    assert "0 of 7 modules completed" in page


def test_content_note_comes_first_and_is_acknowledged_once(make_user, web, reload):
    user = make_user("new@example.org", acknowledged=False)
    web.login("new@example.org")
    response = web.get("/modules/understanding")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/content-note?next=")
    done = web.submit("/content-note?next=/modules/understanding", {})
    assert done.headers["Location"] == "/modules/understanding"
    assert reload(user).content_note_ack_at is not None
    assert web.get("/modules/understanding").status_code == 200


def test_module_page_shows_objectives_sections_sources(app, teacher, web):
    module = course(app).module("understanding")
    page = text(web.get("/modules/understanding"))
    assert all(str(escape(o.text)) in page for o in module.objectives)
    assert all(str(escape(s.title)) in page for s in module.sections_for("teacher"))
    assert all(s.url in page for s in module.sources)


@pytest.mark.parametrize(
    ("job_role", "own", "other"), [("teacher", "teacher", "nurse"), ("nurse", "nurse", "teacher")]
)
def test_each_audience_sees_its_own_referral_pathway(app, make_user, web, job_role, own, other):
    make_user("p@example.org", job_role=job_role)
    web.login("p@example.org")
    module = course(app).module("referring")
    mine = next(s for s in module.sections if s.audiences == (own,))
    theirs = next(s for s in module.sections if s.audiences == (other,))
    page = text(web.get("/modules/referring"))
    assert mine.title in page and theirs.title not in page
    assert web.get(f"/modules/referring/{mine.id}").status_code == 200
    assert web.get(f"/modules/referring/{theirs.id}").status_code == 404


def test_section_view_is_recorded_once_and_pages_link_in_order(app, teacher, web, db):
    sections = course(app).module("understanding").sections_for("teacher")
    first, second = sections[0], sections[1]
    page = text(web.get(f"/modules/understanding/{first.id}"))
    web.get(f"/modules/understanding/{first.id}")
    assert f'href="/modules/understanding/{second.id}"' in page
    assert db.query(SectionView).filter_by(user_id=teacher.id).count() == 1
    second_page = text(web.get(f"/modules/understanding/{second.id}"))
    assert f'href="/modules/understanding/{first.id}"' in second_page
    assert "1 of 7 modules completed" not in text(web.get("/"))
    assert f"Section 2 of {len(sections)}" in second_page


def test_home_offers_to_continue_where_the_learner_left_off(app, teacher, web):
    sections = course(app).module("before-you-start").sections_for("teacher")
    web.get(f"/modules/before-you-start/{sections[0].id}")
    page = text(web.get("/"))
    assert "Continue where you left off" in page
    assert f"/modules/before-you-start/{sections[1].id}" in page


def find_scenario(app, module_id):
    module = course(app).module(module_id)
    section = next(s for s in module.sections_for("teacher") if s.scenarios_for("teacher", "UK"))
    return section, section.scenarios_for("teacher", "UK")[0]


def test_scenario_works_without_javascript(app, teacher, web, db):
    section, scenario = find_scenario(app, "responding")
    wrong = next(r for r in scenario.responses if not r.best)
    url = f"/modules/responding/{section.id}"
    response = web.submit(url, {"response": wrong.id}, action=f"/modules/responding/scenarios/{scenario.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{url}#feedback-{scenario.id}"
    page = text(web.get(url))
    assert "There is a better response" in page
    assert str(escape(scenario.best.feedback)) in page
    best = web.submit(
        url, {"response": scenario.best.id}, action=f"/modules/responding/scenarios/{scenario.id}"
    )
    assert best.status_code == 302
    assert "This is the best response" in text(web.get(url))
    assert db.query(ScenarioChoice).filter_by(user_id=teacher.id).count() == 1


def test_scenario_without_a_choice_asks_for_one(app, teacher, web):
    section, scenario = find_scenario(app, "responding")
    url = f"/modules/responding/{section.id}"
    response = web.submit(url, {}, action=f"/modules/responding/scenarios/{scenario.id}")
    location = f"{url}?unanswered={scenario.id}#{scenario.id}-error"
    assert response.headers["Location"] == location
    page = text(web.get(location))
    assert f'aria-describedby="{scenario.id}-error"' in page
    assert (
        f'id="{scenario.id}-error" tabindex="-1" autofocus' in page and "Choose one of the responses" in page
    )
    assert "<title>Error: " in page
    assert "Choose one of the responses" not in text(web.get(url))  # shown only after the attempt
    other = text(web.get(f"{url}?unanswered=not-on-this-page"))
    assert "Choose one of the responses" not in other and "<title>Error: " not in other


def test_unknown_module_section_and_scenario_are_404(teacher, web):
    assert web.get("/modules/nothing").status_code == 404
    assert web.get("/modules/understanding/nothing").status_code == 404
    assert (
        web.submit("/", {"response": "a"}, action="/modules/understanding/scenarios/nothing").status_code
        == 404
    )


def test_support_page_shows_the_regions_helplines_and_staff_support(app, client, org_settings):
    org_settings(region="US", wellbeing_contact="Employee assistance: call ext. 4000")
    page = text(client.get("/support"))
    assert "988" in page and "911" in page and "Samaritans" not in page
    assert page.index("911") < page.index("988")  # emergency number first
    assert "Employee assistance: call ext. 4000" in page
    dated = [h for h in course(app).helplines["US"] if h.last_verified is not None]
    assert page.count("Checked on") == len(dated)


def test_only_checked_helplines_say_when_they_were_checked(app):
    from datetime import date

    from flask import render_template

    from course.content.schema import Helpline
    from course.models import OrgSettings

    checked = Helpline("Checked line", "111", "Help.", "https://example.org/a", date(2026, 11, 20))
    unchecked = Helpline("Unchecked line", "222", "Help.", "https://example.org/b", None)
    with app.test_request_context("/support"):
        page = render_template(
            "learning/support.html", settings=OrgSettings.with_defaults(), helplines=(checked, unchecked)
        )
    first, second = page.split("Unchecked line")
    assert "Checked on 20 November 2026." in first
    assert "Checked on" not in second and "https://example.org/b" in second


def test_support_page_defaults_to_uk(client):
    page = text(client.get("/support"))
    assert "999" in page and "116 123" in page


def test_admin_entered_settings_are_escaped(app, teacher, web, org_settings):
    org_settings(safeguarding_lead_name="<script>alert('x')</script>", wellbeing_contact="<b>bold</b>")
    module = course(app).module("referring")
    section = next(s for s in module.sections_for("teacher") if s.org_contacts)
    page = text(web.get(f"/modules/referring/{section.id}"))
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    support = text(web.get("/support"))
    assert "<b>bold</b>" not in support and "&lt;b&gt;bold&lt;/b&gt;" in support


def test_org_contacts_appear_in_module_4(app, teacher, web, org_settings):
    org_settings(
        safeguarding_lead_name="Sam Okafor",
        safeguarding_lead_contact="Room B12",
        policy_url="https://example.org/policy",
    )
    module = course(app).module("referring")
    section = next(s for s in module.sections_for("teacher") if s.org_contacts)
    page = text(web.get(f"/modules/referring/{section.id}"))
    assert "Sam Okafor" in page and "Room B12" in page and 'href="https://example.org/policy"' in page


def test_pathway_chart_has_a_text_equivalent(teacher, web):
    page = text(web.get("/pathway"))
    assert 'role="img"' in page and "<title" in page and "<desc" in page
    assert "The pathway in words" in page and "safeguarding lead" in page
    nurse_page = text(web.get("/pathway?audience=nurse"))
    assert "psychosocial assessment" in nurse_page


def test_quick_reference_card_per_audience(teacher, web):
    page = text(web.get("/quick-reference"))
    assert "quick reference for school staff" in page and "call 999" in page
    assert "quick reference for healthcare staff" in text(web.get("/quick-reference?audience=nurse"))
    assert "school staff" in text(web.get("/quick-reference?audience=bogus"))


def test_leaving_and_coming_back_keeps_progress(app, teacher, web):
    section = course(app).module("understanding").sections_for("teacher")[0]
    web.get(f"/modules/understanding/{section.id}")
    web.logout()
    web.login("teacher@example.org")
    assert "Read" in text(web.get("/modules/understanding"))


def shown_order(page, scenario):
    """The response ids in the order the page shows them."""
    form = page.split(f'id="scenario-{scenario.id}"')[1].split("</fieldset>")[0]
    return [r.id for r in sorted(scenario.responses, key=lambda r: form.index(f'value="{r.id}"'))]


def test_practice_options_are_shuffled_on_the_server_and_stay_put(app, make_user, web):
    from course.learning.rules import response_order

    section, scenario = find_scenario(app, "responding")
    url = f"/modules/responding/{section.id}"
    orders = set()
    for n in range(8):
        user = make_user(f"learner{n}@example.org", job_role=JobRole.TEACHER)
        web.login(f"learner{n}@example.org")
        first = shown_order(text(web.get(url)), scenario)
        assert first == [r.id for r in response_order(scenario, user.id)]
        web.submit(url, {"response": first[0]}, action=f"/modules/responding/scenarios/{scenario.id}")
        assert shown_order(text(web.get(url)), scenario) == first  # the same after choosing
        orders.add(tuple(first))
        web.logout()
    assert len(orders) > 1


def test_module_and_quiz_pages_state_the_time_with_the_quiz(app, teacher, web):
    module = course(app).module("responding")
    bank = course(app).banks["responding"]
    assert course(app).minutes(module) == module.minutes + bank.draw  # a minute a question
    assert f"About {course(app).minutes(module)} minutes" in text(web.get("/modules/responding"))
    assert f"It takes about {bank.draw} minutes." in text(web.get("/modules/responding/quiz"))


def test_settings_list_the_helplines_that_need_checking(app, make_user, web):
    make_user("admin@example.org", role="admin")
    web.login("admin@example.org")
    page = text(web.get("/admin/settings"))
    assert "Helplines to check before going live" in page
    unchecked = course(app).unchecked_helplines()
    for lines in unchecked.values():
        assert all(str(escape(line.name)) in page for line in lines)
    if "UK" in unchecked:
        assert "United Kingdom (your region)" in page
    if not unchecked:
        assert "Every helpline has been checked against its source." in page
