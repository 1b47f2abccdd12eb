from playwright.sync_api import Page, expect

from course.models import JobRole, QuizAttempt
from tests.factories import PASSWORD
from tests.fixtures.quiz import answers_for


def answer_in_page(page: Page, app, db, right: int | None) -> None:
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()  # the attempt's page
    attempt_id = int(page.url.rsplit("/", 1)[1])
    db.expire_all()
    attempt = db.get(QuizAttempt, attempt_id)
    for name, option_ids in answers_for(app, attempt, right=right).items():
        for option_id in option_ids:
            page.locator(f"#{name}-{option_id}").check()


def test_teacher_fails_reads_feedback_retakes_and_passes(
    page: Page, app, db, live_server, make_user, sign_in, axe, screenshot
):
    make_user("quizzer@example.org", job_role=JobRole.TEACHER)
    sign_in(page, "quizzer@example.org", PASSWORD)
    page.goto(f"{live_server}/modules/responding/quiz")
    axe(page)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1 of 5")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Submit my answers").click()  # nothing answered
    expect(page.get_by_role("alert")).to_contain_text("Question 1 has no answer")
    axe(page)

    answer_in_page(page, app, db, right=1)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Not passed this time.")).to_be_visible()
    expect(page.get_by_text("Correct answer").first).to_be_visible()
    axe(page)
    screenshot(page, "quiz-feedback")

    page.get_by_role("link", name="Try the quiz again").click()
    page.get_by_role("button", name="Start the quiz").click()
    answer_in_page(page, app, db, right=None)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("You passed.")).to_be_visible()
    expect(page.get_by_text("100%")).to_be_visible()
    axe(page)
    page.goto(f"{live_server}/modules/responding/quiz")
    expect(page.get_by_role("link", name="Passed : see the feedback", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Not passed : see the feedback", exact=True)).to_be_visible()
    axe(page)
