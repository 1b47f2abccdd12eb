"""Importing people (and earlier completions) from a CSV file: upload, preview every row, confirm."""

from __future__ import annotations

import base64
import binascii

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from course import org
from course.imports import bp
from course.imports.forms import ConfirmForm, UploadForm
from course.imports.services import (
    CompletionsPlan,
    ImportFailed,
    PeoplePlan,
    apply_completions_import,
    apply_people_import,
    plan_completions_import,
    plan_people_import,
)
from course.models import Role
from course.security import roles_required

MAX_WEB_ROWS = 20_000  # larger files: `flask --app course import-users`


def _plan(kind: str, data: bytes) -> PeoplePlan | CompletionsPlan:
    if kind == "completions":
        return plan_completions_import(data, max_rows=MAX_WEB_ROWS, today=org.today())
    return plan_people_import(data, max_rows=MAX_WEB_ROWS)


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_people() -> str | tuple[str, int]:
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form), 422 if form.errors else 200
    data = form.file.data.read()
    kind = form.kind.data or "people"
    plan = _plan(kind, data)
    confirm = ConfirmForm(formdata=None, kind=kind, content=base64.b64encode(data).decode())
    return render_template("admin/import_preview.html", plan=plan, kind=kind, confirm=confirm), (
        422 if plan.errors else 200
    )


@bp.post("/import/confirm")
@roles_required(Role.ADMIN)
def confirm_import() -> Response:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, "The import form was incomplete. Upload the file again.")
    try:
        data = base64.b64decode(form.content.data or "", validate=True)
    except binascii.Error:
        abort(400, "The import form was changed on its way. Upload the file again.")
    plan = _plan(form.kind.data or "people", data)
    if plan.errors:  # the data changed since the preview: nothing is written
        flash("The file now has problems, so nothing was imported. Upload it again to see them.", "error")
        return redirect(url_for("imports.import_people"))
    try:
        if isinstance(plan, CompletionsPlan):
            added = apply_completions_import(plan, current_user)
            message = f"{added} earlier completion records imported."
        else:
            counts = apply_people_import(plan, current_user)
            message = (
                f"Imported: {counts.created} added, {counts.updated} updated, {counts.unchanged} unchanged."
            )
    except ImportFailed as failure:
        flash(f"Nothing was imported. {failure}", "error")
        return redirect(url_for("imports.import_people"))
    flash(message, "success")
    return redirect(url_for("people.people"))
