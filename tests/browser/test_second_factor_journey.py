"""Two-step verification in a real browser: an administrator sets up the app at first sign-in from the
QR code (read off the page by a real QR decoder), saves the recovery codes, signs in again with a code
and then with a recovery code; axe finds nothing on any of these pages; without JavaScript too."""

import io
import re
from urllib.parse import parse_qs, unquote, urlsplit

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from course.models import OrgSettings, Role
from tests import authenticator
from tests.factories import PASSWORD


def password_step(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_an_administrator_sets_up_the_app_from_the_qr_code_and_signs_in_with_codes(
    page: Page, live_server, make_user, db, axe, screenshot
):
    make_user("ada@example.org", name="Ada Admin", role=Role.ADMIN, second_factor=False)
    db.add(OrgSettings(id=1, org_name="Northfield Trust"))
    db.commit()
    password_step(page, live_server, "ada@example.org")
    expect(page).to_have_url(f"{live_server}/sign-in/set-up")
    expect(page.get_by_role("heading", name="Set up two-step verification", level=1)).to_be_visible()
    axe(page)

    # The QR code, as a phone's camera sees it: a picture of the page, decoded by ZXing.
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    picture = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    # The decoder may report the one code more than once (found at two scales): all must be the same.
    found = zxingcpp.read_barcodes(picture)
    assert found and {(code.format, code.text) for code in found} == {(found[0].format, found[0].text)}
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    uri = urlsplit(found[0].text)
    secret = page.locator("#secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    assert (uri.scheme, uri.netloc, unquote(uri.path)) == (
        "otpauth",
        "totp",
        "/Northfield Trust:ada@example.org",
    )
    query = parse_qs(uri.query)
    assert query["secret"] == [secret.replace(" ", "")] and query["issuer"] == ["Northfield Trust"]
    expect(page.locator("figcaption")).to_contain_text("Northfield Trust: ada@example.org")
    screenshot(page, "second-factor-set-up")

    code_box = page.get_by_label("6-digit code")
    assert code_box.get_attribute("autocomplete") == "one-time-code"
    assert code_box.get_attribute("inputmode") == "numeric"
    code_box.fill("12345")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("The code has 6 digits")
    axe(page)
    page.get_by_label("6-digit code").fill(authenticator.first_code(secret.replace(" ", "")))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    axe(page)
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved these codes").click()
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    expect(page.get_by_text("Two-step verification is set up")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Next time: the code from the app.
    password_step(page, live_server, "ada@example.org")
    expect(
        page.get_by_role("heading", name="Enter the 6-digit code from your authenticator app")
    ).to_be_visible()
    axe(page)
    page.get_by_label("6-digit code").fill("not a code")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("The code has 6 digits")
    axe(page)

    # Or a recovery code instead.
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.get_by_role("heading", name="Use a recovery code", level=1)).to_be_visible()
    axe(page)
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    expect(page.get_by_text("9 of them are left")).to_be_visible()

    page.goto(f"{live_server}/account/two-step")
    expect(page.get_by_text("9", exact=True)).to_be_visible()
    axe(page)


def test_without_javascript_the_code_signs_in(browser: Browser, live_server, make_user, app):
    make_user("max@example.org", role=Role.MANAGER)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    password_step(page, live_server, "max@example.org")
    expect(page).to_have_url(f"{live_server}/sign-in/code")
    with app.app_context():
        from course.extensions import db as database

        code = authenticator.code_for(database.session, "max@example.org")
        database.session.remove()
    page.get_by_label("6-digit code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    context.close()
