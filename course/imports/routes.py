"""Importing people (and earlier completions) from a file: upload, preview every row, confirm.

The uploaded file stays on the server between the preview and the confirmation (see keep_upload), so
the confirmation carries only its id, whatever the file's size."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from course import org
from course.imports import bp
from course.imports.forms import ConfirmForm, UploadForm
from course.imports.services import (
    CompletionsPlan,
    ImportFailed,
    PeopleOptions,
    PeoplePlan,
    apply_completions_import,
    apply_people_import,
    discard_upload,
    keep_upload,
    kept_upload,
    plan_completions_import,
    plan_people_import,
)
from course.models import Role
from course.security import roles_required

MAX_WEB_ROWS = 20_000  # larger files: `flask --app course import-users`


def _plan(kind: str, data: bytes, options: PeopleOptions) -> PeoplePlan | CompletionsPlan:
    if kind == "completions":
        return plan_completions_import(data, max_rows=MAX_WEB_ROWS, today=org.today())
    return plan_people_import(data, max_rows=MAX_WEB_ROWS, options=options, actor=current_user)


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_people() -> str | tuple[str, int]:
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form), 422 if form.errors else 200
    data = form.file.data.read()
    kind = form.kind.data or "people"
    options = form.options() if kind == "people" else PeopleOptions()
    plan = _plan(kind, data, options)
    confirm = None
    if not plan.errors:
        confirm = ConfirmForm(formdata=None, upload=keep_upload(current_user, kind, options, data))
    return render_template("admin/import_preview.html", plan=plan, kind=kind, confirm=confirm), (
        422 if plan.errors else 200
    )


@bp.post("/import/confirm")
@roles_required(Role.ADMIN)
def confirm_import() -> Response:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, "The import form was incomplete. Upload the file again.")
    kept = kept_upload(current_user, form.upload.data or "")
    if kept is None:
        flash("That upload has expired or was already imported. Upload the file again.", "error")
        return redirect(url_for("imports.import_people"))
    kind, options, data = kept
    plan = _plan(kind, data, options)
    discard_upload(form.upload.data or "")
    if plan.errors:  # the data changed since the preview: nothing is written
        flash("The file now has problems, so nothing was imported. Upload it again to see them.", "error")
        return redirect(url_for("imports.import_people"))
    try:
        if isinstance(plan, CompletionsPlan):
            added = apply_completions_import(plan, current_user)
            message = f"{added} earlier completion records imported."
        else:
            counts = apply_people_import(plan, current_user)
            extra = {"deactivated": counts.deactivated, "units created": counts.units_created}
            message = (
                f"Imported: {counts.created} added, {counts.updated} updated, {counts.unchanged} unchanged"
                + "".join(f", {n} {what}" for what, n in extra.items() if n)
                + "."
            )
    except ImportFailed as failure:
        flash(f"Nothing was imported. {failure}", "error")
        return redirect(url_for("imports.import_people"))
    flash(message, "success")
    return redirect(url_for("people.people"))
