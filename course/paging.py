"""One page of a long list: the rows, the total and the links to neighbouring pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from course.extensions import db
from course.security import bounded_int


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int
    size: int
    args: dict[str, str] = field(default_factory=dict)  # the request's other arguments, kept in page links

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)


def paginate(query: Select[*tuple[Any, ...]], size: int, *, scalars: bool = False) -> Page:
    """The page named by the request's `page` argument (1 when missing or nonsense), in two statements."""
    number = max(request.args.get("page", 1, type=bounded_int) or 1, 1)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    window = query.limit(size).offset((number - 1) * size)
    rows: Iterable[Any] = db.session.scalars(window) if scalars else db.session.execute(window)
    items = list(rows)
    args = {key: value for key, value in request.args.items() if key != "page"}
    return Page(items, total, number, size, args)
