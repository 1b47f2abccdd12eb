from playwright.sync_api import Page, expect

from course.models import Role
from tests.factories import PASSWORD


def test_teacher_signs_in_and_sees_the_dashboard(page: Page, live_server, make_user, sign_in, axe):
    make_user("taylor@example.org", name="Taylor Teacher", acknowledged=False)
    page.goto(f"{live_server}/sign-in")
    axe(page)
    sign_in(page, "taylor@example.org", PASSWORD)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    expect(page.get_by_text("Hello Taylor Teacher")).to_be_visible()
    expect(page.get_by_role("link", name="Read the content note")).to_be_visible()
    axe(page)


def test_wrong_password_shows_an_error_summary(page: Page, live_server, make_user, sign_in, axe):
    make_user("wrong@example.org")
    sign_in(page, "wrong@example.org", "not my password at all")
    expect(page.get_by_role("alert")).to_contain_text("The email address or password is not right")
    axe(page)


def test_admin_people_page_is_accessible(page: Page, live_server, make_user, org_unit, sign_in, axe):
    org_unit("Ward 7")
    make_user("boss@example.org", role=Role.ADMIN)
    sign_in(page, "boss@example.org", PASSWORD)
    page.goto(f"{live_server}/admin/people")
    page.get_by_role("button", name="Add and create invitation link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the person's full name.")
    axe(page)


def test_the_axe_check_catches_a_real_violation(page: Page, axe):
    page.set_content("<html lang='en'><body><main><h1>Form</h1><input type='text'></main></body></html>")
    try:
        axe(page)
    except AssertionError as error:
        assert "label" in str(error)
    else:
        raise AssertionError("axe passed a page with an unlabelled input")
