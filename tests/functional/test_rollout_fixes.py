"""Fixes for a real organisation's first days: the edit form keeps the person's unit, the learners list
shows no error until a filter is wrong, the header names the admin area, create-admin checks the
e-mail and is audited."""

import re

import pytest
from sqlalchemy import select

from course.models import AuditEvent, Role, UnitKind, User

pytestmark = pytest.mark.database


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def units(org_unit):
    trust = org_unit("Trust", UnitKind.ORGANISATION)
    return {
        "trust": trust,
        "ward": org_unit("Ward 7", UnitKind.DEPARTMENT, org_unit("Hospital", UnitKind.SITE, trust)),
    }


@pytest.fixture
def admin(web, make_user, units):
    make_user("admin@example.org", role=Role.ADMIN, unit=units["trust"])
    web.login("admin@example.org")
    return web


def test_the_edit_form_shows_the_persons_unit_and_a_rename_keeps_it(admin, make_user, units, db):
    pat = make_user("pat@example.org", name="Pat", unit=units["ward"], role=Role.MANAGER, job_role="nurse")
    form = text(admin.get(f"/admin/people/{pat.id}/edit"))
    assert re.search(rf'<option selected value="{units["ward"].id}">', form)
    assert len(re.findall(r"<option selected", form)) == 3  # the unit, the job role and the access
    saved = admin.submit(
        f"/admin/people/{pat.id}/edit",
        {
            "name": "Pat Renamed",
            "email": "pat@example.org",
            "job_role": "nurse",
            "role": "manager",
            "unit": units["ward"].id,
            "active": "y",
        },
    )
    assert saved.status_code == 302
    db.expire_all()
    pat = db.get(User, pat.id)
    assert (pat.name, pat.unit_id, pat.role) == ("Pat Renamed", units["ward"].id, Role.MANAGER)


@pytest.mark.parametrize(
    "query", ["", "?status=Overdue", "?status=Expiring+soon", "?q=ann", "?unit=0&job_role=&status=&sort=name"]
)
def test_the_learners_list_shows_no_error_until_a_filter_is_wrong(admin, query):
    page = text(admin.get(f"/admin/learners{query}"))
    assert "Not a valid choice" not in page and 'aria-invalid="true"' not in page


@pytest.mark.parametrize("query", ["?status=Bogus", "?sort=nonsense", "?job_role=pilot"])
def test_a_wrong_filter_is_named(admin, query):
    assert "Not a valid choice" in text(admin.get(f"/admin/learners{query}"))


def test_the_dashboard_tiles_link_to_filters_that_are_valid(admin):
    dashboard = text(admin.get("/admin/"))
    links = re.findall(r'href="(/admin/learners\?[^"]*)"', dashboard)
    assert links
    for link in links:
        assert "Not a valid choice" not in text(admin.get(link.replace("&amp;", "&"))), link


def test_the_header_says_admin_or_manage(admin, web, make_user, units):
    assert ">Admin</a>" in text(admin.get("/")) and ">Reports</a>" not in text(admin.get("/"))
    make_user("mo@example.org", role=Role.MANAGER, unit=units["ward"])
    web.logout()
    web.login("mo@example.org")
    page = text(web.get("/"))
    assert ">Manage</a>" in page and ">Admin</a>" not in page


def test_create_admin_refuses_an_invalid_email(runner, db):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "not an email",
            "--name",
            "A",
            "--password",
            "saffron glacier tandem quill",
        ]
    )
    assert result.exit_code != 0 and "is not a valid email address" in result.output
    assert db.scalars(select(User)).all() == []


def test_create_admin_is_audited(runner, db):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Lead@Example.org",
            "--name",
            "Lee",
            "--password",
            "saffron glacier tandem quill",
        ]
    )
    assert result.exit_code == 0, result.output
    (event,) = db.scalars(select(AuditEvent).where(AuditEvent.action == "person.created")).all()
    user = db.scalar(select(User))
    assert event.subject == f"user:{user.id}" and event.details == {
        "email": "lead@example.org",
        "role": "admin",
        "via": "create-admin",
    }


def test_adding_a_person_before_any_unit_exists_says_what_to_do(web, make_user):
    make_user("first@example.org", role=Role.ADMIN)
    web.login("first@example.org")
    assert "Add the organisation's units first" in text(web.get("/admin/people"))
    response = web.submit(
        "/admin/people", {"name": "Ann", "email": "ann@example.org", "job_role": "nurse", "role": "learner"}
    )
    page = text(response)
    assert response.status_code == 422 and "could not coerce" not in page
    assert "There are no units yet." in page


def test_the_staff_number_is_edited_and_kept_unique(admin, make_user, units, db):
    pat = make_user("pat@example.org", name="Pat", unit=units["ward"])
    other = make_user("other@example.org", unit=units["ward"])
    other.staff_number = "E7"
    db.commit()
    fields = {
        "name": "Pat",
        "email": "pat@example.org",
        "job_role": "teacher",
        "role": "learner",
        "unit": units["ward"].id,
        "active": "y",
    }
    taken = admin.submit(f"/admin/people/{pat.id}/edit", {**fields, "staff_number": "E7"})
    assert taken.status_code == 422 and "Someone else has the staff number E7." in text(taken)
    saved = admin.submit(f"/admin/people/{pat.id}/edit", {**fields, "staff_number": " E8 "})
    assert saved.status_code == 302
    db.expire_all()
    assert db.get(User, pat.id).staff_number == "E8"
    assert 'value="E8"' in text(admin.get(f"/admin/people/{pat.id}/edit"))
