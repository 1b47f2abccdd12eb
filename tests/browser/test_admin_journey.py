from datetime import timedelta

from playwright.sync_api import Page, expect

from course.models import Role
from tests import factories
from tests.factories import PASSWORD
from tests.fixtures.browser import follow

STAFF_CSV = (
    "email,name,job_role,unit_path,role\n"
    "ann@example.org,Ann Ash,teacher,Trust / School,\n"
    "bo@example.org,Bo Birch,nurse,Trust / Ward,\n"
    "cy@example.org,Cy Cedar,teacher,Trust / School,manager\n"
)


def test_admin_imports_assigns_reports_and_exports(
    page: Page, live_server, make_user, org_unit, sign_in, axe, screenshot, tmp_path
):
    trust = org_unit("Trust", "organisation")
    org_unit("School", "site", trust)
    org_unit("Ward", "site", trust)
    make_user("admin@example.org", role=Role.ADMIN, unit=trust, name="Ada Admin")
    sign_in(page, "admin@example.org", PASSWORD)

    page.get_by_role("link", name="Admin").click()
    follow(page, page.get_by_role("link", name="Import", exact=True))
    axe(page)
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_CSV, encoding="utf-8")
    page.get_by_label("File (CSV or Excel workbook)").set_input_files(str(staff))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("3 to add, 0 to update, 0 unchanged.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_text("Imported: 3 added, 0 updated, 0 unchanged.")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Assignments").click()
    page.get_by_label("A unit and the units within it").check()
    page.get_by_label("Unit", exact=True).select_option(label="Trust")
    due = (factories.today() + timedelta(days=14)).isoformat()
    page.get_by_label("Due date").fill(due)
    page.get_by_role("button", name="Assign the course").click()
    expect(page.get_by_text("The course is assigned to unit Trust")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Training dashboard")).to_be_visible()
    expect(page.locator("svg.chart-svg")).to_have_count(2)  # no records yet: the month chart is a table only
    expect(page.get_by_text("No records yet.")).to_be_visible()
    expect(page.locator(".stat-grid")).to_contain_text("4 assigned")
    axe(page)
    screenshot(page, "admin-dashboard")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the completion report (CSV)").click()
    exported = download.value.path().read_text(encoding="utf-8-sig")
    assert "ann@example.org" in exported and "bo@example.org" in exported

    for link in (
        "Learners",
        "Reminders",
        "Learning gain",
        "People",
        "Quiz questions",
        "Settings",
        "Audit log",
    ):
        follow(
            page,
            page.get_by_role("navigation", name="Reports and administration").get_by_role("link", name=link),
        )
        axe(page)
    page.goto(f"{live_server}/admin/learners?q=ann")
    page.get_by_role("link", name="Ann Ash").click()
    expect(page.get_by_role("heading", name="Ann Ash")).to_be_visible()
    axe(page)
    follow(page, page.get_by_role("link", name="Edit this person"))
    axe(page)


def test_manager_sees_only_their_unit_and_sends_reminders(
    page: Page, live_server, make_user, org_unit, sign_in, axe, smtp_server, app, db
):
    from course.models import Assignment
    from course.outbox.services import deliver

    trust = org_unit("Trust", "organisation")
    school = org_unit("School", "site", trust)
    ward = org_unit("Ward", "site", trust)
    make_user("head@example.org", role=Role.MANAGER, unit=school, name="Hana Head")
    make_user("late@example.org", unit=school, name="Lee Late")
    make_user("elsewhere@example.org", unit=ward, name="Elle Elsewhere")
    db.add(Assignment(unit_id=trust.id, due_on=factories.today() - timedelta(days=2)))
    db.commit()
    sign_in(page, "head@example.org", PASSWORD)
    page.goto(f"{live_server}/admin/learners")
    expect(page.get_by_role("link", name="Lee Late")).to_be_visible()
    expect(page.get_by_text("Elle Elsewhere")).to_have_count(0)
    axe(page)
    expect(
        page.get_by_role("navigation", name="Reports and administration").get_by_role("link", name="Settings")
    ).to_have_count(0)
    page.goto(f"{live_server}/admin/settings")
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()

    page.goto(f"{live_server}/admin/reminders")
    expect(page.get_by_text("Ready to send: 2")).to_be_visible()  # Lee and the manager herself are overdue
    axe(page)
    page.get_by_role("button", name="Send 2 reminders").click()
    expect(page.get_by_text("2 reminders queued to send.")).to_be_visible()
    with app.app_context():
        assert deliver().delivered == 2
    recipients = {m["To"] for m in smtp_server.messages()}
    assert "late@example.org" in recipients and "elsewhere@example.org" not in recipients
