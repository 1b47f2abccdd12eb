"""Reading typed fields out of a YAML mapping, collecting every problem with its file and line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from course.content.yamlfile import ContentError, Mapping, load_yaml

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class Problems(list[ContentError]):
    def add(self, path: Path | str, line: int, message: str) -> None:
        self.append(ContentError(path, line, message))


class Fields:
    """Typed access to one mapping. A bad value is reported and a harmless stand-in returned."""

    def __init__(self, path: Path, mapping: Mapping, problems: Problems, what: str) -> None:
        self.path, self.mapping, self.problems, self.what = path, mapping, problems, what

    def report(self, key: str | None, message: str) -> None:
        line = self.mapping.line_of(key) if key else self.mapping.line
        self.problems.add(self.path, line, message)

    def keys(self, required: set[str], optional: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        for key in self.mapping:
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                self.report(str(key), f"unknown key '{key}' in {self.what} (allowed: {allowed})")
        for key in sorted(required - set(self.mapping)):
            self.report(None, f"{self.what} is missing the key '{key}'")

    def text(self, key: str, default: str = "") -> str:
        value = self.mapping.get(key, default)
        if key in self.mapping and (not isinstance(value, str) or not value.strip()):
            self.report(key, f"'{key}' must be some text")
            return default
        return value.strip() if isinstance(value, str) else default

    def ident(self, key: str) -> str:
        value = self.mapping.get(key)
        if value is None:
            return ""
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.report(key, f"'{key}' must be lower-case letters, digits and hyphens, like 'warning-signs'")
            return ""
        return value

    def integer(self, key: str, low: int, high: int, default: int) -> int:
        value = self.mapping.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.report(key, f"'{key}' must be a whole number from {low} to {high}")
            return default
        return value

    def boolean(self, key: str) -> bool:
        value = self.mapping.get(key, False)
        if not isinstance(value, bool):
            self.report(key, f"'{key}' must be true or false")
            return False
        return value

    def day(self, key: str) -> date:
        value = self.mapping.get(key)
        if not isinstance(value, date):
            if key in self.mapping:
                self.report(key, f"'{key}' must be a date written as YYYY-MM-DD")
            return date(1970, 1, 1)
        return value

    def choices(self, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        """A list of values from `allowed`; missing means all of them."""
        value = self.mapping.get(key)
        if value is None:
            return allowed
        if not isinstance(value, list) or not value:
            self.report(key, f"'{key}' must be a list such as [{', '.join(allowed)}]")
            return allowed
        unknown = [v for v in value if v not in allowed]
        if unknown:
            self.report(
                key,
                f"unknown {key[:-1] if key.endswith('s') else key} '{unknown[0]}' (use {', '.join(allowed)})",
            )
            return tuple(v for v in value if v in allowed) or allowed
        return tuple(v for v in allowed if v in value)

    def items(self, key: str) -> list[Mapping]:
        """A list of mappings (objectives, sources, options...)."""
        value: Any = self.mapping.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.report(key, f"'{key}' must be a list of entries, each with its own keys")
            return []
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.mapping.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.report(key, f"'{key}' must be a list of lines of text")
            return ()
        return tuple(v.strip() for v in value)

    def child(self, mapping: Mapping, what: str) -> Fields:
        return Fields(self.path, mapping, self.problems, what)


def unique(problems: Problems, path: Path, entries: list[tuple[str, int]], what: str) -> None:
    """Report every id that was already used, at the line of its second use."""
    seen: set[str] = set()
    for ident, line in entries:
        if ident and ident in seen:
            problems.add(path, line, f"duplicate {what} id '{ident}'")
        seen.add(ident)


def read_mapping(path: Path, problems: Problems, what: str) -> Mapping | None:
    """A YAML file of 'key: value' lines, or None with the problem reported (at its line)."""
    try:
        data = load_yaml(path, path.read_text(encoding="utf-8"))
    except ContentError as error:
        problems.append(error)
        return None
    except UnicodeDecodeError:
        problems.add(path, 1, "the file is not UTF-8 text; save it as UTF-8")
        return None
    if not isinstance(data, Mapping):
        problems.add(path, 1, f"{what} must be a set of 'key: value' lines")
        return None
    return data
