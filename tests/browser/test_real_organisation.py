"""A real organisation starts from an empty database: the first administrator from the command line,
the organisation's settings, 300 staff from an HR file (semicolon-separated Windows-1252 CSV, or XLSX)
whose units do not exist yet, an invitation to everyone through the outbox and a real SMTP server, and
one of them setting a password from the e-mail, signing in and starting a module."""

import csv
import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from course.models import Role
from tests.fixtures.browser import follow

pytestmark = pytest.mark.database

ADMIN_EMAIL = "it.lead@riverside.example"
ADMIN_PASSWORD = "harbour kettle meadow lantern"
STAFF_PASSWORD = "copper violin orchard pebble"
COLUMNS = ["email", "name", "job_role", "unit_path", "role", "staff_number", "start_date"]
UNITS = [
    "Riverside Health Trust / St Anne's Hospital / Ward 7",
    "Riverside Health Trust / St Anne's Hospital / Children's ward",
    "Riverside Health Trust / Riverside Academy / Science",
    "Riverside Health Trust / Riverside Academy",
]
JOBS = ["nurse", "healthcare_assistant", "teacher", "teaching_assistant", "school_nurse", "other"]
NAMES = ["Zoë Ångström", "José Núñez", "Siân O'Brien", "Renée Müller", "François Lefèvre", "Chloé Dubois"]


def staff_rows() -> list[list[str]]:
    rows = []
    for n in range(300):
        role = "manager" if n % 50 == 1 else ""
        rows.append(
            [
                f"staff{n:03}@riverside.example",
                f"{NAMES[n % len(NAMES)]} {n:03}",
                JOBS[n % len(JOBS)],
                UNITS[n % len(UNITS)],
                role,
                f"E{n:05}",
                "2024-09-01",
            ]
        )
    return rows


def semicolon_cp1252(path):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(staff_rows())
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path


def workbook(path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Staff"
    sheet.append(COLUMNS)
    for row in staff_rows():
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("write", "name", "read_as"),
    [(semicolon_cp1252, "staff.csv", "Windows-1252"), (workbook, "staff.xlsx", "Excel")],
    ids=["semicolon-windows-1252-csv", "xlsx"],
)
def test_a_new_organisation_goes_from_empty_to_a_learner_in_a_module(
    page: Page, app, live_server, runner, smtp_server, sign_in, axe, tmp_path, write, name, read_as
):
    app.config["PUBLIC_BASE_URL"] = live_server
    created = runner.invoke(
        args=["create-admin", "--email", ADMIN_EMAIL, "--name", "Ita Lead", "--password", ADMIN_PASSWORD]
    )
    assert created.exit_code == 0, created.output

    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(f"{live_server}/admin/settings")
    page.get_by_label("Organisation name").fill("Riverside Health Trust")
    page.get_by_label("Safeguarding lead's name").fill("Dev Shah")
    page.get_by_label("Reminder days before a due date or expiry").fill("30, 7, 0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()

    page.goto(f"{live_server}/admin/import")
    page.get_by_label("File (CSV or Excel workbook)").set_input_files(str(write(tmp_path / name)))
    page.get_by_label("Create missing units").check()
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("300 to add, 0 to update, 0 unchanged")).to_be_visible()
    expect(page.get_by_text(re.compile(f"Read as: .*{read_as}"))).to_be_visible()
    expect(page.get_by_role("heading", name="Units to create")).to_be_visible()
    page.get_by_role("button", name="Import 300 rows").click()
    expect(page.get_by_text(re.compile("Imported: 300 added"))).to_be_visible()

    page.goto(f"{live_server}/admin/people")
    expect(page.get_by_text("300 people have not been invited yet")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Invite everyone not yet invited").click()
    expect(page.get_by_text("300 invitations queued")).to_be_visible()
    expect(page.get_by_text("Not invited yet: 0")).to_be_visible()
    expect(page.get_by_role("link", name="See what is waiting in the outbox")).to_be_visible()
    axe(page)

    sent = runner.invoke(args=["outbox", "send"])
    assert sent.exit_code == 0, sent.output
    # The 300 invitations, and the administrator's notice that two-step verification was set up at
    # their first sign-in.
    assert len(smtp_server.messages()) == 301
    [notice] = smtp_server.to(ADMIN_EMAIL)
    assert notice["Subject"] == "Two-step verification set up on your training account"
    [invitation] = smtp_server.to("staff002@riverside.example")
    assert invitation["Subject"] == "Your account for Riverside Health Trust staff training"
    body = invitation.get_body(("plain",)).get_content()
    assert body.startswith("Dear Siân O'Brien 002,"), body[:40]
    link = re.search(re.escape(live_server) + r"/invitation/\S+", body).group(0)

    page.get_by_role("button", name="Sign out").click()
    page.goto(link)
    expect(page.get_by_role("heading", name="Set up your account")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_label("Confirm new password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_text("Your password is set. Welcome.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.goto(link)
    expect(page.get_by_text("This link has already been used")).to_be_visible()
    sign_in(page, "staff002@riverside.example", STAFF_PASSWORD)
    expect(page.get_by_text("Hello Siân O'Brien 002")).to_be_visible()
    page.get_by_role("link", name="Read the content note").click()
    page.get_by_role("button", name="I have read this. Start the course").click()
    page.goto(f"{live_server}/")
    page.locator(".module-list h3 a").first.click()
    page.get_by_role("link", name="Start this module").click()
    expect(page).to_have_url(re.compile(r"/modules/[^/]+/[^/]+$"))  # the module's first section

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(f"{live_server}/admin/invitations")
    page.get_by_label("Name or email").fill("staff002")
    page.get_by_role("button", name="Find").click()
    row = page.get_by_role("row").filter(has_text="staff002@riverside.example")
    expect(row).to_contain_text("Accepted")
    axe(page)
    with app.app_context():
        from course.extensions import db
        from course.models import User

        managers = db.session.query(User).filter_by(role=Role.MANAGER).count()
        db.session.remove()
    assert managers == 6


def test_forgotten_password_pages_are_accessible(page: Page, live_server, make_user, axe, smtp_server):
    make_user("someone@example.org")
    page.goto(f"{live_server}/sign-in")
    follow(page, page.get_by_role("link", name="Forgotten your password?"))
    axe(page)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address.")
    axe(page)
    page.get_by_label("Email address").fill("someone@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    axe(page)
