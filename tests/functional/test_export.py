import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from course.extensions import db as database
from course.models import Assignment, CourseCompletion, JobRole, Role, UnitKind, User
from course.people.rules import Scope
from course.reporting.services import EXPORT_HEADER as HEADER
from course.reporting.services import ReportContext, completion_rows
from course.spreadsheet import csv_lines
from tests import factories

pytestmark = pytest.mark.database

TODAY = factories.today()
EVERYONE = Scope(None)
COMPLETED_AT = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # still 2 March in London (GMT)


def add_record(db, user, *, cycle=1, code="ABCD-EFGH-JKLM-NPQR", version="2026.1", expires_on=None):
    db.add(
        CourseCompletion(
            user_id=user.id,
            cycle=cycle,
            course_version=version,
            completed_at=COMPLETED_AT,
            expires_on=expires_on or TODAY + timedelta(days=200),
            scores={},
            cpd_minutes=90,
            certificate_code=code,
        )
    )
    db.commit()


@pytest.fixture
def people(db, org_unit, make_user):
    north = org_unit("North School", UnitKind.SITE)
    south = org_unit("South School", UnitKind.SITE)
    ward = org_unit("Ward 7", UnitKind.DEPARTMENT, north)

    def person(email, name, unit, **kwargs):
        return make_user(email, name=name, unit=unit, password=None, **kwargs)

    done = person("done@example.org", "Dana Done", ward, job_role=JobRole.SCHOOL_NURSE)
    done.staff_number = "E-4410"
    add_record(db, done, code="OLD1-OLD1-OLD1-OLD1", version="2025.1", expires_on=TODAY - timedelta(days=100))
    add_record(db, done, cycle=2)  # the latest record is the one reported
    late = person("late@example.org", "Lee Late", north)
    db.add(Assignment(user_id=late.id, due_on=TODAY - timedelta(days=3)))
    db.commit()
    person("formula@example.org", '=HYPERLINK("http://evil.example","Click")', south)
    person("plus@example.org", "+cmd", south)
    manager = person("manager@example.org", "Mo Manager", north, role=Role.MANAGER)
    return manager


def export(app, scope=EVERYONE):
    with app.app_context():
        return "".join(csv_lines(HEADER, completion_rows(ReportContext(scope, TODAY, 30))))


def parse(text):
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(header) == HEADER
    return {row[1]: dict(zip(HEADER, row, strict=True)) for row in rows}


def test_header_and_one_row_per_person_with_their_latest_record(app, people):
    rows = parse(export(app))
    assert set(rows) == {
        "done@example.org",
        "late@example.org",
        "formula@example.org",
        "plus@example.org",
        "manager@example.org",
    }
    assert rows["done@example.org"] == {
        "Name": "Dana Done",
        "Email": "done@example.org",
        "Staff number": "E-4410",
        "Job role": "School nurse",
        "Unit": "Ward 7",
        "Status": "Completed",
        "Due date": "",
        "Completed on": "2026-03-02",
        "Expires on": (TODAY + timedelta(days=200)).isoformat(),
        "Certificate code": "ABCD-EFGH-JKLM-NPQR",
        "Course version": "2026.1",
    }
    late = rows["late@example.org"]
    assert late["Status"] == "Overdue" and late["Due date"] == (TODAY - timedelta(days=3)).isoformat()
    assert late["Completed on"] == late["Certificate code"] == ""


def test_completed_on_is_the_day_in_the_organisations_time_zone(app, people):
    app.config["ORG_TIMEZONE"] = "Asia/Tokyo"  # 23:30 UTC on 2 March is 08:30 on 3 March there
    assert parse(export(app))["done@example.org"]["Completed on"] == "2026-03-03"


def test_cells_that_a_spreadsheet_would_run_are_made_inert(app, people):
    rows = parse(export(app))
    assert rows["formula@example.org"]["Name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows["plus@example.org"]["Name"] == "'+cmd"


def test_lines_end_in_crlf_and_dates_are_iso(app, people):
    text = export(app)
    assert text.count("\r\n") == 6 and "\n" not in text.replace("\r\n", "")
    assert f",{(TODAY - timedelta(days=3)).isoformat()}," in text


def test_a_managers_export_covers_only_their_unit(app, people):
    with app.app_context():
        scope = Scope.for_viewer(database.session.get(User, people.id))
    assert set(parse(export(app, scope))) == {"done@example.org", "late@example.org", "manager@example.org"}


def test_the_export_is_one_query_however_many_people(app, people, make_user):
    def statements():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(database.engine, "before_cursor_execute", listener)
        try:
            export(app)
        finally:
            event.remove(database.engine, "before_cursor_execute", listener)
        return len(seen)

    assert statements() == 1
    for number in range(5):
        make_user(f"more{number}@example.org", password=None)
    assert statements() == 1


def test_the_command_writes_to_standard_output(app, people, runner):
    result = runner.invoke(args=["export-completions"])
    assert result.exit_code == 0, result.output
    rows = parse(result.output)
    assert len(rows) == 5 and rows["plus@example.org"]["Name"] == "'+cmd"


def test_the_command_writes_a_file(app, people, runner, tmp_path):
    target = tmp_path / "report.csv"
    result = runner.invoke(args=["export-completions", "--output", str(target)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert (
        data.startswith(b"\xef\xbb\xbfName,Email,Staff number,Job role,") and b"ABCD-EFGH-JKLM-NPQR" in data
    )
    assert set(parse(data.decode("utf-8"))) >= {"done@example.org", "late@example.org"}
