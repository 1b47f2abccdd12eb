"""The content tests' figures, printed after the run whether or not output is captured."""

from __future__ import annotations

import pytest

FIGURE_TABLES = pytest.StashKey[dict[str, str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[FIGURE_TABLES] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for title, text in config.stash.get(FIGURE_TABLES, {}).items():
        terminalreporter.section(title)
        terminalreporter.write_line(text)


@pytest.fixture(scope="session")
def figure_tables(pytestconfig: pytest.Config) -> dict[str, str]:
    """Tables put here are printed in the terminal summary."""
    return pytestconfig.stash[FIGURE_TABLES]
