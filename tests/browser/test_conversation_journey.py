"""A practice conversation in a real browser with JavaScript off: to a good and a poor ending, back a
step, leave and resume; and axe finds nothing on the conversation and follow-up pages."""

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Browser, Page, expect

from course.models import CourseCompletion, JobRole, Role
from tests.factories import PASSWORD
from tests.fixtures.browser import second_step

PLAY = "/modules/responding/conversations/pupil-disclosure"


def sign_in(page: Page, base: str, email: str, app=None) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if app is not None:
        second_step(page, app, email)  # staff: the code from their authenticator app
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()


def say(page: Page, words: str) -> None:
    page.get_by_label(words, exact=False).check()
    page.get_by_role("button", name="Say this").click()


def test_without_javascript_a_conversation_plays_to_both_endings(browser: Browser, live_server, make_user):
    make_user("talk@example.org", job_role=JobRole.TEACHER)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "talk@example.org")
    page.goto(f"{live_server}/modules/responding")
    page.get_by_role("link", name="A pupil tells you she has been hurting herself").click()
    expect(page.get_by_role("group", name="The room is empty now. What do you say?")).to_be_visible()

    say(page, "I've got a meeting in five minutes")
    assert page.url.endswith("#latest")
    latest = page.locator("#latest")
    expect(latest).to_contain_text("It's nothing, really.")
    expect(latest).to_contain_text("She looks at the floor")
    say(page, "Come and find me tomorrow")
    expect(page.get_by_role("heading", name="This did not go well: Maya stopped talking")).to_be_visible()

    page.get_by_role("button", name="Go back a step").click()
    expect(page.get_by_role("group", name="Maya is about to leave. What do you say?")).to_be_visible()
    say(page, "Wait, Maya.")
    expect(page.locator("#latest")).to_contain_text("She puts her bag down.")

    page.close()  # leave mid-conversation, then come back in a new session
    context.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "talk@example.org")
    page.goto(f"{live_server}{PLAY}")
    expect(page.get_by_role("group", name="Maya has told you. What do you say next?")).to_be_visible()
    expect(
        page.get_by_text("Wait, Maya. I'm sorry, that came out wrong.")
    ).to_be_visible()  # the story so far
    say(page, "Thank you for telling me. That took courage.")
    say(page, "I'm glad you told me. I can't keep this to myself")
    expect(
        page.get_by_role("heading", name="A good ending: Maya felt heard and knows what happens next")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Better words to use")).to_be_visible()
    context.close()


def test_axe_finds_nothing_on_the_conversation_pages(
    page: Page, app, live_server, make_user, db, axe, screenshot
):
    learner = make_user("axe-talk@example.org", job_role=JobRole.TEACHER)
    db.add(
        CourseCompletion(
            user_id=learner.id,
            cycle=1,
            course_version="t",
            completed_at=datetime.now(UTC) - timedelta(days=90),
            expires_on=(datetime.now(UTC) + timedelta(days=275)).date(),
            scores={"understanding": 90},
            cpd_minutes=120,
            certificate_code="CODE-AXE-0001",
        )
    )
    db.commit()
    sign_in(page, live_server, learner.email)
    axe(page)  # the home page, with the follow-up check offered
    page.goto(f"{live_server}/modules/responding")
    axe(page)
    page.goto(f"{live_server}{PLAY}")
    axe(page)
    say(page, "Of course. I have time.")
    # The new reply is the focus target, so a screen reader reads it out first.
    expect(page.locator("#latest")).to_be_focused()
    axe(page)
    screenshot(page, "conversation")
    say(page, "Maya, why would you do that to yourself?")
    axe(page)  # the debrief
    page.goto(f"{live_server}/follow-up")
    axe(page)
    for question in page.locator("fieldset.question").all()[:5]:
        question.locator("input").first.check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Thank you: your feedback")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Sign out").click()
    make_user("axe-admin@example.org", role=Role.ADMIN)
    sign_in(page, live_server, "axe-admin@example.org", app)
    page.goto(f"{live_server}/admin/conversations")
    axe(page)
    page.goto(f"{live_server}/admin/learning-gain")
    axe(page)
