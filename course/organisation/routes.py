"""The organisation's settings: contacts shown to learners, region, validity, pass mark, reminders."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from course import org
from course.content import current_course
from course.models import Role
from course.organisation import bp, services
from course.organisation.forms import REGIONS, SettingsForm
from course.records import services as records
from course.security import roles_required


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings() -> str | Response | tuple[str, int]:
    form = SettingsForm(obj=org.settings_for_update())
    if form.validate_on_submit():
        logo = (form.logo_type, form.logo_bytes) if form.logo_type is not None else None
        changes = services.save_settings(form.data, logo=logo, remove_logo=bool(form.remove_logo.data))
        flash("Settings saved." if changes else "Nothing changed.", "success")
        return redirect(url_for("organisation.settings"))
    page = render_template(
        "admin/settings.html",
        form=form,
        logo=records.current_logo(),
        unchecked=current_course().unchecked_helplines(),
        regions=REGIONS,
    )
    return page, 422 if form.errors else 200
