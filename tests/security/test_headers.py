"""Protective headers on every answer, a policy that allows no inline script or style, and pages that need none."""

import re

import pytest

from tests.security import figures
from tests.security.conftest import VISITORS
from tests.security.routes import ROUTES

PAGES = [route for route in ROUTES if route.method == "GET"]
INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)", re.I),
    "a style element": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "an event-handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "a javascript: address": re.compile(r"javascript:", re.I),
}


def policy(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = (part.split() for part in response.headers["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


def assert_protective_headers(response):
    csp = policy(response)
    for directive in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive] and "'unsafe-eval'" not in csp[directive]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("route", PAGES, ids=lambda route: route.endpoint)
def test_every_page_has_the_headers_and_no_inline_script_or_style(world, route):
    for visitor in VISITORS:
        response = world.client(visitor).get(route.path.format(**world.ids))
        response.close()
        assert_protective_headers(response)
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS means nothing
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            found = [what for what, pattern in INLINE.items() if pattern.search(html)]
            assert not found, f"{route.path} as {visitor} has {found}"
            assert response.headers["Cache-Control"] == "no-store"
        figures.count("answers checked for security headers")


def test_error_pages_have_the_headers_too(client):
    assert_protective_headers(client.get("/no-such-page"))
    assert_protective_headers(client.post("/sign-in"))  # refused: no CSRF token


def test_hsts_is_sent_over_https(client):
    response = client.get("/sign-in", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert_protective_headers(response)
