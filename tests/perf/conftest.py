"""A synthetic organisation built by the benchmark's generator, and a counter of SQL statements."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from bench.generate import Organisation, add_learners, build_organisation
from course.extensions import db as database
from tests import factories
from tests.factories import password_hash


@pytest.fixture
def organisation(app) -> Organisation:
    with app.app_context():
        return build_organisation(units=20, today=factories.today(), password_hash=password_hash())


@pytest.fixture
def grow(app, organisation) -> Callable[[int], None]:
    """grow(n): add learners with full histories until there are n generated learners."""
    made = [0]

    def build(total: int) -> None:
        with app.app_context():
            today = factories.today()
            add_learners(organisation, total - made[0], today, password_hash(), first=made[0])
        made[0] = total

    return build


@contextmanager
def statements(app) -> Iterator[list[tuple[str, Any]]]:
    """Collects the SQL statements run inside the block, with their parameters (an executemany counts
    once)."""
    seen: list[tuple[str, Any]] = []

    def collect(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        seen.append((statement, parameters))

    engine = database.engine
    event.listen(engine, "before_cursor_execute", collect)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", collect)
