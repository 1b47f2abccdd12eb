import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from course.models import JobRole
from tests.browser.test_quiz_journey import answer_in_page
from tests.factories import PASSWORD
from tests.fixtures.browser import follow

pytestmark = pytest.mark.database


def test_new_teacher_completes_the_course_and_verifies_the_certificate(
    page: Page, app, db, live_server, make_user, sign_in, axe
):
    make_user("first@example.org", name="Siân O'Neill", job_role=JobRole.TEACHER, acknowledged=False)
    sign_in(page, "first@example.org", PASSWORD)
    page.get_by_role("link", name="Read the content note").click()
    follow(page, page.get_by_role("button", name="I have read this. Start the course"))
    axe(page)

    course = app.extensions["course"]
    for module in course.modules_for("teacher"):
        page.goto(f"{live_server}/")
        follow(page, page.get_by_role("link", name="Continue"))
        # Read every section with the Next buttons, then finish the module.
        while page.get_by_role("link", name=re.compile("^Next: ")).count():
            follow(page, page.get_by_role("link", name=re.compile("^Next: ")))
        page.get_by_role("link", name="Finish the module").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Key points")
        if module.id in course.banks:
            page.get_by_role("link", name="Go to the quiz").click()
            page.get_by_role("button", name="Start the quiz").click()
            answer_in_page(page, app, db, right=None)
            page.get_by_role("button", name="Submit my answers").click()
            expect(page.get_by_text("You passed.")).to_be_visible()

    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", name="You have completed the course")).to_be_visible()
    axe(page)
    follow(page, page.get_by_role("link", name="My records and certificate"))
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download PDF")).click()
    words = PdfReader(download.value.path()).pages[0].extract_text()
    assert "Siân O'Neill" in words
    code = re.search(r"Verification code: ([A-Z0-9-]{19})", words).group(1)

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server}/verify/{code}")
    expect(page.get_by_text("This certificate is valid.")).to_be_visible()
    expect(page.get_by_text("Siân O'Neill")).to_be_visible()
    axe(page)
    page.goto(f"{live_server}/verify/NOPE-NOPE-NOPE-NOPE")
    expect(page.get_by_text("No certificate has this code.")).to_be_visible()
    axe(page)
