"""Hostile input to the administrators' forms: inviting a person, the settings, and CSV import."""

import csv
import io
import re
from io import BytesIO

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from course import org
from course.extensions import db
from course.models import JobRole, Role
from course.validation import has_control_characters
from tests.security.conftest import token
from tests.security.strategies import (
    assert_shown_escaped,
    counted,
    emails,
    good_emails,
    html_like,
    nul_refused,
    numbers,
    texts,
)

pytestmark = pytest.mark.database


def mostly(valid, hostile):
    """Valid seven times in eight, so that hostile values also reach the code behind the checks."""
    return st.one_of(*[valid] * 7, hostile)


def one_of_or_hostile(choices):
    return mostly(st.sampled_from(choices), texts(30))


def in_range_or_hostile(low, high):
    return mostly(st.integers(low, high).map(str), st.integers(low - 3, high + 3).map(str) | numbers())


def names():
    return mostly(st.text(min_size=1, max_size=60).filter(str.strip) | html_like(), texts(250))


@given(
    name=names(),
    email=emails(),
    job_role=one_of_or_hostile([j.value for j in JobRole]),
    role=one_of_or_hostile([r.value for r in Role]),
    unit=mostly(st.just("school"), numbers()),
)
def test_inviting_a_person_with_any_input(world, name, email, job_role, role, unit):
    client = world.client("admin")
    unit = str(world.ids["school"]) if unit == "school" else unit
    data = {"name": name, "email": email, "job_role": job_role, "role": role, "unit": unit}
    response = client.post("/admin/people", data={**data, "csrf_token": token(client)})
    counted("invitation (add a person)", response.status_code)
    if nul_refused(response, *data.values()):
        return
    event(f"answered {response.status_code}")
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert ("/invitation/" in page) == (response.status_code == 200)
    assert_shown_escaped(page, *data.values())


SETTINGS = st.fixed_dictionaries(
    {
        "org_name": names(),
        "region": one_of_or_hostile(["UK", "US", "CA", "AU"]),
        "safeguarding_lead_name": texts(250),
        "safeguarding_lead_role": texts(250),
        "safeguarding_lead_contact": texts(350),
        "policy_url": mostly(
            st.builds("https://example.org/{}".format, st.text("abc/-?=&", max_size=20)), texts()
        ),
        "wellbeing_contact": texts(350),
        "certificate_months": in_range_or_hostile(1, 60),
        "pass_mark": st.just("") | in_range_or_hostile(50, 100),
        "expiring_window_days": in_range_or_hostile(7, 120),
        "reminder_interval_days": in_range_or_hostile(7, 90),
        "retake_review_after": in_range_or_hostile(0, 10),
        "reminder_stages": mostly(st.just("30, 7, 0"), texts(50)),
    }
)


@given(data=SETTINGS)
def test_settings_with_any_input(world, data):
    client = world.client("admin")
    response = client.post("/admin/settings", data={**data, "csrf_token": token(client)})
    counted("settings", response.status_code)
    if nul_refused(response, *data.values()):
        return
    event(f"answered {response.status_code}")
    assert response.status_code in (302, 422)
    if response.status_code == 302:  # saved exactly as entered, apart from surrounding spaces
        with world.app.app_context():
            saved = org.settings()
            db.session.remove()
        assert saved.org_name == data["org_name"].strip()
        assert saved.certificate_months == int(data["certificate_months"])
    assert_shown_escaped(response.get_data(as_text=True), *data.values())
    assert_shown_escaped(client.get("/support").get_data(as_text=True), *data.values())


COLUMNS = ["email", "name", "job_role", "unit_path", "role", "completed_on", "expires_on", "course_version"]
CELLS = st.one_of(
    texts(60),
    emails(),
    st.sampled_from(["teacher", "nurse", "Trust / School", "Trust/Ward", "manager", "2025-01-31", ""]),
    st.dates().map(str),
)


@st.composite
def people_files(draw):
    """A file that is right in shape: the columns of a people file, and a few people in known units."""
    rows = draw(
        st.lists(
            st.tuples(
                good_emails(),
                names(),
                st.sampled_from([j.value for j in JobRole]),
                st.sampled_from(["Trust / School", "trust/ward", "Trust"]),
                st.sampled_from(["", "learner", "manager", "admin"]),
            ),
            min_size=1,
            max_size=8,
            unique_by=lambda row: row[0],
        )
    )
    out = io.StringIO()
    csv.writer(out).writerows([["email", "name", "job_role", "unit_path", "role"], *rows])
    return out.getvalue().encode(), [cell for row in rows for cell in row]


@st.composite
def csv_files(draw):
    header = draw(st.lists(st.sampled_from(COLUMNS) | texts(15), min_size=0, max_size=8))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 1), max_size=12))
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return out.getvalue().encode(encoding, errors="replace"), [*header, *(c for row in rows for c in row)]


@given(
    kind=one_of_or_hostile(["people", "completions"]),
    upload=st.one_of(
        people_files(), people_files(), csv_files(), st.binary(max_size=2000).map(lambda raw: (raw, []))
    ),
)
def test_importing_any_file(world, kind, upload):
    content, cells = upload
    client = world.client("admin")
    data = {"kind": kind, "file": (BytesIO(content), "people.csv"), "csrf_token": token(client)}
    preview = client.post("/admin/import", data=data, content_type="multipart/form-data")
    counted("import: upload and preview", preview.status_code)
    if nul_refused(preview, kind):
        return
    event(f"previewed {preview.status_code}")
    assert preview.status_code in (200, 422)
    assert_shown_escaped(preview.get_data(as_text=True), *cells)
    kept = re.search(r'name="upload" type="hidden" value="([^"]+)"', preview.get_data(as_text=True))
    if has_control_characters(kind):  # refused at the upload, with a message: nothing kept to confirm
        assert preview.status_code == 422 and kept is None
        return
    confirm = {"upload": kept.group(1) if kept else "none", "csrf_token": token(client)}
    confirmed = client.post("/admin/import/confirm", data=confirm)
    counted("import: confirm", confirmed.status_code)
    event(f"confirmed {confirmed.status_code}")
    assert confirmed.status_code == 302
    if preview.status_code == 200 and kind in ("people", "completions"):
        assert confirmed.headers["Location"] == "/admin/people"  # a clean preview imports
