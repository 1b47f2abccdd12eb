"""WCAG 2.2 AA in a real browser: keyboard only, no JavaScript, reflow at 320 px, text at 200 %, axe."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from course.models import JobRole, QuizAttempt, Role
from tests.factories import PASSWORD, completion
from tests.fixtures.browser import BEST_PRACTICE, follow
from tests.fixtures.quiz import answers_for

MODULE = "looking-after-yourself"


def focused_matches(page: Page, script: str) -> bool:
    return page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({script}); }})()")


def tab_to(page: Page, script: str, *, backwards: bool = False, limit: int = 250) -> None:
    """Press Tab (or Shift+Tab) until the focused element satisfies `script` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        assert focus_is_visible(page), "the focused element shows no focus indicator"
        if focused_matches(page, script):
            return
    raise AssertionError(f"never reached {script} with the keyboard")


def focus_is_visible(page: Page) -> bool:
    return page.evaluate(
        """(() => { const el = document.activeElement; if (!el || el === document.body) return true;
             const s = getComputedStyle(el);
             return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; })()"""
    )


def activate(page: Page) -> None:
    """Press Enter on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def link_named(text: str) -> str:
    return f"el.tagName === 'A' && el.textContent.trim().startsWith({text!r})"


def button_named(text: str) -> str:
    return f"el.tagName === 'BUTTON' && el.textContent.trim().startsWith({text!r})"


def keyboard_sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    tab_to(page, "el.id === 'email'")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    activate(page)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()


def test_keyboard_only_completes_a_module_and_its_quiz(page: Page, app, db, live_server, make_user):
    make_user("keys@example.org", job_role=JobRole.NURSE)
    keyboard_sign_in(page, live_server, "keys@example.org")
    tab_to(page, "el.tagName === 'A' && el.textContent.includes('Looking after yourself')")
    activate(page)
    tab_to(page, link_named("Start this module"))
    activate(page)
    while True:
        expect(page.locator("h1")).to_be_visible()
        if page.get_by_role("link", name=re.compile("^Next: ")).count():
            tab_to(page, link_named("Next: "))
            page.keyboard.press("Shift+Tab")  # focus moves back and is not trapped
            assert not focused_matches(page, link_named("Next: "))
            page.keyboard.press("Tab")
            activate(page)
        else:
            tab_to(page, link_named("Finish the module"))
            activate(page)
            break
    tab_to(page, link_named("Go to the quiz"))
    activate(page)
    tab_to(page, button_named("Start the quiz"))
    activate(page)
    expect(page.get_by_text("Question 1 of 5")).to_be_visible()

    attempt = db.get(QuizAttempt, int(page.url.rsplit("/", 1)[1]))
    for name, correct in answers_for(app, attempt).items():
        question = page.locator(f"input[name='{name}']")
        if question.first.get_attribute("type") == "checkbox":
            for option in correct:
                tab_to(page, f"el.id === '{name}-{option}'")
                page.keyboard.press("Space")
        else:
            tab_to(page, f"el.name === '{name}'")
            page.keyboard.press("Space")  # selects the focused radio button
            for _ in range(6):  # arrow keys move the choice within one radio group
                if page.locator(f"#{name}-{correct[0]}").is_checked():
                    break
                page.keyboard.press("ArrowDown")
            assert page.locator(f"#{name}-{correct[0]}").is_checked()
    tab_to(page, button_named("Submit my answers"))
    activate(page)
    expect(page.get_by_text("You passed.")).to_be_visible()


def test_without_javascript_a_module_a_scenario_and_a_quiz_work(
    browser: Browser, app, db, live_server, make_user
):
    make_user("nojs@example.org", job_role=JobRole.TEACHER, acknowledged=False)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("nojs@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Read the content note").click()
    page.get_by_role("button", name="I have read this. Start the course").click()
    page.goto(f"{live_server}/modules/{MODULE}")
    follow(page, page.get_by_role("link", name="Start this module"))
    practised = False
    while True:
        scenario = page.locator("section.scenario").first
        if scenario.count() and not practised:
            scenario.get_by_role("radio").first.check()
            scenario.get_by_role("button", name="Check my answer").click()
            expect(page.locator(".feedback").first).to_be_visible()
            practised = True
        if page.get_by_role("link", name=re.compile("^Next: ")).count():
            follow(page, page.get_by_role("link", name=re.compile("^Next: ")))
        else:
            break
    assert practised
    page.get_by_role("link", name="Finish the module").click()
    page.get_by_role("link", name="Go to the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()
    attempt = db.get(QuizAttempt, int(page.url.rsplit("/", 1)[1]))
    for name, correct in answers_for(app, attempt).items():
        for option in correct:
            page.locator(f"#{name}-{option}").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("You passed.")).to_be_visible()
    context.close()


def page_paths(role: str, people: dict) -> list[str]:
    learner = [
        "/",
        "/content-note",
        f"/modules/{MODULE}",
        people["section"],
        f"{people['section']}?unanswered={people['scenario']}",  # a scenario's error
        "/missing",  # the error page, signed in
        "/support",
        "/pathway",
        "/quick-reference",
        "/records",
        f"/modules/{MODULE}/quiz",
        "/account/password",
        "/account/two-step",
        "/account/two-step/set-up",  # the QR code and the key to type by hand
        "/accessibility",
        "/privacy",
    ]
    staff = [
        "/admin/",
        "/admin/learners",
        f"/admin/learners/{people['learner'].id}",
        "/admin/reminders",
        "/admin/learning-gain",
    ]
    admin = [
        "/admin/people",
        f"/admin/people/{people['learner'].id}/edit",
        "/admin/units",
        "/admin/invitations",
        "/admin/import",
        "/admin/assignments",
        "/admin/settings",
        "/sso/settings",
        "/lti/registrations",
        "/scorm/packages",
        "/admin/quizzes",
        "/admin/audit",
    ]
    return {
        "anonymous": [
            "/sign-in",
            "/forgotten-password",
            "/support",
            "/accessibility",
            "/privacy",
            "/verify/NOPE-NOPE-NOPE-NOPE",
            "/missing",
            "/scorm/launch/nope",
        ],
        "learner": learner,
        "manager": learner + staff,
        "admin": learner + staff + admin,
    }[role]


@pytest.fixture
def people(app, db, make_user, org_unit):
    trust = org_unit("Trust", "organisation")
    school = org_unit("School", "site", trust)
    learner = make_user("learner@example.org", unit=school, name="Lee Learner")
    make_user("manager@example.org", role=Role.MANAGER, unit=school, name="Mo Manager")
    make_user("admin@example.org", role=Role.ADMIN, unit=trust, name="Ada Admin")
    db.add(completion(learner, expires_in_days=200))  # records, certificates and charts with figures
    db.commit()
    module = app.extensions["course"].module(MODULE)
    section, scenario = next(
        (s, s.scenarios_for("teacher", "UK")[0])
        for s in module.sections_for("teacher")
        if s.scenarios_for("teacher", "UK")
    )
    return {"learner": learner, "section": f"/modules/{MODULE}/{section.id}", "scenario": scenario.id}


def overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("role", ["anonymous", "learner", "manager", "admin"])
def test_every_page_reflows_at_320_px_and_at_200_percent_text_and_passes_axe(
    browser: Browser, live_server, people, sign_in, axe, role
):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    if role != "anonymous":
        sign_in(page, f"{role}@example.org", PASSWORD)
    for path in page_paths(role, people):
        page.goto(f"{live_server}{path}")
        assert overflow(page) <= 0, f"{path} scrolls sideways at 320 px"
        axe(page, BEST_PRACTICE)
        page.set_viewport_size({"width": 640, "height": 640})
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert overflow(page) <= 0, f"{path} scrolls sideways with text at 200 %"
        page.set_viewport_size({"width": 320, "height": 640})
    context.close()


def test_the_retake_notice_passes_axe_and_its_links_work_without_javascript(
    browser: Browser, app, db, live_server, make_user, sign_in, axe
):
    from tests.factories import quiz_attempt

    user = make_user("again@example.org", job_role=JobRole.TEACHER)
    for _ in range(2):  # two failed attempts in a row
        db.add(quiz_attempt(user, module_id=MODULE, score=0))
        db.commit()
    sections = app.extensions["course"].module(MODULE).sections_for("teacher")
    page = browser.new_page()
    sign_in(page, "again@example.org", PASSWORD)
    page.goto(f"{live_server}/modules/{MODULE}/quiz")
    expect(page.get_by_role("heading", name="Go back over the module first")).to_be_visible()
    axe(page)
    page.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "again@example.org", PASSWORD)
    for section in sections:
        page.goto(f"{live_server}/modules/{MODULE}/quiz")
        expect(page.get_by_role("button", name="Start the quiz")).to_have_count(0)
        page.locator("section.revisit").get_by_role("link", name=section.title).click()
        expect(page.get_by_role("heading", level=1, name=section.title)).to_be_visible()
    page.goto(f"{live_server}/modules/{MODULE}/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()
    context.close()
