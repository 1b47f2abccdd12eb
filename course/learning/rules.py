"""Pure rules of the learner's pages."""

from __future__ import annotations

from course.content.schema import Section


def neighbours(sections: tuple[Section, ...], section_id: str) -> tuple[Section | None, Section | None]:
    """The sections before and after `section_id` in the learner's pathway."""
    ids = [s.id for s in sections]
    index = ids.index(section_id)
    return (
        sections[index - 1] if index else None,
        sections[index + 1] if index + 1 < len(sections) else None,
    )
