"""The units pages: add, rename, move (with the whole subtree) and retire units; a unit with people is
never deleted; retired units are not offered in forms; every change audited."""

import pytest
from sqlalchemy import select

from course.models import Assignment, AuditEvent, OrgUnit, Role, UnitKind
from tests import factories

pytestmark = pytest.mark.database


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def tree(org_unit):
    trust = org_unit("Trust", UnitKind.ORGANISATION)
    school = org_unit("School", UnitKind.SITE, trust)
    science = org_unit("Science", UnitKind.DEPARTMENT, school)
    lab = org_unit("Lab", UnitKind.DEPARTMENT, science)
    hospital = org_unit("Hospital", UnitKind.SITE, trust)
    return {u.name: u.id for u in (trust, school, science, lab, hospital)}


@pytest.fixture
def admin(web, make_user, tree, db):
    make_user("admin@example.org", role=Role.ADMIN, unit=db.get(OrgUnit, tree["Trust"]))
    web.login("admin@example.org")
    return web


def unit(db, name):
    db.expire_all()
    return db.scalar(select(OrgUnit).where(OrgUnit.name == name))


def actions(db):
    return [event.action for event in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_tree_lists_every_unit_with_its_people(admin, db):
    page = text(admin.get("/admin/units"))
    assert "— — Science" in page and "— — — Lab" in page
    assert page.index("Trust") < page.index("School") < page.index("Science") < page.index("Hospital")


def test_adding_a_unit_at_the_top_and_inside_another(admin, db, tree):
    done = admin.submit("/admin/units", {"name": "Ward 7", "kind": "department", "parent": tree["Hospital"]})
    assert done.status_code == 302
    ward = unit(db, "Ward 7")
    assert ward.parent_id == tree["Hospital"] and ward.path == f"{unit(db, 'Hospital').path}{ward.id}/"
    admin.submit("/admin/units", {"name": "Second Trust", "kind": "organisation", "parent": "0"})
    top = unit(db, "Second Trust")
    assert top.parent_id is None and top.path == f"/{top.id}/"
    assert actions(db).count("unit.created") == 2


def test_a_name_is_required_and_may_not_contain_a_slash(admin, db, tree):
    for name, message in (("", "Enter the unit&#39;s name."), ("A / B", "cannot contain")):
        response = admin.submit("/admin/units", {"name": name, "kind": "site", "parent": "0"})
        assert response.status_code == 422 and message in text(response)


def test_moving_a_unit_rewrites_the_paths_of_its_whole_subtree(admin, db, tree):
    done = admin.submit(
        f"/admin/units/{tree['Science']}",
        {"name": "Sciences", "kind": "department", "parent": tree["Hospital"]},
    )
    assert done.status_code == 302
    hospital, science, lab = unit(db, "Hospital"), unit(db, "Sciences"), unit(db, "Lab")
    assert science.parent_id == hospital.id and science.path == f"{hospital.path}{science.id}/"
    assert lab.path == f"{science.path}{lab.id}/"
    (event,) = db.scalars(select(AuditEvent).where(AuditEvent.action == "unit.updated")).all()
    assert event.details["changes"]["name"] == {"from": "Science", "to": "Sciences"}
    assert event.details["changes"]["parent_id"] == {"from": tree["School"], "to": tree["Hospital"]}


def test_a_unit_cannot_move_inside_itself(admin, db, tree):
    form = text(admin.get(f"/admin/units/{tree['School']}"))
    assert f'value="{tree["Lab"]}"' not in form and f'value="{tree["Hospital"]}"' in form
    response = admin.submit(
        f"/admin/units/{tree['School']}", {"name": "School", "kind": "site", "parent": tree["Lab"]}
    )
    assert response.status_code == 422 and unit(db, "School").parent_id == tree["Trust"]


def test_a_unit_with_people_is_retired_never_deleted(admin, db, tree, make_user):
    make_user("pat@example.org", unit=db.get(OrgUnit, tree["Lab"]))
    refused = admin.submit("/admin/units", {}, action=f"/admin/units/{tree['Lab']}/delete")
    assert refused.status_code == 302
    page = text(admin.get("/admin/units"))
    assert "Lab has 1 person, so it cannot be deleted" in page and "Retire it instead" in page
    assert unit(db, "Lab") is not None
    admin.submit("/admin/units", {}, action=f"/admin/units/{tree['Science']}/retire")
    assert unit(db, "Science").retired_at is not None and unit(db, "Lab").retired_at is not None
    assert unit(db, "School").retired_at is None
    assert "(retired)" in text(admin.get("/admin/units"))


def test_retired_units_are_not_offered_in_forms_but_a_persons_own_unit_is(admin, db, tree, make_user):
    pat = make_user("pat@example.org", unit=db.get(OrgUnit, tree["Lab"]))
    admin.submit("/admin/units", {}, action=f"/admin/units/{tree['Science']}/retire")
    people_form = text(admin.get("/admin/people"))
    assert f'<option value="{tree["Lab"]}"' not in people_form
    assert f'<option value="{tree["School"]}"' in people_form
    assert f'<option value="{tree["Lab"]}"' not in text(admin.get("/admin/assignments"))
    edit = text(admin.get(f"/admin/people/{pat.id}/edit"))
    assert f'<option selected value="{tree["Lab"]}"' in edit  # Pat's own unit, still shown
    adding = admin.submit(
        "/admin/people",
        {
            "name": "New",
            "email": "new@example.org",
            "job_role": "nurse",
            "role": "learner",
            "unit": tree["Lab"],
        },
    )
    assert adding.status_code == 422


def test_bringing_a_unit_back_needs_its_parent_current(admin, db, tree):
    admin.submit("/admin/units", {}, action=f"/admin/units/{tree['Science']}/retire")
    admin.submit("/admin/units", {}, action=f"/admin/units/{tree['Lab']}/restore")
    assert unit(db, "Lab").retired_at is not None
    assert "Science is retired. Bring it back first" in text(admin.get("/admin/units"))
    admin.submit("/admin/units", {}, action=f"/admin/units/{tree['Science']}/restore")
    assert unit(db, "Lab").retired_at is None and unit(db, "Science").retired_at is None


def test_an_empty_unit_is_deleted_with_its_assignments(admin, db, tree):
    db.add(Assignment(unit_id=tree["Hospital"], due_on=factories.today()))
    db.commit()
    refused = admin.submit("/admin/units", {}, action=f"/admin/units/{tree['Science']}/delete")
    assert refused.status_code == 302 and unit(db, "Science") is not None  # it has units within it
    assert "has units within it" in text(admin.get("/admin/units"))
    admin.submit("/admin/units", {}, action=f"/admin/units/{tree['Hospital']}/delete")
    assert unit(db, "Hospital") is None and db.scalars(select(Assignment)).all() == []
    assert "unit.deleted" in actions(db)
