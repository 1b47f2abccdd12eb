"""SCORM packages: the manifests against the official schemas, the export command and page, the
signed launch, one account per learner of a package, and revoking."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from lxml import etree

from course.models import ScormLearner, ScormPackage, User
from course.scorm import rules
from tests.fixtures.scorm import schema_for, unpack

pytestmark = pytest.mark.usefixtures("app")


def _export(runner, tmp_path: Path, version: str, *extra: str) -> bytes:
    out = tmp_path / f"package-{version}.zip"
    result = runner.invoke(args=["export-scorm", "--version", version, "--output", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.mark.parametrize("version", rules.VERSIONS)
def test_the_manifest_is_valid_against_the_official_schemas(runner, org_unit, tmp_path, version):
    org_unit("Trust", "organisation")
    files = unpack(_export(runner, tmp_path, version), tmp_path / "unpacked")
    assert set(files) == {"imsmanifest.xml", *rules.PACKAGE_FILES}
    schema = schema_for(version, tmp_path)
    manifest = etree.fromstring(files["imsmanifest.xml"])
    assert schema.validate(manifest), schema.error_log
    # The schemas can fail: a manifest without its resources is refused.
    broken = etree.fromstring(files["imsmanifest.xml"])
    broken.remove(broken[-1])
    assert not schema.validate(broken)


def test_a_module_package_opens_that_module(runner, org_unit, tmp_path, db):
    org_unit("Trust", "organisation")
    _export(runner, tmp_path, "2004", "--module", "understanding")
    package = db.query(ScormPackage).one()
    assert package.module_id == "understanding" and package.version == "2004"


def test_an_unknown_module_is_refused_with_a_message(runner, org_unit, tmp_path):
    org_unit("Trust", "organisation")
    result = runner.invoke(
        args=["export-scorm", "--version", "1.2", "--output", str(tmp_path / "x.zip"), "--module", "nope"]
    )
    assert result.exit_code != 0 and "no module 'nope'" in result.output


def test_a_package_needs_a_unit_that_exists(runner, org_unit, tmp_path):
    out = str(tmp_path / "x.zip")
    nothing = runner.invoke(args=["export-scorm", "--version", "1.2", "--output", out])
    assert nothing.exit_code != 0 and "Add the organisation's units first" in nothing.output
    org_unit("Trust", "organisation")
    missing = runner.invoke(args=["export-scorm", "--version", "1.2", "--output", out, "--unit", "999"])
    assert missing.exit_code != 0 and "There is no unit 999" in missing.output


def _launch_url(package: ScormPackage, learner: str = "L-1", name: str = "Smith, Sam", **changes: str) -> str:
    fields = {
        "learner": learner,
        "name": name,
        "origins": "https://lms.example.org",
        "issued": str(int(time.time() * 1000)),
    }
    fields.update({k: v for k, v in changes.items() if k in fields})
    message = rules.launch_message(
        package.key, fields["learner"], fields["name"], fields["origins"], fields["issued"]
    )
    fields["signature"] = changes.get("signature", rules.signature(package.secret, message))
    if "place" in changes:
        fields["place"] = changes["place"]
    return f"/scorm/launch/{package.key}?{urlencode(fields)}"


@pytest.fixture
def package(runner, org_unit, tmp_path, db) -> ScormPackage:
    org_unit("Trust", "organisation")
    _export(runner, tmp_path, "1.2", "--module", "understanding")
    return db.query(ScormPackage).one()


@pytest.mark.database
def test_a_first_launch_makes_one_account_in_the_packages_unit_and_frames_only_for_that_lms(
    client, package, db
):
    page = client.get(_launch_url(package))
    assert page.status_code == 302 and page.headers["Location"].endswith("/modules/understanding")
    again = client.get(_launch_url(package))
    assert again.status_code == 302
    learner = db.query(ScormLearner).one()
    user = db.get(User, learner.user_id)
    assert user.name == "Sam Smith" and user.unit_id == package.unit_id and user.password_hash is None
    framed = client.get("/content-note")
    assert "frame-ancestors https://lms.example.org" in framed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in framed.headers
    assert 'id="scorm-progress"' in framed.get_data(as_text=True)
    assert db.get(ScormPackage, package.id).origins == ["https://lms.example.org"]


def test_other_sessions_keep_the_strict_frame_policy(client, package, make_user, web):
    make_user("someone@example.org")
    web.login("someone@example.org")
    page = client.get("/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert 'id="scorm-progress"' not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "changes",
    [
        {"signature": "0" * 64},
        {"learner": ""},
        {"origins": "javascript:alert(1)"},
        {"issued": "1000"},
        {"issued": "soon"},
    ],
)
def test_an_untrustworthy_launch_signs_no_one_in(client, package, db, changes):
    page = client.get(_launch_url(package, **changes))
    assert page.status_code == 400
    assert db.query(ScormLearner).count() == 0


def test_a_tampered_name_breaks_the_signature(client, package, db):
    url = _launch_url(package).replace("Smith", "Jones")
    assert client.get(url).status_code == 400


def test_the_place_resumes_inside_the_module_only(client, package):
    inside = client.get(_launch_url(package, place="/modules/understanding/why-people-self-harm"))
    assert inside.headers["Location"].endswith("/modules/understanding/why-people-self-harm")
    outside = client.get(_launch_url(package, place="//evil.example/modules/understanding"))
    assert outside.headers["Location"].endswith("/modules/understanding")


def test_a_revoked_package_shows_a_plain_page(client, package, make_user, web, db):
    make_user("admin@example.org", role="admin")
    web.login("admin@example.org")
    page = web.submit("/scorm/packages", {}, action=f"/scorm/packages/{package.id}/revoke")
    assert page.status_code == 302
    web.logout()
    refused = client.get(_launch_url(package))
    assert refused.status_code == 410 and "withdrawn" in refused.get_data(as_text=True)
    assert db.query(ScormLearner).count() == 0


@pytest.mark.database
def test_the_admin_page_creates_and_downloads_a_package(web, make_user, org_unit, db):
    unit = org_unit("Trust", "organisation")
    make_user("admin@example.org", role="admin")
    web.login("admin@example.org")
    created = web.submit("/scorm/packages", {"version": "2004", "module": "", "unit": unit.id})
    assert created.status_code == 302
    package = db.query(ScormPackage).one()
    download = web.get(f"/scorm/packages/{package.id}/download")
    assert download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"] == 'attachment; filename="course-scorm2004.zip"'
    bad = web.submit("/scorm/packages", {"version": "3", "module": "", "unit": unit.id})
    assert bad.status_code == 422


def test_on_https_a_launched_sessions_cookie_works_in_a_third_party_frame(client, package):
    page = client.get(_launch_url(package), base_url="https://training.example.org")
    cookie = page.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie


def test_other_sessions_cookies_stay_same_site(client):
    page = client.get("/sign-in", base_url="https://training.example.org")  # its form's token: a session
    cookie = page.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "Partitioned" not in cookie
