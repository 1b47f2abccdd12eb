"""Every route of the URL map, requested by every kind of visitor: the answer in the table, and no more."""

import pytest

from tests.security import figures
from tests.security.conftest import VISITORS, token
from tests.security.routes import DENY, FORM_DATA, GONE, HIDE, LOGIN, OK, ROUTES, url_rules


def outcome(response):
    response.close()  # static files are streamed from an open file
    status, location = response.status_code, response.headers.get("Location", "")
    if status == 302 and location.startswith("/sign-in?next="):
        return LOGIN
    if status in (200, 422) or 300 <= status < 400:
        return OK
    return {403: DENY, 404: HIDE, 410: GONE}.get(status, f"status {status}")


def request(world, visitor, route):
    client = world.client(visitor)
    path = route.path.format(**world.ids)
    if route.method == "GET":
        return client.get(path)
    data = {**FORM_DATA.get(route.endpoint, {}), "csrf_token": token(client)}
    return client.open(path, method=route.method, data=data)


def test_every_route_of_the_app_has_one_row(app):
    rows = [(route.endpoint, route.method) for route in ROUTES]
    assert len(rows) == len(set(rows)), "a route has two rows"
    missing = url_rules(app) - set(rows)
    assert not missing, f"add a row to tests/security/routes.py for each new route: {sorted(missing)}"
    assert not set(rows) - url_rules(app), "the table has a row for a route the app no longer has"


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.endpoint}")
def test_each_visitor_gets_the_expected_answer(world, route):
    # Visitors go in this order so that only the administrator, last, can change what others would see.
    seen = {visitor: outcome(request(world, visitor, route)) for visitor in VISITORS}
    figures.count("authorization cells checked (routes x visitors)", len(VISITORS))
    wrong = {v: (route.expected(v), got) for v, got in seen.items() if got != route.expected(v)}
    assert not wrong, f"{route.method} {route.path}: visitor -> (expected, got): {wrong}"
    if any(seen[v] == OK for v in VISITORS) and not all(seen[v] == OK for v in VISITORS):
        figures.count("routes with restricted access")
