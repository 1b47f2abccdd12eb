"""Every route of the table, given hostile path values, query strings and form fields: no server errors."""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.extensions import limiter
from tests.security.conftest import VISITORS, token
from tests.security.routes import FORM_DATA, GONE, OK, ROUTES, STATE_CHANGING
from tests.security.strategies import assert_shown_escaped, counted, nul_refused, numbers, texts

pytestmark = pytest.mark.database

# Every name a form or query string of the app reads, so that hostile values reach real code.
NAMES = """q page unit job_role status due_before sort action actor since until audience next back name email
role active target due_on org_name region policy_url certificate_months pass_mark expiring_window_days
reminder_interval_days retake_review_after current password confirm rating response kind content file wellbeing_contact"""
FIELDS = sorted({*NAMES.split(), *(name for data in FORM_DATA.values() for name in data)})
PLACES = ["learner", "record", "attempt", "assignment", "module", "section", "scenario", "code"]
GETS = [route for route in ROUTES if route.method == "GET" and route.endpoint != "static"]
POSTS = [route for route in ROUTES if route.method in STATE_CHANGING]


def values():
    return st.one_of(texts(100), numbers(), st.lists(texts(30), max_size=3))


def used(route, hostile):
    """The hostile values for placeholders that this route's path has."""
    return {name: value for name, value in hostile.items() if f"{{{name}}}" in route.path}


def fill(route, ids, hostile):
    """The route's path, with some placeholders given hostile values (made safe for a path segment)."""
    filled = {name: quote(hostile.get(name, str(value)), safe="") or "x" for name, value in ids.items()}
    return route.path.format(**filled)


def fresh_limits(app):
    """The rate limits are tested elsewhere; here they would only stop the fuzzing."""
    with app.app_context():
        limiter.reset()


def allowed_visitor(route):
    """Someone the route serves; for a route that serves no one (the LMS's entry points, a feature
    switched off, a withdrawn package's plain page), the administrator, who sees everything there is.
    A set-a-password form opened without its link answers 410 to everyone, and still reads its fields."""
    return next((v for v in reversed(VISITORS) if route.expected(v) in (OK, GONE)), "admin")


def refusals(route):
    """The LMS's entry points refuse what no platform sent with 403 (and a page saying why)."""
    return (403,) if not any(route.expected(v) in (OK, GONE) for v in VISITORS) else ()


@given(
    route=st.sampled_from(GETS),
    args=st.dictionaries(st.sampled_from(FIELDS), values(), max_size=5),
    hostile=st.dictionaries(st.sampled_from(PLACES), st.one_of(numbers(), texts(40)), max_size=2),
)
def test_pages_with_any_query_string_and_path(world, route, args, hostile):
    fresh_limits(world.app)
    hostile = used(route, hostile)
    client = world.client(allowed_visitor(route))
    response = client.get(f"{fill(route, world.ids, hostile)}?{urlencode(args, doseq=True)}")
    response.get_data()  # a streamed download ends its request only once read to the end
    response.close()
    counted("query strings and paths of every page", response.status_code)
    if nul_refused(response, *args.values(), *hostile.values()):
        return
    assert response.status_code in (200, 302, 303, 400, 404, 410, *refusals(route))  # 303: a link swapped
    if response.mimetype == "text/html":
        assert_shown_escaped(response.get_data(as_text=True), *args.values(), *hostile.values())


@given(
    route=st.sampled_from(POSTS),
    form=st.dictionaries(st.sampled_from(FIELDS), values(), max_size=8),
    keep=st.booleans(),
)
def test_every_form_with_any_fields(world, route, form, keep):
    fresh_limits(world.app)
    client = world.client(allowed_visitor(route))
    data = {**(FORM_DATA.get(route.endpoint, {}) if keep else {}), **form, "csrf_token": token(client)}
    response = client.post(route.path.format(**world.ids), data=data)
    response.get_data()
    response.close()
    counted("fields of every form", response.status_code)
    if nul_refused(response, *form.values()):
        return
    assert response.status_code in (200, 302, 400, 404, 410, 422, *refusals(route))
    if response.mimetype == "text/html":
        assert_shown_escaped(response.get_data(as_text=True), *form.values())
