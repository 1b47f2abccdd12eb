"""The privacy notice, a person's own data, and erasing a person."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course import org
from course.audit import exported
from course.extensions import db
from course.models import Role, User
from course.privacy import bp, services
from course.privacy.forms import EraseForm
from course.security import roles_required
from course.spreadsheet import csv_download, csv_lines


@bp.get("/privacy")
def notice() -> str:
    text = org.settings().privacy_notice.strip()
    paragraphs = [part.strip() for part in text.split("\n\n") if part.strip()]
    return render_template("privacy/notice.html", paragraphs=paragraphs)


@bp.get("/account/my-data.json")
@login_required
def my_data_json() -> Response:
    held = services.everything_about(current_user._get_current_object())
    exported("my-data.json")
    return Response(
        json.dumps(held, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"', "Cache-Control": "no-store"},
    )


@bp.get("/account/my-data.csv")
@login_required
def my_data_csv() -> Response:
    held = services.everything_about(current_user._get_current_object())
    return csv_download(csv_lines(("table", "row", "field", "value"), services.as_cells(held)), "my-data.csv")


@bp.route("/admin/people/<int:user_id>/erase", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def erase(user_id: int) -> str | Response | tuple[str, int]:
    person = db.session.get(User, user_id) or abort(404)
    form = EraseForm()
    if form.validate_on_submit():
        if person.id == current_user.id:
            form.confirm.errors = ["You cannot erase yourself. Ask another administrator."]
        else:
            services.erase(person, actor=current_user._get_current_object())
            flash(f"The person is erased. Their records remain as {person.name}.", "success")
            return redirect(url_for("people.people"))
    return render_template("privacy/erase.html", form=form, person=person), 422 if form.errors else 200
