"""The pages for setting up a real organisation, in a real browser with axe: the units pages, the
first-run checklist, and an import preview with units to create and people to deactivate."""

from playwright.sync_api import Page, expect

from course.models import Role
from tests.factories import PASSWORD


def test_units_checklist_and_import_preview_pass_axe(
    page: Page, live_server, make_user, org_unit, sign_in, axe, tmp_path
):
    trust = org_unit("Riverside Trust", "organisation")
    org_unit("Riverside Primary", "site", trust)
    make_user("admin@example.org", role=Role.ADMIN, unit=trust)
    make_user("leaver@example.org", unit=trust, name="Lee Leaver")
    sign_in(page, "admin@example.org", PASSWORD)
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Getting started: 3 of 7 steps done")).to_be_visible()
    axe(page)
    page.goto(f"{live_server}/admin/units")  # the units step is done: the trust exists
    axe(page)
    page.get_by_role("link", name="Rename or move Riverside Primary").click()
    expect(page.get_by_role("heading", name="Rename or move Riverside Primary")).to_be_visible()
    axe(page)
    page.get_by_label("Unit name").fill("Riverside Primary School")
    page.get_by_role("button", name="Save the unit").click()
    expect(page.get_by_text("Riverside Primary School is saved.")).to_be_visible()
    staff = tmp_path / "staff.csv"
    staff.write_bytes(
        "email;name;job_role;unit_path\nzoe@example.org;Zoë;teacher;Riverside Trust / Ward 1\n".encode(
            "cp1252"
        )
    )
    page.goto(f"{live_server}/admin/import")
    axe(page)
    page.get_by_label("File (CSV or Excel workbook)").set_input_files(str(staff))
    page.get_by_label("Create missing units").check()
    page.get_by_label("Deactivate people who are not in the file").check()
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Read as: CSV, Windows-1252, semicolon-separated.")).to_be_visible()
    expect(page.get_by_text("Lee Leaver (leaver@example.org)")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Import 1 row").click()
    expect(
        page.get_by_text("Imported: 1 added, 0 updated, 0 unchanged, 1 deactivated, 1 units created.")
    ).to_be_visible()
