"""Pure rules about people: whose records a viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from course.models import Role, User


@dataclass(frozen=True)
class Scope:
    """Whose records a viewer may see: everyone (unit_path None) or one unit and its sub-units."""

    unit_path: str | None

    @classmethod
    def for_viewer(cls, viewer: User) -> Scope:
        if viewer.role == Role.ADMIN:
            return cls(None)
        # A manager without a unit sees nobody rather than everybody.
        return cls(viewer.unit.path if viewer.unit else "/none/")

    def covers(self, unit_path: str | None) -> bool:
        return self.unit_path is None or (unit_path or "").startswith(self.unit_path)


EVERYONE = Scope(None)
