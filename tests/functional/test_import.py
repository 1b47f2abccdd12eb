import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from course.accounts.passwords import verify_password
from course.imports.services import (
    ImportFailed,
    PeopleOptions,
    apply_completions_import,
    apply_people_import,
    plan_completions_import,
    plan_people_import,
)
from course.models import AuditEvent, CourseCompletion, JobRole, Role, UnitKind, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.database

HEADER = "email,name,job_role,unit_path,role\n"
ACADEMY = "Northfield Learning Trust / Northfield Academy"
SCIENCE = f"{ACADEMY} / Science department"
TODAY = date(2026, 6, 15)


def csv(*lines, header=HEADER):
    return (header + "".join(line + "\n" for line in lines)).encode()


@pytest.fixture
def units(org_unit):
    trust = org_unit("Northfield Learning Trust", UnitKind.ORGANISATION)
    academy = org_unit("Northfield Academy", UnitKind.SITE, trust)
    science = org_unit("Science department", UnitKind.DEPARTMENT, academy)
    return {"academy": academy.id, "science": science.id}


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", role=Role.ADMIN)


def import_people(app, data, actor=None, max_rows=1000, **options):
    with app.app_context():
        plan = plan_people_import(data, max_rows=max_rows, options=PeopleOptions(**options), actor=actor)
        return plan, apply_people_import(plan, actor) if not plan.errors else None


def people(db):
    db.expire_all()
    return {user.email: user for user in db.scalars(select(User))}


def audit(db, action):
    return db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_good_file_creates_people_and_a_changed_one_updates_them(app, db, units, admin):
    first = csv(
        f"Ann.Lee@Example.org,Ann Lee,Teacher,{SCIENCE},",
        f"bo@example.org,Bo Brown,teaching_assistant,{ACADEMY.upper()},manager",
        f"cy@example.org,Cy Chen,School nurse,{ACADEMY},learner",
    )
    plan, counts = import_people(app, first, admin)
    assert (counts.created, counts.updated, counts.unchanged) == (3, 0, 0)
    found = people(db)
    ann = found["ann.lee@example.org"]
    assert (ann.name, ann.job_role, ann.unit_id, ann.role) == (
        "Ann Lee",
        "teacher",
        units["science"],
        "learner",
    )
    assert ann.password_hash is None and ann.active
    bo = found["bo@example.org"]
    assert (bo.job_role, bo.unit_id, bo.role) == (JobRole.TEACHING_ASSISTANT, units["academy"], Role.MANAGER)
    (event_,) = audit(db, "people.imported")
    assert event_.actor_id == admin.id
    assert {k: event_.details[k] for k in ("created", "updated", "unchanged")} == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }

    second = csv(
        f"ann.lee@example.org,Ann Lee-Smith,teacher,{ACADEMY},",
        f"BO@example.org,Bo Brown,teaching_assistant,{ACADEMY},",  # blank: Bo stays a manager
        f"cy@example.org,Cy Chen,nurse,{SCIENCE},admin",
        f"admin@example.org,Alex Admin,other,{ACADEMY},admin",
        f"di@example.org,Di Dee,other,{ACADEMY},",
    )
    roles = PeopleOptions(update_roles=True)  # without it, existing people keep their roles
    with app.app_context():
        preview = {row.email: row for row in plan_people_import(second, max_rows=1000, options=roles).rows}
    assert {email: row.action for email, row in preview.items()} == {
        "ann.lee@example.org": "update",
        "bo@example.org": "unchanged",
        "cy@example.org": "update",
        "admin@example.org": "update",
        "di@example.org": "create",
    }
    assert preview["ann.lee@example.org"].changes == (
        "name: Ann Lee → Ann Lee-Smith",
        f"unit: {SCIENCE} → {ACADEMY}",
    )
    assert preview["cy@example.org"].changes == (
        "job role: School nurse → Nurse",
        "role: learner → admin",
        f"unit: {ACADEMY} → {SCIENCE}",
    )
    _plan, counts = import_people(app, second, admin, update_roles=True)
    assert (counts.created, counts.updated, counts.unchanged) == (1, 3, 1)
    found = people(db)
    assert len(found) == 5
    assert (found["ann.lee@example.org"].name, found["ann.lee@example.org"].unit_id) == (
        "Ann Lee-Smith",
        units["academy"],
    )
    assert (found["cy@example.org"].job_role, found["cy@example.org"].role) == ("nurse", "admin")
    assert found["bo@example.org"].role == Role.MANAGER and found["di@example.org"].role == Role.LEARNER
    assert found["admin@example.org"].name == "Alex Admin"
    assert verify_password(found["admin@example.org"].password_hash, PASSWORD)  # never the password
    assert [e.details for e in audit(db, "people.imported")][-1] == {
        "created": 1,
        "updated": 3,
        "unchanged": 1,
        "deactivated": 0,
        "units_created": 0,
        "options": {"create_units": False, "sync": False, "update_roles": True},
    }


def assert_refused(app, db, data, row, message, max_rows=1000):
    """The file is refused naming the row, and importing it anyway writes nothing at all."""
    before = db.scalar(select(func.count(User.id)))
    with app.app_context():
        plan = plan_people_import(data, max_rows=max_rows)
        assert any(error.row == row and message in error.message for error in plan.errors), plan.errors
        with pytest.raises(ImportFailed, match="nothing was imported"):
            apply_people_import(plan, None)
    assert db.scalar(select(func.count(User.id))) == before
    assert audit(db, "people.imported") == []
    return plan.errors


GOOD = f"ok@example.org,Ok Person,teacher,{ACADEMY},"


def test_a_duplicate_email_names_both_rows(app, db, units):
    errors = assert_refused(
        app,
        db,
        csv(f"dup@example.org,A,teacher,{ACADEMY},", GOOD, f"DUP@example.org,B,nurse,{ACADEMY},"),
        4,
        "",
    )
    assert [str(error) for error in errors] == [
        "row 4: dup@example.org is also on row 2. Keep one of the rows"
    ]


def test_an_unknown_unit(app, db, units):
    assert_refused(app, db, csv(GOOD, "x@example.org,X,teacher,Northfield Academy,"), 3, "there is no unit")


def test_a_bad_role(app, db, units):
    assert_refused(app, db, csv(GOOD, f"x@example.org,X,teacher,{ACADEMY},owner"), 3, "“owner” is not a role")


def test_every_problem_in_every_row_is_listed(app, db, units):
    errors = assert_refused(
        app,
        db,
        csv(GOOD, f"not-an-email,{'x' * 201},head,{ACADEMY},", ",X,teacher,,boss"),
        3,
        "not a valid email",
    )
    assert [(e.row, e.message.split(".")[0]) for e in errors] == [
        (3, "“not-an-email” is not a valid email address"),
        (3, "the name has 201 characters"),
        (3, "“head” is not a job role"),
        (4, "enter an email address"),
        (4, "“boss” is not a role"),
        (4, "enter the unit_path, the unit names from the top separated by “ / ”"),
    ]


def test_a_malformed_csv(app, db, units):
    assert_refused(app, db, csv(GOOD, f'x@example.org,"X"Y,teacher,{ACADEMY},'), 3, "quotation mark")
    assert_refused(app, db, csv(GOOD, f"x@example.org,X,{ACADEMY}"), 3, "this row has 3 cells")


def test_a_missing_column(app, db, units):
    assert_refused(
        app, db, csv(GOOD, header="email,name,unit_path,role\n"), 1, "the column job_role is missing"
    )


def test_a_file_in_utf16_is_refused_with_what_to_do(app, db, units):
    data = (HEADER + GOOD + f"\nzoe@example.org,Zoë Brontë,teacher,{ACADEMY},\n").encode("utf-16")
    assert_refused(app, db, data, 1, "Save the file as CSV UTF-8")


def test_an_oversized_file(app, db, units):
    data = csv(*(f"p{i}@example.org,P,teacher,{ACADEMY}," for i in range(6)))
    errors = assert_refused(app, db, data, 7, "the file has more than 5 rows", max_rows=5)
    assert len(errors) == 1


def test_planning_takes_a_fixed_number_of_queries(app, db, units):
    data = csv(*(f"p{i}@example.org,P,teacher,{ACADEMY}," for i in range(2500)))
    statements = []
    engine = app.extensions["database"].engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with app.app_context():
            plan = plan_people_import(data, max_rows=5000)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert plan.counts.created == 2500
    assert len(statements) == 5  # the units, people in three chunks of up to 1,000, the administrators


def test_concurrent_imports_of_one_file_add_each_person_once(app, db, units):
    data = csv(*(f"p{i}@example.org,P,teacher,{ACADEMY}," for i in range(300)))
    planned = threading.Barrier(2)
    outcomes = []

    def run():
        with app.app_context():
            plan = plan_people_import(data, max_rows=1000)
            planned.wait()
            try:
                outcomes.append(apply_people_import(plan, None).created)
            except ImportFailed as failed:
                outcomes.append(str(failed))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and 300 in outcomes
    assert any("nothing was imported" in str(outcome) for outcome in outcomes)
    assert db.scalar(select(func.count(User.id))) == 300
    assert len(audit(db, "people.imported")) == 1


def test_cli_import_users(runner, db, units, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv(GOOD, f"bo@example.org,Bo,nurse,{SCIENCE},manager"))
    dry = runner.invoke(args=["import-users", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run, nothing saved: 2 to add, 0 to update, 0 unchanged," in dry.output
    assert people(db) == {}
    result = runner.invoke(args=["import-users", str(path)])
    assert result.exit_code == 0, result.output
    assert "Added 2, updated 0, unchanged 0," in result.output
    assert set(people(db)) == {"ok@example.org", "bo@example.org"}
    path.write_bytes(csv(GOOD, f"bo@example.org,Bo Brown,nurse,{SCIENCE},manager"))
    again = runner.invoke(args=["import-users", str(path), "--dry-run"])
    assert "row 3: update bo@example.org: name: Bo → Bo Brown" in again.output


def test_cli_import_users_prints_every_error_and_exits_1(runner, db, units, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(
        csv(GOOD, f"x@example.org,X,teacher,{ACADEMY},owner", "y@example.org,Y,teacher,Nowhere,")
    )
    result = runner.invoke(args=["import-users", str(path)])
    assert result.exit_code == 1
    assert "row 3: “owner” is not a role." in result.output
    assert "row 4: there is no unit “Nowhere”." in result.output
    assert "2 problem(s) found; nothing was saved." in result.output
    assert people(db) == {}


def completions_csv(*lines, header="email,completed_on,expires_on,course_version\n"):
    return csv(*lines, header=header)


def import_completions(app, data, actor=None):
    with app.app_context():
        plan = plan_completions_import(data, max_rows=1000, today=TODAY)
        return plan, apply_completions_import(plan, actor) if not plan.errors else None


def records(db):
    db.expire_all()
    query = select(CourseCompletion).order_by(CourseCompletion.user_id, CourseCompletion.cycle)
    return db.scalars(query).all()


def test_completions_backfill(app, db, make_user, admin, org_settings):
    org_settings(certificate_months=24)
    ann = make_user("ann@example.org")
    bo = make_user("bo@example.org")
    db.add(
        CourseCompletion(
            user_id=bo.id,
            cycle=1,
            course_version="2023.1",
            completed_at=datetime(2023, 1, 10, 12, tzinfo=UTC),
            expires_on=date(2025, 1, 1),
            scores={},
            cpd_minutes=90,
            certificate_code="AAAA-BBBB-CCCC-DDDD",
        )
    )
    db.commit()
    data = completions_csv(
        "ANN@example.org,2025-03-01,,",
        "bo@example.org,2026-06-15,2027-06-15,2026.1",
        "ann@example.org,2024-02-29,2025-03-01,",
    )
    plan, added = import_completions(app, data, admin)
    assert plan.errors == () and added == 3
    found = [
        (
            r.user_id,
            r.cycle,
            r.completed_at.astimezone(ZoneInfo(app.config["ORG_TIMEZONE"])).date(),
            r.expires_on,
            r.course_version,
            r.source,
        )
        for r in records(db)
    ]
    assert found == [
        (ann.id, 1, date(2024, 2, 29), date(2025, 3, 1), "imported", "import"),
        (ann.id, 2, date(2025, 3, 1), date(2027, 3, 1), "imported", "import"),  # the organisation's 24 months
        (bo.id, 1, date(2023, 1, 10), date(2025, 1, 1), "2023.1", "course"),
        (bo.id, 2, TODAY, date(2027, 6, 15), "2026.1", "import"),
    ]
    imported = [r for r in records(db) if r.source == "import"]
    assert all(r.scores == {} and r.cpd_minutes == 0 and r.recorded_by_id == admin.id for r in imported)
    assert len({r.certificate_code for r in records(db)}) == 4
    (event_,) = audit(db, "completions.imported")
    assert event_.details == {"records": 3, "people": 2} and event_.actor_id == admin.id


def test_completions_errors_name_the_rows_and_write_nothing(app, db, make_user):
    make_user("ann@example.org")
    data = completions_csv(
        "ann@example.org,2025-03-01,,",
        "nobody@example.org,2025-03-01,,",
        "ann@example.org,01/03/2025,,",
        "ann@example.org,2026-06-16,,",
        "ann@example.org,2025-05-01,2025-05-01,",
        "Ann@example.org,2025-03-01,2026-01-01,",
    )
    with app.app_context():
        plan = plan_completions_import(data, max_rows=1000, today=TODAY)
        with pytest.raises(ImportFailed, match="nothing was imported"):
            apply_completions_import(plan, None)
    assert [str(error).split(". ")[0] for error in plan.errors] == [
        "row 3: no one has the email nobody@example.org",
        "row 4: completed_on “01/03/2025” is not a date",
        "row 5: completed_on 2026-06-16 is in the future",
        "row 6: expires_on 2025-05-01 must be after completed_on 2025-05-01",
        "row 7: ann@example.org with completed_on 2025-03-01 is also on row 2",
    ]
    assert records(db) == [] and audit(db, "completions.imported") == []


def test_completions_before_an_existing_record_are_refused(app, db, make_user):
    make_user("ann@example.org")
    import_completions(app, completions_csv("ann@example.org,2025-03-01,,"))
    plan, _ = import_completions(
        app, completions_csv("ann@example.org,2025-02-01,,", "ann@example.org,2025-03-01,,")
    )
    message = "ann@example.org already has a record completed on 2025-03-01. Only later ones can be added"
    assert [str(e) for e in plan.errors] == [f"row 2: {message}", f"row 3: {message}"]
    assert len(records(db)) == 1


def test_cli_import_completions(runner, db, make_user, tmp_path):
    make_user("ann@example.org")
    path = tmp_path / "records.csv"
    path.write_bytes(completions_csv("ann@example.org,2025-03-01,,", header="email,completed_on\n"))
    dry = runner.invoke(args=["import-completions", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "Dry run, nothing saved: 1 records to add." in dry.output
    assert records(db) == []
    result = runner.invoke(args=["import-completions", str(path)])
    assert result.exit_code == 0, result.output
    assert "Added 1 completion records." in result.output and len(records(db)) == 1
    path.write_bytes(completions_csv("zed@example.org,2025-03-01", header="email,completed_on\n"))
    failed = runner.invoke(args=["import-completions", str(path)])
    assert failed.exit_code == 1 and "row 2: no one has the email zed@example.org" in failed.output
    assert len(records(db)) == 1
