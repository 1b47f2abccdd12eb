from datetime import date

import pytest

from course.imports.reading import UNREADABLE, RowError, column_key, read_table
from course.imports.rules import (
    BadCell,
    changed_fields,
    chunks,
    describe_changes,
    parse_completed_on,
    parse_course_version,
    parse_email,
    parse_expires_on,
    parse_job_role,
    parse_name,
    parse_role,
    parse_unit,
    path_key,
    unit_lookup,
    unit_paths,
)
from course.imports.services import CompletionRow, PeoplePlan, PersonRow, number_cycles
from course.models import JobRole, Role

TODAY = date(2026, 6, 15)


def table(text, *, encoding="utf-8", max_rows=100, required=("email", "name"), optional=("role",)):
    return read_table(text.encode(encoding), required=required, optional=optional, max_rows=max_rows)


class TestReadTable:
    def test_headings_in_any_order_and_case_with_the_excel_mark(self):
        read = table("\ufeffRole,NAME,Email\nadmin, Ann ,ann@example.org\n")
        assert read.errors == []
        assert read.rows == [(2, {"role": "admin", "name": "Ann", "email": "ann@example.org"})]

    def test_headings_with_spaces_name_the_same_column(self):
        assert column_key(" Job role ") == column_key("JOB-ROLE") == "job_role"

    def test_an_optional_column_may_be_left_out(self):
        assert table("email,name\na@example.org,A\n").rows == [(2, {"email": "a@example.org", "name": "A"})]

    def test_a_missing_column_is_named_on_row_1(self):
        assert table("email,role\n").errors == [
            RowError(1, "the column name is missing. The columns are: email, name, role")
        ]

    def test_a_repeated_column(self):
        assert table("email,name,Email\n").errors == [RowError(1, "the column email appears more than once")]

    def test_an_empty_file(self):
        (error,) = table("").errors
        assert error.row == 1 and "the file is empty" in error.message

    def test_rows_are_numbered_as_a_spreadsheet_shows_them(self):
        read = table('email,name\n\na@example.org,"Ann\nSmith"\n,\nb@example.org,Bo\n')
        assert [number for number, _cells in read.rows] == [3, 5]
        assert read.rows[0][1]["name"] == "Ann\nSmith"

    def test_a_row_with_too_few_or_too_many_cells(self):
        read = table("email,name\na@example.org\nb@example.org,B,extra\nc@example.org,C,,\n")
        assert [error.row for error in read.errors] == [2, 3]
        assert "this row has 1 cells but the first row names 2 columns" in read.errors[0].message
        assert [number for number, _cells in read.rows] == [4]  # empty trailing cells are harmless

    def test_a_misplaced_quotation_mark_names_its_row(self):
        (error,) = table('email,name\na@example.org,A\nb@example.org,"B"x\n').errors
        assert error.row == 3 and "quotation mark is out of place" in error.message

    def test_an_unclosed_quotation_mark(self):
        (error,) = table('email,name\na@example.org,"A\n').errors
        assert error.row == 2

    def test_too_many_rows_is_one_error_on_the_first_row_too_many(self):
        rows = "".join(f"p{i}@example.org,P\n" for i in range(4))
        read = table("email,name\n" + rows, max_rows=3)
        assert read.rows == [] and len(read.errors) == 1
        assert read.errors[0].row == 5 and "more than 3 rows" in read.errors[0].message

    def test_exactly_the_maximum_is_fine(self):
        rows = "".join(f"p{i}@example.org,P\n" for i in range(3))
        assert len(table("email,name\n\n" + rows, max_rows=3).rows) == 3


class TestEncoding:
    def test_windows_1252_is_read_and_named(self):
        read = table("email,name\na@example.org,Ann\nz@example.org,Zoë Ærø “quoted”\n", encoding="cp1252")
        assert read.errors == [] and read.rows[1][1]["name"] == "Zoë Ærø “quoted”"
        assert read.read_as == "CSV, Windows-1252, comma-separated"

    def test_utf8_with_or_without_the_mark_is_named(self):
        assert table("\ufeffemail,name\nz@example.org,Zoë\n").read_as == "CSV, UTF-8, comma-separated"
        assert table("email,name\nz@example.org,Zoë\n").rows[0][1]["name"] == "Zoë"

    def test_semicolons_are_the_separator_when_the_header_has_more_of_them(self):
        read = table("email;name;role\na@example.org;Ann, Lee;admin\n")
        assert read.errors == [] and read.rows == [
            (2, {"email": "a@example.org", "name": "Ann, Lee", "role": "admin"})
        ]
        assert read.read_as == "CSV, UTF-8, semicolon-separated"

    def test_a_semicolon_file_missing_a_column_names_only_that_column(self):
        read = table("email;role\na@example.org;admin\n")
        assert read.errors[0].message.startswith("the column name is missing")

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
    def test_utf16_with_or_without_the_byte_order_mark(self, encoding):
        assert table("email,name\na@example.org,A\n", encoding=encoding).errors == [RowError(1, UNREADABLE)]


class TestCells:
    def test_email_is_checked_and_lower_cased(self):
        assert parse_email("Ann.Lee@Example.ORG") == "ann.lee@example.org"
        with pytest.raises(BadCell, match="enter an email address"):
            parse_email("")
        with pytest.raises(BadCell, match="“ann.example.org” is not a valid email address. .*@-sign"):
            parse_email("ann.example.org")

    def test_name(self):
        assert parse_name("Zoë Ωμέγα") == "Zoë Ωμέγα"
        assert parse_name("x" * 200)
        with pytest.raises(BadCell, match="the name has 201 characters. Shorten it to 200 or fewer"):
            parse_name("x" * 201)
        with pytest.raises(BadCell, match="enter the person's name"):
            parse_name("")

    @pytest.mark.parametrize(
        ("value", "role"),
        [
            ("", None),  # blank: learner for a new person, unchanged for an existing one
            ("Learner", Role.LEARNER),
            ("MANAGER", Role.MANAGER),
            ("admin", Role.ADMIN),
            ("Administrator", Role.ADMIN),
        ],
    )
    def test_role(self, value, role):
        assert parse_role(value) is role

    def test_a_role_that_is_not_one(self):
        with pytest.raises(
            BadCell, match="“owner” is not a role. Enter learner, manager or admin, or leave it blank"
        ):
            parse_role("owner")

    @pytest.mark.parametrize("job", list(JobRole))
    def test_job_role_by_value_or_label(self, job):
        assert parse_job_role(job.value) is job
        assert parse_job_role(job.label) is job
        assert parse_job_role(f" {job.label.upper()} ") is job

    def test_a_job_role_that_is_not_one(self):
        with pytest.raises(BadCell, match="“Head teacher” is not a job role. Enter one of: teacher, "):
            parse_job_role("Head teacher")

    def test_completed_on(self):
        assert parse_completed_on("2026-06-15", TODAY) == TODAY
        with pytest.raises(BadCell, match="completed_on 2026-06-16 is in the future"):
            parse_completed_on("2026-06-16", TODAY)

    @pytest.mark.parametrize("value", ["15/06/2026", "2026-6-1", "20260601", "2026-02-30", ""])
    def test_dates_must_be_real_and_written_yyyy_mm_dd(self, value):
        with pytest.raises(BadCell, match="is not a date. Write it as YYYY-MM-DD"):
            parse_completed_on(value, TODAY)

    def test_expires_on_defaults_to_the_validity_period(self):
        assert parse_expires_on("", date(2024, 1, 31), 1) == date(2024, 2, 29)
        assert parse_expires_on("2030-01-01", date(2024, 1, 31), 12) == date(2030, 1, 1)

    def test_expiry_may_be_the_day_after_completion(self):
        assert parse_expires_on("2024-02-01", date(2024, 1, 31), 12) == date(2024, 2, 1)

    @pytest.mark.parametrize("value", ["2024-01-31", "2024-01-30"])
    def test_expiry_must_be_after_completion(self, value):
        with pytest.raises(BadCell, match=f"expires_on {value} must be after completed_on 2024-01-31"):
            parse_expires_on(value, date(2024, 1, 31), 12)

    def test_course_version(self):
        assert parse_course_version("") == "imported"
        assert parse_course_version("2024.2") == "2024.2"
        assert parse_course_version("v" * 40) == "v" * 40
        with pytest.raises(BadCell, match="course_version has 41 characters"):
            parse_course_version("v" * 41)


class TestUnits:
    UNITS = [
        (1, "Trust", "/1/"),
        (2, "Academy", "/1/2/"),
        (3, "Years 7/8", "/1/2/3/"),
        (4, "Academy", "/1/4/"),
    ]

    def test_paths_name_every_unit_from_the_top(self):
        assert unit_paths(self.UNITS) == {
            1: "Trust",
            2: "Trust / Academy",
            3: "Trust / Academy / Years 7/8",
            4: "Trust / Academy",
        }

    def test_lookup_ignores_case_and_spacing_but_not_names(self):
        units = unit_lookup(unit_paths(self.UNITS[:3]))
        assert parse_unit("trust  /ACADEMY/ years 7/8", units) == 3
        assert parse_unit("Trust", units) == 1
        with pytest.raises(BadCell, match="there is no unit “Academy”"):
            parse_unit("Academy", units)
        with pytest.raises(BadCell, match="enter the unit_path"):
            parse_unit("", units)

    def test_two_units_with_the_same_path_cannot_be_chosen(self):
        units = unit_lookup(unit_paths(self.UNITS))
        assert units[path_key("Trust / Academy")] is None
        with pytest.raises(BadCell, match="more than one unit is called “Trust / Academy”"):
            parse_unit("Trust / Academy", units)


def person(row=2, user_id=None, audit=None):
    return PersonRow(row, "a@example.org", "A", "teacher", "learner", 1, user_id=user_id, audit=audit or {})


def test_a_plan_counts_what_each_row_does():
    changed = {"name": {"from": "A", "to": "B"}}
    plan = PeoplePlan((person(), person(user_id=7), person(user_id=8, audit=changed)), ())
    assert [row.action for row in plan.rows] == ["create", "unchanged", "update"]
    assert (plan.counts.created, plan.counts.updated, plan.counts.unchanged) == (1, 1, 1)


def test_changes_are_described_in_words():
    old = {"name": "Ann", "job_role": "teacher", "role": "learner", "unit_id": 1}
    new = {"name": "Ann Lee", "job_role": "teaching_assistant", "role": "learner", "unit_id": 2}
    assert describe_changes(changed_fields(old, new), {1: "Trust", 2: "Trust / Academy"}) == (
        "name: Ann → Ann Lee",
        "job role: Teacher → Teaching assistant",
        "unit: Trust → Trust / Academy",
    )
    assert describe_changes(changed_fields(old, old), {}) == ()
    assert describe_changes(changed_fields({**old, "unit_id": None}, old), {1: "Trust"}) == (
        "unit: none → Trust",
    )
    assert changed_fields({"started_on": None}, {"started_on": date(2026, 9, 1)}) == {
        "started_on": {"from": None, "to": "2026-09-01"}
    }


def record(row, user_id, day):
    return CompletionRow(row, "x@example.org", user_id, day, date(2030, 1, 1), "imported", cycle=0)


def test_new_records_take_the_next_cycles_in_date_order():
    records = [
        record(2, 10, date(2024, 5, 1)),
        record(3, 11, date(2023, 1, 1)),
        record(4, 10, date(2023, 5, 1)),
    ]
    last = {10: 3}
    assert number_cycles(records, last) == {4: 4, 2: 5, 3: 1}
    assert last == {10: 3}  # the caller's numbers are left alone


def test_work_is_done_in_chunks_that_cover_every_item_once():
    assert [list(chunk) for chunk in chunks(list(range(5)), 2)] == [[0, 1], [2, 3], [4]]
    assert list(chunks([])) == []
