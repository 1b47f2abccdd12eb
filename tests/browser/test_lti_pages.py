"""The LTI pages in a real browser launched from the real platform (lti1p3platform): axe finds nothing."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Browser, expect

from course.lti import routes
from course.models import Role
from tests.factories import PASSWORD
from tests.fixtures.lti import register
from tests.partners.lti_platform import Platform

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def check(axe):
    """axe finds nothing, and the page reflows at 320 px (the LMS frame is often narrow)."""

    def run(page):
        axe(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page.url} scrolls sideways at 320 px"

    return run


@pytest.fixture
def platform(app, live_server):
    platform = Platform(tool_base=live_server).start()
    register(app, platform)
    platform.tool_keys = requests.get(f"{live_server}/lti/jwks", timeout=10).json()
    yield platform
    platform.stop()


def test_a_launch_without_a_job_role_asks_it_on_a_page_axe_passes(browser: Browser, platform, check):
    page = browser.new_page(viewport=NARROW)
    page.goto(platform.login_url("noemail"))  # the LMS's launch button: login, authorise, form post
    expect(page.get_by_role("heading", level=1)).to_have_text("Your job role")
    check(page)
    page.get_by_role("button", name="Continue to the course").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose your job role")
    check(page)
    page.get_by_label("Nurse", exact=True).check()
    page.get_by_role("button", name="Continue to the course").click()
    expect(page).not_to_have_url(re.compile(r"/lti/"))
    page.close()


def test_the_fallback_and_problem_pages_pass_axe(app, browser: Browser, live_server, platform, check):
    with app.test_request_context():
        frame = routes._signer(routes.FRAME).dumps({"origins": [platform.issuer], "next": "/"})
    page = browser.new_page(viewport=NARROW)
    page.goto(f"{live_server}/lti/started?h=nothing&f={frame}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open the course in a new window")
    check(page)
    page.goto(f"{live_server}/lti/started?f=forged")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot open the course")
    check(page)
    page.goto(platform.login_url("mallory", aud="another-tool"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This launch was meant for another tool")
    check(page)
    page.close()


def test_deep_linking_pages_pass_axe(browser: Browser, platform, check):
    """The pages hold no script: their forms are plain posts (tests/functional/test_lti.py sends them)."""
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    page.goto(platform.login_url("tina", teacher=True, deep=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add the training to your LMS course")
    check(page)
    page.get_by_label("Module: Recognising warning signs").check()
    page.get_by_role("button", name="Add to the LMS course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Return to your LMS")
    check(page)
    page.get_by_role("button", name="Send to your LMS").click()
    assert platform.deep_links and platform.deep_links[0][0]["custom"]["module"] == "warning-signs"
    context.close()


def test_the_registrations_page_passes_axe(
    browser: Browser, live_server, make_user, sign_in, check, platform
):
    make_user("admin@example.org", role=Role.ADMIN)
    page = browser.new_page(viewport=NARROW)
    sign_in(page, "admin@example.org", PASSWORD)
    page.goto(f"{live_server}/lti/registrations")
    expect(page.get_by_role("cell", name=platform.issuer, exact=True)).to_be_visible()
    check(page)
    page.get_by_role("button", name="Register the platform").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page)
    page.close()
