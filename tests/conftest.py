"""Fixtures live in tests/fixtures/; this file only names them."""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.browser",
    "tests.fixtures.lti",
    "tests.fixtures.oidc",
    "tests.fixtures.scorm",
    "tests.fixtures.lrs",
    "tests.fixtures.smtp",
    "tests.security.figures",  # hooks that print the security figures
]
