"""Every state-changing route of the URL map refuses a request without a valid CSRF token, and writes nothing."""

import pytest
from sqlalchemy import select

from course.database import Base
from course.extensions import csrf
from course.extensions import db as database
from tests.security import figures
from tests.security.conftest import VISITORS, token
from tests.security.routes import FORM_DATA, GONE, LOGIN, OK, ROUTES, STATE_CHANGING, url_rules

# Posted by another site by design (an LMS's form post into its frame), so no token of ours can come
# with them. Each has its own proof instead, refused without it with nothing written
# (tests/functional/test_lti.py): a registered issuer (login), a single-use state and a signed ID token
# (launch), a signed, short-lived context from a checked launch (deep linking).
CROSS_SITE = {"lti.login": "login", "lti.launch": "launch", "lti.deep_link": "deep_link"}
# The rows of the table that change state; the first test shows they are exactly the URL map's.
CHANGING = [route for route in ROUTES if route.method in STATE_CHANGING and route.endpoint not in CROSS_SITE]
BAD_TOKENS = {
    "no token": lambda world: None,
    "a made-up token": lambda world: "IjAwMDAi.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb",
    "another session's token": lambda world: token(world.client("admin")),
}


def everything(app):
    """Every row of every table, to show that a refused request changed nothing."""
    with app.app_context():
        tables = {
            table.name: database.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            for table in Base.metadata.sorted_tables
        }
        database.session.remove()
    return tables


def test_csrf_protection_covers_every_view(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) and app.config.get("WTF_CSRF_CHECK_DEFAULT", True)
    assert csrf._exempt_views == {f"course.lti.routes.{view}" for view in CROSS_SITE.values()}
    assert not csrf._exempt_blueprints
    state_changing = {
        rule for rule in url_rules(app) if rule[1] in STATE_CHANGING and rule[0] not in CROSS_SITE
    }
    figures.count("state-changing routes (from the URL map)", len(state_changing))
    assert state_changing == {(route.endpoint, route.method) for route in CHANGING}


@pytest.mark.parametrize("route", CHANGING, ids=lambda route: f"{route.method} {route.endpoint}")
def test_state_changing_route_refuses_a_request_without_a_valid_token(app, world, route):
    # Someone allowed to do it (a form that needs its link first answers 410 to everyone); else someone
    # signed in (the token is checked before the view runs).
    visitor = next((v for v in VISITORS if route.expected(v) in (OK, GONE)), None) or next(
        v for v in VISITORS if route.expected(v) != LOGIN
    )
    client = world.client(visitor)
    path = route.path.format(**world.ids)
    before = everything(app)
    for problem, bad_token in BAD_TOKENS.items():
        data = dict(FORM_DATA.get(route.endpoint, {}))
        if (value := bad_token(world)) is not None:
            data["csrf_token"] = value
        response = client.open(path, method=route.method, data=data)
        assert response.status_code == 400, (problem, response.status_code)
        assert "This form has expired" in response.get_data(as_text=True), problem
    assert everything(app) == before
    # The same request with this session's own token is not refused: the test can tell the difference.
    data = {**FORM_DATA.get(route.endpoint, {}), "csrf_token": token(client)}
    assert "This form has expired" not in client.open(path, method=route.method, data=data).get_data(True)
    figures.count("state-changing routes refusing requests without a valid token")
