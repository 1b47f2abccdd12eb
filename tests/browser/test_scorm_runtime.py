"""A package in a real SCORM runtime: scorm-again as the LMS, on its own 127.0.0.1 site, launching our
zip in headless Chromium. The tests read the runtime's data model afterwards."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from course.models import QuizAttempt, ScormPackage
from course.scorm import services
from tests.fixtures.quiz import answers_for
from tests.fixtures.scorm import unpack

MODULE = "understanding"
LMS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title><script src="{runtime}"></script></head>
<body><script>
  window.{name} = new {api}({{}});
  window.{name}.loadFromJSON({data});
</script>
<iframe id="sco" title="Course" src="pkg/launch.html" style="width: 100%; height: 900px"></iframe>
</body></html>"""


def _package(app, live_server: str, site: Path, version: str, org_unit) -> ScormPackage:
    org_unit("Trust", "organisation")
    app.config["PUBLIC_BASE_URL"] = live_server
    with app.test_request_context():
        package = services.create_package(version=version, module_id=MODULE, unit_id=None, by=None)
        unpack(services.package_zip(package), site / "pkg")
        return package


def _open_lms(page: Page, lms: str, site: Path, version: str, data: dict[str, object]) -> None:
    runtime, name, api = (
        ("scorm12.js", "API", "Scorm12API")
        if version == "1.2"
        else ("scorm2004.js", "API_1484_11", "Scorm2004API")
    )
    html = LMS_PAGE.format(runtime=runtime, name=name, api=api, data=json.dumps(data))
    launch = f"lms-{len(list(site.glob('lms-*.html')))}.html"  # a new address: no cached page from before
    (site / launch).write_text(html)
    page.goto(f"{lms}/{launch}")


def _course_frame(page: Page, live_server: str) -> Frame:
    expect(page.frame_locator("#sco").frame_locator("#course-frame").locator("main")).to_be_visible()
    frame = next((f for f in page.frames if f.url.startswith(live_server)), None)
    assert frame is not None
    return frame


def _visit(frame: Frame, url: str) -> None:
    """Follow a link inside the course's frame, as the learner would."""
    frame.evaluate("url => { window.location.href = url; }", url)
    frame.wait_for_url(url)
    expect(frame.locator("main")).to_be_visible()


def _pass_the_quiz(frame: Frame, app, db, live_server: str) -> None:
    course = app.extensions["course"]
    module = course.module(MODULE)
    for section in module.sections_for("teacher"):
        _visit(frame, f"{live_server}/modules/{MODULE}/{section.id}")
    _visit(frame, f"{live_server}/modules/{MODULE}/quiz")
    frame.get_by_role("button", name="Start the quiz").click()
    expect(frame.get_by_role("button", name="Submit my answers")).to_be_visible()
    attempt_id = int(frame.url.rsplit("/", 1)[1])
    db.expire_all()
    attempt = db.get(QuizAttempt, attempt_id)
    for field, option_ids in answers_for(app, attempt).items():
        for option_id in option_ids:
            frame.locator(f"#{field}-{option_id}").check()
    frame.get_by_role("button", name="Submit my answers").click()
    expect(frame.get_by_text("You passed.")).to_be_visible()


def _value(page: Page, name: str, element: str) -> str:
    return str(page.evaluate(f"() => String(window.{name}.getCMIValue({element!r}))"))


def _committed(page: Page, name: str) -> str:
    """What the runtime would send to its LMS server at a commit, write-only elements included."""
    return str(page.evaluate(f"() => JSON.stringify(window.{name}.renderCommitCMI(true))"))


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_learner_passes_a_modules_quiz_and_the_lms_sees_it(
    page: Page, app, db, live_server, lms_site, org_unit, version
):
    lms, site = lms_site
    _package(app, live_server, site, version, org_unit)
    learner = (
        {"core": {"student_id": "L-42", "student_name": "Doe, Jane"}}
        if version == "1.2"
        else {"learner_id": "L-42", "learner_name": "Jane Doe"}
    )
    _open_lms(page, lms, site, version, learner)
    frame = _course_frame(page, live_server)
    frame.get_by_role("button", name="I have read this. Start the course").click()
    frame.wait_for_url(re.compile(rf"://[^/]+/modules/{MODULE}$"))
    expect(frame.get_by_role("heading", level=1)).to_be_visible()
    _pass_the_quiz(frame, app, db, live_server)
    name = "API" if version == "1.2" else "API_1484_11"
    page.wait_for_function(
        f"() => String(window.{name}.getCMIValue({'cmi.core.score.raw' if version == '1.2' else 'cmi.score.raw'!r})) === '100'"
    )
    if version == "1.2":
        assert _value(page, name, "cmi.core.lesson_status") == "passed"
        assert _value(page, name, "cmi.core.score.max") == "100"
    else:
        assert _value(page, name, "cmi.success_status") == "passed"
        assert _value(page, name, "cmi.completion_status") == "completed"
        assert _value(page, name, "cmi.score.scaled") == "1"
    place = _value(page, name, "cmi.suspend_data")
    assert place.startswith("/quiz/attempts/") or place.startswith(f"/modules/{MODULE}")
    page.evaluate("() => document.getElementById('sco').remove()")  # the learner closes the course
    committed = _committed(page, name)
    # SCORM 1.2's CMITimespan has up to two decimals of a second, which the runtime writes without a
    # trailing zero (01.7 for 01.70); 2004's is an ISO 8601 duration.
    assert re.search(r'"session_time":"(\d{2,4}:\d\d:\d\d(\.\d{1,2})?|PT\d+H\d+M[\d.]+S)"', committed), (
        committed
    )


def test_suspend_and_resume_keep_the_place(page: Page, app, db, live_server, lms_site, org_unit):
    lms, site = lms_site
    _package(app, live_server, site, "1.2", org_unit)
    _open_lms(page, lms, site, "1.2", {"core": {"student_id": "L-7", "student_name": "Roe, Ali"}})
    frame = _course_frame(page, live_server)
    frame.get_by_role("button", name="I have read this. Start the course").click()
    frame.wait_for_url(re.compile(rf"://[^/]+/modules/{MODULE}$"))
    second = app.extensions["course"].module(MODULE).sections_for("teacher")[1]
    _visit(frame, f"{live_server}/modules/{MODULE}/{second.id}")
    page.wait_for_function(f"() => window.API.getCMIValue('cmi.suspend_data').endsWith({second.id!r})")
    place = _value(page, "API", "cmi.suspend_data")
    page.evaluate("() => document.getElementById('sco').remove()")
    assert '"exit":"suspend"' in _committed(page, "API")
    # The next session: the LMS gives back the suspend data, and the course opens where they left.
    _open_lms(
        page,
        lms,
        site,
        "1.2",
        {"core": {"student_id": "L-7", "student_name": "Roe, Ali", "entry": "resume"}, "suspend_data": place},
    )
    frame = _course_frame(page, live_server)
    assert re.search(f"/modules/{MODULE}/{second.id}$", frame.url)


def test_a_revoked_package_is_refused_in_the_runtime(page: Page, app, db, live_server, lms_site, org_unit):
    lms, site = lms_site
    package = _package(app, live_server, site, "2004", org_unit)
    with app.app_context():
        services.revoke(db.get(ScormPackage, package.id), by=None)
    _open_lms(page, lms, site, "2004", {"learner_id": "L-9", "learner_name": "Kai"})
    course = page.frame_locator("#sco").frame_locator("#course-frame")
    expect(course.get_by_role("heading", name="This course package has been withdrawn")).to_be_visible()


def test_the_new_window_fallback_still_reports_to_the_lms(page: Page, app, live_server, lms_site, org_unit):
    lms, site = lms_site
    _package(app, live_server, site, "1.2", org_unit)
    _open_lms(page, lms, site, "1.2", {"core": {"student_id": "L-8", "student_name": "Poe, Sol"}})
    _course_frame(page, live_server)
    with page.expect_popup() as opened:
        page.frame_locator("#sco").get_by_role("link", name="Open the course in a new window").click()
    window = opened.value
    window.get_by_role("button", name="I have read this. Start the course").click()
    window.wait_for_url(re.compile(rf"://[^/]+/modules/{MODULE}$"))
    second = app.extensions["course"].module(MODULE).sections_for("teacher")[1]
    window.goto(f"{live_server}/modules/{MODULE}/{second.id}")
    page.wait_for_function(f"() => window.API.getCMIValue('cmi.suspend_data').endsWith({second.id!r})")
    assert _value(page, "API", "cmi.core.lesson_status") == "incomplete"
