"""Figures the security tests measure as they run; printed in a "security figures" section at the end.

With several test processes (pytest-xdist), each worker hands its figures to the controller, which adds
up the counts.
"""

from typing import Any

import pytest

FIGURES: dict[str, Any] = {}


def count(name: str, n: int = 1) -> None:
    FIGURES[name] = FIGURES.get(name, 0) + n


def note(name: str, value: Any) -> None:
    FIGURES[name] = value


def merge(found: dict[str, Any]) -> None:
    """Add a worker's figures: counts are summed, notes kept."""
    for name, value in found.items():
        if isinstance(value, int) and isinstance(FIGURES.get(name, 0), int):
            count(name, value)
        else:
            note(name, value)


# Hooks (this module is a plugin, named in tests/conftest.py, so the xdist controller loads it too).
def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller prints the figures
        workeroutput["security_figures"] = dict(FIGURES)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: only there with several processes
def pytest_testnodedown(node: Any, error: Any) -> None:
    merge(getattr(node, "workeroutput", {}).get("security_figures", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("security figures")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")
