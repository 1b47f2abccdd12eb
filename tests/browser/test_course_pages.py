import pytest
from playwright.sync_api import Page, expect

from course.models import JobRole
from tests.factories import PASSWORD
from tests.fixtures.browser import follow


@pytest.mark.parametrize("job_role", [JobRole.TEACHER, JobRole.NURSE])
def test_course_pages_have_no_accessibility_violations(
    page: Page, live_server, make_user, sign_in, axe, job_role, org_settings, screenshot
):
    org_settings(safeguarding_lead_name="Sam Okafor", safeguarding_lead_contact="Room B12")
    make_user("learner@example.org", job_role=job_role, acknowledged=False)
    sign_in(page, "learner@example.org", PASSWORD)

    page.get_by_role("link", name="Read the content note").click()
    expect(page.get_by_role("heading", name="Content note")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="I have read this. Start the course").click()

    page.get_by_role("link", name="Responding to someone who self-harms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Responding to someone who self-harms")
    axe(page)

    follow(page, page.get_by_role("link", name="Start this module"))
    axe(page)  # a section page

    scenario = page.locator("section.scenario").first
    while scenario.count() == 0:
        follow(page, page.get_by_role("link", name="Next:"))
        scenario = page.locator("section.scenario").first
    scenario.get_by_role("radio").first.check()
    scenario.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".feedback").first).to_be_visible()
    axe(page)  # scenario feedback
    if job_role == JobRole.TEACHER:
        screenshot(page, "scenario-feedback")

    page.goto(f"{live_server}/modules/referring")
    hrefs = [link.get_attribute("href") for link in page.locator("ol.section-list a").all()]
    for href in hrefs:  # the learner's pathway section shows the organisation's contacts
        page.goto(f"{live_server}{href}")
        if page.locator(".contacts-box").count():
            break
    expect(page.locator(".contacts-box")).to_contain_text("Sam Okafor")
    axe(page)

    for path in ("/", "/support", "/pathway", "/quick-reference", "/accessibility"):
        page.goto(f"{live_server}{path}")
        axe(page)
    if job_role == JobRole.TEACHER:
        page.goto(f"{live_server}/")
        screenshot(page, "learner-home")


def test_support_is_one_click_from_every_page(page: Page, live_server, make_user, sign_in):
    make_user("help@example.org")
    sign_in(page, "help@example.org", PASSWORD)
    for path in ("/", "/modules/understanding", "/pathway"):
        page.goto(f"{live_server}{path}")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Need support now?").click()
        expect(page.get_by_role("heading", name="Need support now?", level=1)).to_be_visible()


def test_nurse_sees_the_nurse_pathway(page: Page, app, live_server, make_user, sign_in, axe):
    make_user("nadia@example.org", job_role=JobRole.NURSE)
    sign_in(page, "nadia@example.org", PASSWORD)
    module = app.extensions["course"].module("referring")
    nurse = next(s for s in module.sections if s.audiences == ("nurse",))
    teacher = next(s for s in module.sections if s.audiences == ("teacher",))
    page.goto(f"{live_server}/modules/referring")
    expect(page.get_by_role("link", name=nurse.title)).to_be_visible()
    expect(page.get_by_role("link", name=teacher.title)).to_have_count(0)
    page.get_by_role("link", name=nurse.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(nurse.title)
    expect(page.get_by_text("psychosocial assessment").first).to_be_visible()
    axe(page)
    page.goto(f"{live_server}/pathway")
    expect(page.get_by_role("heading", level=1)).to_contain_text("healthcare staff")
