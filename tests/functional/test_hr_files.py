"""HR files: semicolons, Windows-1252 and XLSX; staff numbers; sync mode; units created on request;
roles changed only when asked; an audit event for every person; the largest upload confirmed."""

import io
import re
import time
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from course.database import utcnow
from course.imports.reading import read_table
from course.imports.services import PeopleOptions, apply_people_import, plan_people_import
from course.models import AuditEvent, ImportUpload, OrgUnit, Role, UnitKind, User
from tests import factories
from tests.fixtures.app import Web, csrf_token

pytestmark = pytest.mark.database

TRUST = "Northfield Trust"


@pytest.fixture
def trust(org_unit):
    return org_unit(TRUST, UnitKind.ORGANISATION)


@pytest.fixture
def admin(make_user, trust):
    return make_user("admin@example.org", role=Role.ADMIN, unit=trust)


def plan(app, data, actor=None, **options):
    with app.app_context():
        return plan_people_import(data, max_rows=10_000, options=PeopleOptions(**options), actor=actor)


def run(app, data, actor=None, **options):
    found = plan(app, data, actor, **options)
    assert found.errors == (), found.errors
    with app.app_context():
        return found, apply_people_import(found, actor)


def people(db):
    db.expire_all()
    return {user.email: user for user in db.scalars(select(User))}


def events(db, action):
    return db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "Staff"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestFiles:
    def test_a_semicolon_windows_1252_file_from_excel(self, app, db, trust, admin):
        data = (
            "Email;Name;Job role;Unit path;Staff number;Start date\r\n"
            f"zoe@example.org;Zoë Brontë-Ødegård;nurse;{TRUST};E1001;2026-09-01\r\n"
        ).encode("cp1252")
        found, counts = run(app, data, admin)
        assert found.read_as == "CSV, Windows-1252, semicolon-separated" and counts.created == 1
        zoe = people(db)["zoe@example.org"]
        assert (zoe.name, zoe.staff_number, zoe.started_on) == (
            "Zoë Brontë-Ødegård",
            "E1001",
            date(2026, 9, 1),
        )

    def test_an_xlsx_workbook_with_dates_and_numbers_as_cells(self, app, db, trust, admin):
        data = xlsx(
            [
                ("email", "name", "job_role", "unit_path", "staff_number", "start_date"),
                ("ann@example.org", "Ann Ash", "teacher", TRUST, 40017, date(2026, 1, 5)),
                (None, None, None, None, None, None),  # a blank row is skipped
                ("bo@example.org", "Bo Birch", "nurse", TRUST),  # trailing cells left out
            ]
        )
        found, counts = run(app, data, admin)
        assert found.read_as == "Excel workbook, sheet “Staff”" and counts.created == 2
        ann = people(db)["ann@example.org"]
        assert (ann.staff_number, ann.started_on) == ("40017", date(2026, 1, 5))
        assert people(db)["bo@example.org"].started_on == factories.today()  # no start date: today

    def test_a_broken_workbook_says_what_to_do(self, app):
        read = read_table(b"PK\x03\x04 not really a zip", required=("email",), optional=(), max_rows=10)
        assert read.rows == [] and "cannot be opened" in read.errors[0].message

    def test_a_header_of_100000_columns_is_answered_in_under_a_second(self):
        header = ",".join(f"column {n}" for n in range(100_000))
        for data, problem in (
            (header + "\n", "the column email is missing"),
            ("email," + header + ",column 5\n", "the column column_5 appears more than once"),
        ):
            started = time.perf_counter()
            read = read_table(data.encode(), required=("email",), optional=(), max_rows=10)
            elapsed = time.perf_counter() - started
            assert problem in read.errors[0].message and elapsed < 1.0, elapsed


class TestRoles:
    def test_the_role_column_changes_nobody_unless_asked(self, app, db, trust, admin, make_user):
        make_user("lee@example.org", role=Role.LEARNER, unit=trust)
        data = f"email,name,job_role,unit_path,role\nlee@example.org,Lee,teacher,{TRUST},admin\n".encode()
        found, counts = run(app, data, admin)
        assert people(db)["lee@example.org"].role == Role.LEARNER
        found, counts = run(app, data, admin, update_roles=True)
        assert people(db)["lee@example.org"].role == Role.ADMIN and counts.updated == 1

    def test_the_importer_is_never_demoted(self, app, db, trust, admin):
        data = f"email,name,job_role,unit_path,role\nadmin@example.org,Admin,other,{TRUST},learner\n".encode()
        refused = plan(app, data, admin, update_roles=True)
        assert [e.message for e in refused.errors] == ["you cannot remove your own administrator access"]

    def test_the_last_administrator_is_never_demoted_from_the_command_line(self, app, db, trust, admin):
        data = f"email,name,job_role,unit_path,role\nadmin@example.org,Admin,other,{TRUST},manager\n".encode()
        refused = plan(app, data, None, update_roles=True)
        assert refused.errors and "no active administrator" in refused.errors[0].message

    def test_an_administrator_may_be_demoted_while_another_remains(self, app, db, trust, admin, make_user):
        make_user("other@example.org", role=Role.ADMIN, unit=trust)
        data = f"email,name,job_role,unit_path,role\nother@example.org,O,other,{TRUST},manager\n".encode()
        run(app, data, admin, update_roles=True)
        assert people(db)["other@example.org"].role == Role.MANAGER


class TestAudit:
    def test_every_person_created_updated_or_deactivated_has_an_event(self, app, db, trust, admin, make_user):
        kept = make_user("kept@example.org", unit=trust, name="Kept")
        leaver = make_user("leaver@example.org", unit=trust)
        data = (
            "email,name,job_role,unit_path,staff_number\n"
            f"kept@example.org,Kept Renamed,nurse,{TRUST},K1\n"
            f"new@example.org,New Person,teacher,{TRUST},N1\n"
            f"admin@example.org,Test Person,teacher,{TRUST},\n"
        ).encode()
        found, counts = run(app, data, admin, sync=True)
        assert (counts.created, counts.updated, counts.unchanged, counts.deactivated) == (1, 1, 1, 1)
        new = people(db)["new@example.org"]
        (created,) = events(db, "person.created")
        assert created.subject == f"user:{new.id}" and created.actor_id == admin.id
        assert created.details["staff_number"] == "N1" and created.details["email"] == "new@example.org"
        updated = {event.subject: event.details["changes"] for event in events(db, "person.updated")}
        assert updated[f"user:{kept.id}"] == {
            "name": {"from": "Kept", "to": "Kept Renamed"},
            "job_role": {"from": "teacher", "to": "nurse"},
            "staff_number": {"from": None, "to": "K1"},
        }
        (gone,) = events(db, "person.deactivated")
        assert gone.subject == f"user:{leaver.id}" and gone.details["changes"]["active"] == {
            "from": True,
            "to": False,
        }


class TestSync:
    def test_leavers_are_previewed_then_deactivated_and_their_records_kept(
        self, app, db, trust, admin, make_user
    ):
        leaver = make_user("leaver@example.org", unit=trust)
        db.add(factories.completion(leaver, expires_in_days=100))
        db.commit()
        data = f"email,name,job_role,unit_path\nstays@example.org,Stays,teacher,{TRUST}\n".encode()
        preview = plan(app, data, admin, sync=True)
        assert [leaver.email for leaver in preview.leavers] == ["leaver@example.org"]
        assert preview.kept == (
            "admin@example.org: you are importing the file, so your account stays active",
        )
        assert people(db)["leaver@example.org"].active  # nothing changed by the preview
        with app.app_context():
            apply_people_import(preview, admin)
        found = people(db)
        assert not found["leaver@example.org"].active and found["admin@example.org"].active
        assert found["leaver@example.org"].session_version == 2  # signed out everywhere
        assert found["leaver@example.org"].record_expires_on is not None  # the record stays

    def test_sync_from_the_command_line_keeps_the_last_administrator(self, app, db, trust, admin):
        data = f"email,name,job_role,unit_path\nstays@example.org,Stays,teacher,{TRUST}\n".encode()
        preview = plan(app, data, None, sync=True)
        assert preview.leavers == () and preview.kept == (
            "admin@example.org: the last administrator stays active",
        )

    def test_without_sync_nobody_is_deactivated(self, app, db, trust, admin, make_user):
        make_user("other@example.org", unit=trust)
        data = f"email,name,job_role,unit_path\nstays@example.org,Stays,teacher,{TRUST}\n".encode()
        _found, counts = run(app, data, admin)
        assert counts.deactivated == 0 and people(db)["other@example.org"].active


class TestStaffNumbers:
    def test_a_staff_number_finds_the_person_whose_email_changed(self, app, db, trust, admin):
        run(
            app, f"email,name,job_role,unit_path,staff_number\nold@example.org,Di,nurse,{TRUST},S9\n".encode()
        )
        found, counts = run(
            app, f"email,name,job_role,unit_path,staff_number\nnew@example.org,Di,nurse,{TRUST},S9\n".encode()
        )
        assert (counts.created, counts.updated) == (0, 1)
        assert "new@example.org" in people(db) and "old@example.org" not in people(db)

    def test_contradicting_numbers_and_repeated_numbers_are_refused(self, app, db, trust, admin):
        run(app, f"email,name,job_role,unit_path,staff_number\na@example.org,A,nurse,{TRUST},S1\n".encode())
        header = "email,name,job_role,unit_path,staff_number\n"
        wrong = plan(app, f"{header}a@example.org,A,nurse,{TRUST},S2\n".encode())
        assert "has the staff number S1 in the course, not S2" in wrong.errors[0].message
        twice = plan(
            app, f"{header}b@example.org,B,nurse,{TRUST},S7\nc@example.org,C,nurse,{TRUST},S7\n".encode()
        )
        assert twice.errors[0].row == 3 and "staff number S7 is also on row 2" in twice.errors[0].message


class TestCreateUnits:
    def test_missing_units_are_previewed_then_created_parents_first(self, app, db, trust, admin):
        data = (
            "email,name,job_role,unit_path\n"
            f"a@example.org,A,nurse,{TRUST} / St Mary's / Ward 7\n"
            f"b@example.org,B,nurse,{TRUST.upper()} / st mary's\n"
            "c@example.org,C,teacher,Other Trust\n"
        ).encode()
        refused = plan(app, data, admin)
        assert len(refused.errors) == 3 and "create missing units" in refused.errors[0].message
        preview = plan(app, data, admin, create_units=True)
        assert preview.new_units == ("Other Trust", f"{TRUST} / St Mary's", f"{TRUST} / St Mary's / Ward 7")
        assert db.scalar(select(OrgUnit).where(OrgUnit.name == "Ward 7")) is None
        with app.app_context():
            counts = apply_people_import(preview, admin)
        assert counts.units_created == 3
        db.expire_all()
        ward = db.scalar(select(OrgUnit).where(OrgUnit.name == "Ward 7"))
        site = db.scalar(select(OrgUnit).where(OrgUnit.name == "St Mary's"))
        assert (ward.parent_id, ward.kind, site.parent_id, site.kind) == (
            site.id,
            "department",
            trust.id,
            "site",
        )
        assert ward.path == f"{trust.path}{site.id}/{ward.id}/"
        assert people(db)["b@example.org"].unit_id == site.id
        assert len(events(db, "unit.created")) == 3

    def test_a_retired_unit_is_not_offered(self, app, db, trust, admin, org_unit):
        old = org_unit("Closed school", UnitKind.SITE, trust)
        old.retired_at = utcnow()
        db.commit()
        data = f"email,name,job_role,unit_path\na@example.org,A,nurse,{TRUST} / Closed school\n".encode()
        assert "is retired" in plan(app, data, admin, create_units=True).errors[0].message


class TestCommandLine:
    def test_import_users_with_create_units_and_sync(
        self, app, db, trust, admin, runner, tmp_path, make_user
    ):
        make_user("leaver@example.org", unit=trust)
        path = tmp_path / "hr.csv"
        path.write_bytes(
            f"email;name;job_role;unit_path\nnew@example.org;N;nurse;{TRUST} / Ward 9\n".encode("cp1252")
        )
        dry = runner.invoke(args=["import-users", str(path), "--create-units", "--sync", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert "Read as CSV, UTF-8, semicolon-separated." in dry.output
        assert f"unit to create: {TRUST} / Ward 9" in dry.output
        assert "to deactivate (not in the file): leaver@example.org" in dry.output
        assert "kept active: admin@example.org: the last administrator stays active" in dry.output
        assert people(db)["leaver@example.org"].active
        done = runner.invoke(args=["import-users", str(path), "--create-units", "--sync"])
        assert done.exit_code == 0, done.output
        assert "Added 1, updated 0, unchanged 0, deactivated 1, units created 1." in done.output
        assert not people(db)["leaver@example.org"].active


def text(response):
    return response.get_data(as_text=True)


def kept_id(page):
    return re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)


class TestWebImport:
    @pytest.fixture
    def signed_in(self, web, admin):
        web.login("admin@example.org")
        return web

    def upload(self, web, content, name="staff.csv", **options):
        data = {
            "kind": "people",
            "file": (io.BytesIO(content), name),
            **{k: "y" for k, v in options.items() if v},
        }
        return web.submit("/admin/import", data, content_type="multipart/form-data")

    def test_the_largest_file_the_limit_allows_previews_and_confirms(self, app, signed_in, db):
        # The body is built by hand: the test client would spool a large file to disk and never close it.
        token = csrf_token(signed_in.get("/admin/import"))
        head = (
            b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode() + b"\r\n"
            b'--b\r\nContent-Disposition: form-data; name="kind"\r\n\r\npeople\r\n'
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="staff.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\n"
        )
        tail = b"\r\n--b--\r\n"
        room = app.config["MAX_CONTENT_LENGTH"] - len(head) - len(tail)
        content = b"email,name,job_role,unit_path\n" + b"".join(
            f"p{n:05d}@example.org,Person {n},teacher,{TRUST}\n".encode() for n in range(19_000)
        )
        assert len(content) < room
        content += b"\n" * (room - len(content))  # blank lines: exactly as large as the limit allows
        body = head + content + tail
        assert len(body) == app.config["MAX_CONTENT_LENGTH"]
        preview = signed_in.client.post(
            "/admin/import", data=body, content_type="multipart/form-data; boundary=b"
        )
        assert preview.status_code == 200, text(preview)[:300]
        assert "19000 to add" in text(preview)
        done = signed_in.submit(
            "/admin/import", {"upload": kept_id(text(preview))}, action="/admin/import/confirm"
        )
        assert done.status_code == 302 and done.headers["Location"] == "/admin/people"
        assert db.scalar(select(func.count()).select_from(User)) == 19_001
        assert db.scalars(select(ImportUpload)).all() == []  # removed after the confirmation

    def test_an_upload_is_for_its_uploader_only_and_expires(self, app, signed_in, db, make_user, client):
        preview = self.upload(
            signed_in, f"email,name,job_role,unit_path\na@example.org,A,nurse,{TRUST}\n".encode()
        )
        upload_id = kept_id(text(preview))
        make_user("second@example.org", role=Role.ADMIN)
        other = Web(app.test_client())
        other.login("second@example.org")
        refused = other.submit("/admin/import", {"upload": upload_id}, action="/admin/import/confirm")
        assert refused.headers["Location"] == "/admin/import"
        assert db.scalar(select(User.id).where(User.email == "a@example.org")) is None
        kept = db.get(ImportUpload, upload_id)
        kept.created_at = utcnow() - timedelta(hours=1, seconds=1)
        db.commit()
        late = signed_in.submit("/admin/import", {"upload": upload_id}, action="/admin/import/confirm")
        assert late.headers["Location"] == "/admin/import"
        assert db.scalar(select(User.id).where(User.email == "a@example.org")) is None

    def test_the_preview_lists_units_to_create_and_people_to_deactivate(
        self, signed_in, db, make_user, trust
    ):
        make_user("leaver@example.org", name="Lee Leaver", unit=trust)
        data = xlsx(
            [("email", "name", "job_role", "unit_path"), ("a@example.org", "A", "nurse", f"{TRUST} / Ward 1")]
        )
        page = text(self.upload(signed_in, data, "staff.xlsx", create_units=True, sync=True))
        assert "Read as: Excel workbook, sheet “Staff”." in page
        assert "Units to create" in page and f"{TRUST} / Ward 1" in page
        assert "People to deactivate (1)" in page and "Lee Leaver (leaver@example.org)" in page
        assert db.scalar(select(OrgUnit.id).where(OrgUnit.name == "Ward 1")) is None


def damaged_workbook():
    good = xlsx([("email",), ("a@example.org",)])
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for name in source.namelist():
            content = source.read(name)
            damaged.writestr(
                name, content[: len(content) // 2] if name.startswith("xl/worksheets/") else content
            )
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04 not really a zip", id="not a zip"),
        pytest.param(damaged_workbook(), id="damaged sheet"),
        pytest.param(xlsx([])[:200], id="cut short"),
    ],
)
def test_a_damaged_workbook_is_explained_not_a_server_error(data):
    read = read_table(data, required=("email",), optional=(), max_rows=10)
    assert read.rows == [] and "cannot be opened" in read.errors[0].message


class TestWebRoles:
    @pytest.fixture
    def signed_in(self, web, admin):
        web.login("admin@example.org")
        return web

    def test_roles_change_only_with_the_box_ticked_and_never_the_importers(
        self, signed_in, db, make_user, trust
    ):
        make_user("lee@example.org", unit=trust)
        data = f"email,name,job_role,unit_path,role\nlee@example.org,Test Person,teacher,{TRUST},admin\n".encode()
        upload = TestWebImport.upload
        page = text(upload(self, signed_in, data))
        assert (
            "0 to update, 1 unchanged" in page
            and "Roles of people already in the course are not changed" in page
        )
        page = text(upload(self, signed_in, data, update_roles=True))
        assert "1 to update" in page and "role: learner → admin" in page
        signed_in.submit("/admin/import", {"upload": kept_id(page)}, action="/admin/import/confirm")
        assert people(db)["lee@example.org"].role == Role.ADMIN
        (event,) = events(db, "person.updated")
        assert event.details["changes"] == {"role": {"from": "learner", "to": "admin"}}
        demote = (
            f"email,name,job_role,unit_path,role\nadmin@example.org,Test Person,teacher,{TRUST},learner\n"
        )
        refused = upload(self, signed_in, demote.encode(), update_roles=True)
        assert refused.status_code == 422 and "you cannot remove your own administrator access" in text(
            refused
        )
