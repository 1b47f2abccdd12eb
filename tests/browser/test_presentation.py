"""Text that fits, errors where the learner is, forced colours and the WCAG 1.4.12 text-spacing override."""

import pytest
from playwright.sync_api import Browser, Page, expect

from course.models import JobRole, Role
from tests.factories import PASSWORD, completion

WIDTHS = [320, 375, 480, 768, 1024, 1440]
LONG_NAME = "Nia " + "Nightingale" * 12  # one unbroken word of 132 letters

# The text-spacing bookmarklet's stylesheet (WCAG 2.1 Understanding SC 1.4.12).
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

# For every text in the flowchart: how far it reaches past its own box (0 when it fits).
TEXT_OUTSIDE_ITS_BOX = """() => [...document.querySelectorAll('.flowchart-svg .flow-step')].flatMap(group => {
  const box = group.querySelector('rect').getBoundingClientRect();
  return [...group.querySelectorAll('text')].map(text => {
    const t = text.getBoundingClientRect();
    const past = Math.max(box.left - t.left, t.right - box.right, box.top - t.top, t.bottom - box.bottom);
    return {text: text.textContent, past: Math.max(0, past)};
  });
})"""

# Elements whose content is cut off: a box that hides what overflows it, or content past the viewport.
CLIPPED = """() => {
  const width = document.documentElement.clientWidth;
  const cut = [];
  for (const el of document.body.querySelectorAll('*')) {
    // Form fields scroll their own text by design; tables scroll inside their named regions (1.4.10).
    if (el.closest('.visually-hidden, .skip-link, svg, .table-wrap, input, select, textarea')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    // A control's label must stay inside the control even where overflow shows.
    const hides = [style.overflowX, style.overflowY].some(v => v !== 'visible') ||
      el.matches('button, .button, input[type=submit], .status, .tag, .badge');
    if (hides && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      cut.push(el.outerHTML.slice(0, 120));
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > width + 1 || r.left < -1)) cut.push('past the viewport: ' + el.outerHTML.slice(0, 120));
  }
  return cut;
}"""


def overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def people(make_user, org_unit, db):
    trust = org_unit("Trust", "organisation")
    school = org_unit("School", "site", trust)
    learner = make_user("learner@example.org", unit=school, name="Lee Learner", job_role=JobRole.TEACHER)
    make_user("nurse@example.org", unit=school, name=LONG_NAME, job_role=JobRole.NURSE)
    make_user("admin@example.org", role=Role.ADMIN, unit=trust, name="Ada Admin")
    db.add(completion(learner, expires_in_days=200))
    db.commit()
    return {"learner": learner}


def signed_in(browser: Browser, sign_in, email: str, **context) -> Page:
    page = browser.new_context(**context).new_page()
    sign_in(page, email, PASSWORD)
    return page


@pytest.mark.parametrize("email", ["learner@example.org", "nurse@example.org"])
def test_flowchart_text_stays_inside_its_boxes_at_every_width(browser, live_server, people, sign_in, email):
    page = signed_in(browser, sign_in, email, viewport={"width": 1440, "height": 900}, bypass_csp=True)
    page.goto(f"{live_server}/pathway")
    assert page.locator(".flowchart-svg text").count() > 12
    for spaced in (False, True):
        if spaced:
            page.add_style_tag(content=TEXT_SPACING)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            outside = [t for t in page.evaluate(TEXT_OUTSIDE_ITS_BOX) if t["past"] > 0.5]
            assert outside == [], f"at {width} px{' with text spacing' if spaced else ''}: {outside}"
    page.context.close()


def test_the_emergency_box_shows_all_of_its_words(browser, live_server, people, sign_in):
    page = signed_in(browser, sign_in, "learner@example.org")
    page.goto(f"{live_server}/pathway")
    words = " ".join(page.locator(".flow-emergency text").all_text_contents())
    assert "heavy bleeding, drowsiness," in words and "Stay with them." in words
    page.context.close()


def system_colour(page: Page, keyword: str) -> str:
    return page.evaluate(
        """keyword => { const probe = document.createElement('span'); probe.style.color = keyword;
             document.body.append(probe); const value = getComputedStyle(probe).color; probe.remove();
             return value; }""",
        keyword,
    )


def paints(page: Page, selector: str, prop: str) -> set[str]:
    return set(page.eval_on_selector_all(selector, f"els => els.map(e => getComputedStyle(e).{prop})"))


def test_charts_and_flowchart_take_system_colours_when_colours_are_forced(
    browser, live_server, people, sign_in
):
    page = signed_in(browser, sign_in, "admin@example.org")
    page.emulate_media(forced_colors="active")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    page.goto(f"{live_server}/pathway")
    text, canvas = system_colour(page, "CanvasText"), system_colour(page, "Canvas")
    assert text != canvas
    assert paints(page, ".flowchart-svg text", "fill") == {text}
    assert paints(page, ".flowchart-svg .flow-line", "stroke") == {text}
    assert paints(page, ".flowchart-svg .flow-arrowhead", "fill") == {text}
    assert paints(page, ".flowchart-svg .flow-box", "fill") == {canvas}
    assert paints(page, ".flowchart-svg .flow-box", "stroke") == {text}
    page.goto(f"{live_server}/admin/")
    assert page.locator(".chart-svg text").count() > 0
    assert paints(page, ".chart-svg text", "fill") == {text}
    assert paints(page, ".chart-svg .chart-bar", "fill") == {system_colour(page, "Highlight")}
    page.emulate_media(forced_colors="none")
    assert paints(page, ".chart-svg text", "fill") != {text} or text != "rgb(27, 27, 31)"
    page.context.close()


PAGES = {
    "learner@example.org": [
        "/",
        "/content-note",
        "/modules/looking-after-yourself",
        "/support",
        "/pathway",
        "/quick-reference",
        "/records",
        "/modules/looking-after-yourself/quiz",
        "/account/password",
        "/accessibility",
    ],
    "admin@example.org": [
        "/admin/",
        "/admin/learners",
        "/admin/reminders",
        "/admin/learning-gain",
        "/admin/people",
        "/admin/import",
        "/admin/assignments",
        "/admin/settings",
        "/admin/quizzes",
        "/admin/audit",
        "/missing",
    ],
}


@pytest.mark.parametrize("email", list(PAGES))
def test_text_spacing_at_320_px_cuts_nothing_and_scrolls_no_page_sideways(
    browser, live_server, people, sign_in, email
):
    page = signed_in(browser, sign_in, email, viewport={"width": 320, "height": 640}, bypass_csp=True)
    for path in PAGES[email]:
        page.goto(f"{live_server}{path}")
        page.add_style_tag(content=TEXT_SPACING)
        assert page.evaluate("getComputedStyle(document.body).letterSpacing") != "normal"
        assert overflow(page) <= 0, f"{path} scrolls sideways with text spacing at 320 px"
        assert page.evaluate(CLIPPED) == [], f"{path} cuts content with text spacing at 320 px"
    page.context.close()


def test_text_spacing_cuts_nothing_on_the_sign_in_and_verify_pages(browser, live_server, people):
    page = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True).new_page()
    for path in ("/sign-in", "/verify/NOPE-NOPE-NOPE-NOPE", "/support"):
        page.goto(f"{live_server}{path}")
        page.add_style_tag(content=TEXT_SPACING)
        assert overflow(page) <= 0 and page.evaluate(CLIPPED) == [], path
    page.context.close()


def test_every_scroll_region_on_a_page_has_its_own_name(browser, live_server, people, sign_in):
    page = signed_in(browser, sign_in, "admin@example.org")
    for path in ("/admin/", "/records", f"/admin/learners/{people['learner'].id}"):
        page.goto(f"{live_server}{path}")
        regions = page.locator("[role=region]")
        names = [
            regions.nth(i).evaluate("el => el.getAttribute('aria-labelledby')")
            for i in range(regions.count())
        ]
        texts = [page.locator(f"[id='{n}']").inner_text().strip() for n in names if n]
        assert len(texts) == regions.count() and len(set(texts)) == len(texts) and all(texts), (path, texts)
    page.context.close()


def scenario_section(app) -> str:
    course = app.extensions["course"]
    for module in course.modules_for("teacher"):
        for section in module.sections_for("teacher"):
            if section.scenarios_for("teacher", "UK"):
                return f"/modules/{module.id}/{section.id}"
    raise AssertionError("the course has no scenario")


@pytest.mark.parametrize("javascript", [True, False])
def test_an_unanswered_scenario_is_explained_beside_its_options(
    browser, app, live_server, people, sign_in, javascript
):
    page = signed_in(browser, sign_in, "learner@example.org", java_script_enabled=javascript)
    page.goto(f"{live_server}{scenario_section(app)}")
    scenario = page.locator("section.scenario").first
    scenario.get_by_role("button", name="Check my answer").click()
    scenario = page.locator("section.scenario").first
    message = scenario.locator("fieldset .error-message")
    expect(message).to_have_text("Error: Choose one of the responses, then select “Check my answer”.")
    fieldset = scenario.locator("fieldset")
    assert fieldset.get_attribute("aria-describedby") == message.get_attribute("id")
    assert page.title().startswith("Error: ")
    assert page.locator(".flash-error").count() == 0  # not off at the top of the page
    if javascript:
        expect(message).to_be_focused()
        assert message.evaluate(
            "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
        )
    scenario.get_by_role("radio").first.check()
    scenario.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".feedback").first).to_be_visible()
    assert page.locator(".error-message").count() == 0 and not page.title().startswith("Error")
    page.context.close()


def test_a_long_unbroken_name_does_not_widen_admin_tables(browser, live_server, people, sign_in):
    page = signed_in(browser, sign_in, "admin@example.org", viewport={"width": 1024, "height": 800})
    for path in ("/admin/people", "/admin/learners"):
        page.goto(f"{live_server}{path}")
        assert page.get_by_text(LONG_NAME).count() > 0
        widest = page.eval_on_selector_all(
            ".table-wrap", "els => Math.max(...els.map(e => e.scrollWidth - e.clientWidth))"
        )
        assert widest <= 0, f"{path}: a table is {widest} px wider than its box"
    page.context.close()


def test_the_quiz_legend_sits_inside_its_box(browser, live_server, people, sign_in):
    page = signed_in(browser, sign_in, "learner@example.org")
    page.goto(f"{live_server}/modules/looking-after-yourself/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    question = page.locator("fieldset.question").first
    box, legend = question.bounding_box(), question.locator("legend").bounding_box()
    border = float(question.evaluate("el => parseFloat(getComputedStyle(el).borderTopWidth)"))
    assert legend["y"] >= box["y"] + border, "the legend crosses the box's top border"
    page.context.close()
