"""Single sign-on in a real browser, through the real provider's own login, consent and sign-out pages."""

from __future__ import annotations

import re

import pytest
from flask import render_template
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from course.models import AuditEvent, Role, SsoLink, SsoSettings
from course.sso.rules import PROBLEMS
from tests.factories import PASSWORD
from tests.fixtures.oidc import sso_config

BUTTON = "Sign in with your NHSmail account"


@pytest.fixture
def app_config(oidc_provider):
    return sso_config(oidc_provider)


def at_provider(page: Page, issuer: str, login: str) -> None:
    """The provider's development login page (any name, any password), then its consent page."""
    expect(page.locator("input[name=login]")).to_be_visible()
    assert page.url.startswith(f"{issuer}/interaction/")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    # Consent is asked once per client; afterwards the provider sends the person straight back.
    consent = page.get_by_role("button", name="Continue")
    expect(consent.or_(page.locator("main h1"))).to_be_visible()
    if consent.is_visible():
        consent.click()


def test_sign_in_through_the_provider_again_and_sign_out_of_both(
    page: Page, sso_live_server, oidc_provider, db, make_user, axe
):
    make_user("alex@example.org", name="Alex Teacher")
    page.goto(f"{sso_live_server}/sign-in")
    button = page.get_by_role("link", name=BUTTON)
    password = page.get_by_label("Password")
    assert button.bounding_box()["y"] < password.bounding_box()["y"]  # the button comes first
    axe(page)

    for _sign_in in range(2):
        page.get_by_role("link", name=BUTTON).click()
        at_provider(page, oidc_provider.issuer, "alex")
        expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
        expect(page.get_by_text("Hello Alex Teacher")).to_be_visible()
        # Sign out here, then at the provider (its own confirmation page), and come back.
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(
            f"{oidc_provider.issuer}/session/end" + page.url.split("/session/end", 1)[-1]
        )
        page.get_by_role("button", name="Yes, sign me out").click()
        expect(page.get_by_text("You have signed out. Your progress is saved.")).to_be_visible()
        expect(page).to_have_url(re.compile(re.escape(f"{sso_live_server}/sign-in")))
        # Both sessions are over: our pages ask to sign in, and so does the provider.
        page.goto(f"{sso_live_server}/")
        expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
        page.get_by_role("link", name=BUTTON).click()
        expect(page.locator("input[name=login]")).to_be_visible()
        page.goto(f"{sso_live_server}/sign-in")

    db.expire_all()
    assert db.scalar(select(func.count()).select_from(SsoLink)) == 1  # the second sign-in reused the link
    done = list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert [action for action in done if action.startswith("sso.")] == [
        "sso.linked",
        "sso.signed_in",
        "sso.signed_in",
    ]
    assert "sign_in.signed_out" in done


@pytest.mark.parametrize(
    ("login", "heading"),
    [("una", "Your e-mail address is not confirmed"), ("stranger", "Ask your training lead to add you")],
)
def test_a_refusal_after_the_provider_is_a_plain_accessible_page(
    page: Page, sso_live_server, oidc_provider, login, heading, axe
):
    page.goto(f"{sso_live_server}/sign-in")
    page.get_by_role("link", name=BUTTON).click()
    at_provider(page, oidc_provider.issuer, login)
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="What to do")).to_be_visible()
    axe(page)


def test_a_sign_in_answer_this_browser_did_not_start_is_explained(page: Page, sso_live_server, axe):
    page.goto(f"{sso_live_server}/sso/callback?code=made-up&state=made-up")
    expect(page.get_by_role("heading", name="This sign-in could not be checked", level=1)).to_be_visible()
    axe(page)


def serving(html: str):
    return lambda route: route.fulfill(body=html, content_type="text/html")


def test_every_failure_page_passes_axe(page: Page, app, sso_live_server, axe):
    """Each explanation, rendered by the app and shown at the app's own address with its styles."""
    for reason, problem in PROBLEMS.items():
        with app.test_request_context():
            html = render_template("sso/problem.html", problem=problem)
        url = f"{sso_live_server}/sso/problem-preview/{reason}"
        page.route(url, serving(html))
        page.goto(url)
        expect(page.get_by_role("heading", name=problem.title, level=1)).to_be_visible()
        axe(page)


def test_break_glass_admin_signs_in_with_a_password_and_unlinks_a_person(
    page: Page, sso_live_server, db, make_user, sign_in, axe
):
    learner = make_user("alex@example.org", name="Alex Teacher")
    admin = make_user("boss@example.org", name="Ada Admin", role=Role.ADMIN)
    db.add_all(
        [
            SsoLink(user_id=learner.id, issuer="https://login.example.org", subject="alex-at-idp"),
            SsoLink(user_id=admin.id, issuer="https://login.example.org", subject="ada-at-idp"),
            SsoSettings(id=1, linked_password_sign_in=False),
        ]
    )
    db.commit()
    sign_in(page, "alex@example.org", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("use the button above")
    axe(page)
    sign_in(page, "boss@example.org", PASSWORD)  # the provider may be down: admins keep a way in
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    page.goto(f"{sso_live_server}/sso/settings")
    expect(page.get_by_label("Turn off password sign-in for people with a linked account")).to_be_checked()
    axe(page)
    page.goto(f"{sso_live_server}/admin/people/{learner.id}/edit")
    expect(page.get_by_text("alex-at-idp")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Remove the single sign-on link").click()
    expect(page.get_by_text("Alex Teacher's single sign-on link is removed.")).to_be_visible()
    expect(page.get_by_text("Not linked to a single sign-on account.")).to_be_visible()


def test_single_sign_on_works_without_javascript(browser, sso_live_server, oidc_provider, make_user):
    make_user("alex@example.org", name="Alex Teacher")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{sso_live_server}/sign-in")
    page.get_by_role("link", name=BUTTON).click()
    at_provider(page, oidc_provider.issuer, "alex")
    expect(page.get_by_text("Hello Alex Teacher")).to_be_visible()
    context.close()
