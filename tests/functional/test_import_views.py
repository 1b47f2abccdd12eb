"""The import pages: upload, see every row's problems or a preview, confirm, and nothing half-written."""

import io
import re

import pytest

from course.models import AuditEvent, Role, User
from tests.fixtures.app import csrf_token

pytestmark = pytest.mark.database


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def admin(web, make_user, org_unit):
    trust = org_unit("Trust", "organisation")
    org_unit("School", "site", trust)
    make_user("admin@example.org", role=Role.ADMIN, unit=trust)
    web.login("admin@example.org")


def upload(web, content: bytes, kind="people"):
    return web.submit(
        "/admin/import",
        {"kind": kind, "file": (io.BytesIO(content), "staff.csv")},
        content_type="multipart/form-data",
    )


def upload_id(page: str) -> str:
    return re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)


GOOD = b"email,name,job_role,unit_path,role\nann@example.org,Ann Ash,teacher,Trust / School,\nbo@example.org,Bo Birch,nurse,Trust,manager\n"


def test_preview_then_confirm_imports_everyone(admin, web, db):
    preview = upload(web, GOOD)
    page = text(preview)
    assert preview.status_code == 200 and "2 to add, 0 to update" in page and "ann@example.org" in page
    assert db.query(User).count() == 1  # nothing saved before confirming
    assert "Read as: CSV, UTF-8, comma-separated." in page
    done = web.submit("/admin/people", {"upload": upload_id(page)}, action="/admin/import/confirm")
    assert done.headers["Location"] == "/admin/people"
    assert "Imported: 2 added, 0 updated, 0 unchanged." in text(web.get("/admin/people"))
    assert db.query(User).filter_by(email="bo@example.org").one().role == "manager"
    assert db.query(AuditEvent).filter_by(action="people.imported").count() == 1


def test_errors_are_listed_by_row_and_nothing_is_offered(admin, web, db):
    bad = b"email,name,job_role,unit_path,role\nann@example.org,Ann,teacher,Trust / Nowhere,\nann@example.org,Ann,pilot,Trust,boss\n"
    response = upload(web, bad)
    page = text(response)
    assert response.status_code == 422 and "nothing will be imported" in page
    assert "Row 2:" in page and "Row 3:" in page
    assert "Import 2 rows" not in page
    assert db.query(User).count() == 1


def test_a_windows_1252_semicolon_file_is_read_and_the_preview_says_how(admin, web):
    response = upload(
        web, "email;name;job_role;unit_path;role\nzoe@example.org;Zoë;teacher;Trust;\n".encode("cp1252")
    )
    page = text(response)
    assert response.status_code == 200 and "Zoë" in page
    assert "Read as: CSV, Windows-1252, semicolon-separated." in page


def test_missing_file_is_explained(admin, web):
    response = web.submit("/admin/import", {"kind": "people"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a CSV or Excel file to upload." in text(response)


def test_an_unknown_upload_is_refused(admin, web, db):
    response = web.submit("/admin/people", {"upload": "not-an-upload"}, action="/admin/import/confirm")
    assert response.headers["Location"] == "/admin/import" and db.query(User).count() == 1
    assert "expired or was already imported" in text(web.get("/admin/import"))


def test_an_empty_confirmation_is_refused(admin, web, db):
    response = web.submit("/admin/people", {"upload": ""}, action="/admin/import/confirm")
    assert response.status_code == 400 and db.query(User).count() == 1


def test_oversized_upload_is_a_clear_413(admin, web):
    # The body is built by hand: the test client would spool a large file to disk and never close it.
    token = csrf_token(web.get("/admin/import"))
    body = (
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode() + b"\r\n"
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        + b"x" * (3 * 1024 * 1024)
        + b"\r\n--b--\r\n"
    )
    response = web.client.post("/admin/import", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413 and "too large" in text(response)
