"""The first-run checklist on the admin dashboard: each step worked out from the data, gone when done."""

from datetime import timedelta

import pytest

from course.accounts import services as accounts
from course.models import Assignment, OrgSettings, Role, UnitKind
from tests import factories

pytestmark = pytest.mark.database


def text(response):
    return response.get_data(as_text=True)


def test_a_new_organisation_sees_every_step_until_it_is_done(web, make_user, org_unit, db):
    admin = make_user("admin@example.org", role=Role.ADMIN)
    web.login("admin@example.org")
    page = text(web.get("/admin/"))
    assert "Getting started: 0 of 7 steps done" in page
    assert 'href="/admin/units">Set up the units' in page

    db.add(OrgSettings(id=1, org_name="Riverside Trust", region="UK", safeguarding_lead_contact="ext 20"))
    trust = org_unit("Riverside Trust", UnitKind.ORGANISATION)
    staff = make_user("staff@example.org", unit=trust, password=None)
    page = text(web.get("/admin/"))
    assert "Getting started: 4 of 7 steps done" in page  # name, region, units, staff
    assert 'href="/admin/settings">Add the safeguarding lead' in page  # no wellbeing contact yet

    settings = db.get(OrgSettings, 1)
    settings.wellbeing_contact = "ext 21"
    db.add(Assignment(unit_id=trust.id, due_on=factories.today() + timedelta(days=30)))
    db.commit()
    assert "Getting started: 6 of 7 steps done" in text(web.get("/admin/"))
    accounts.issue_token(staff, accounts.INVITE, timedelta(days=7), issued_by=admin)
    db.commit()
    assert "Getting started" not in text(web.get("/admin/"))


def test_managers_never_see_the_checklist(web, make_user, org_unit):
    unit = org_unit("Ward", UnitKind.DEPARTMENT)
    make_user("mo@example.org", role=Role.MANAGER, unit=unit)
    web.login("mo@example.org")
    assert "Getting started" not in text(web.get("/admin/"))
