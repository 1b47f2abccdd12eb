"""What learners did: section views, the content note, scenario practice. Services own the commit."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from course.database import utcnow
from course.extensions import db
from course.models import ScenarioChoice, SectionView, User

# The learner's pages run these on every request: they are built once, since building a statement
# costs more than running it on a learner's few indexed rows.
_VIEWED = select(SectionView.module_id, SectionView.section_id).where(
    SectionView.user_id == bindparam("user_id")
)
_SEEN_AGAIN = (
    update(SectionView)
    .where(
        SectionView.user_id == bindparam("b_user"),
        SectionView.module_id == bindparam("b_module"),
        SectionView.section_id == bindparam("b_section"),
    )
    .values(last_viewed_at=bindparam("b_now"))
)
_LAST_VIEWED = select(SectionView.section_id, SectionView.last_viewed_at).where(
    SectionView.user_id == bindparam("user_id"), SectionView.module_id == bindparam("module_id")
)
_CHOICES = select(ScenarioChoice.scenario_id, ScenarioChoice.response_id).where(
    ScenarioChoice.user_id == bindparam("user_id"), ScenarioChoice.module_id == bindparam("module_id")
)


def viewed_sections(user: User) -> dict[str, set[str]]:
    """Every section the user has opened, by module id, in one query."""
    rows = db.session.connection().execute(_VIEWED, {"user_id": user.id})
    viewed: dict[str, set[str]] = defaultdict(set)
    for module_id, section_id in rows:
        viewed[module_id].add(section_id)
    return viewed


def record_view(user: User, module_id: str, section_id: str) -> bool:
    """Remember when a section was opened, first and last; True when this was the first time."""
    now = utcnow()
    again = db.session.connection().execute(
        _SEEN_AGAIN, {"b_user": user.id, "b_module": module_id, "b_section": section_id, "b_now": now}
    )
    if again.rowcount:
        db.session.commit()
        return False
    db.session.add(
        SectionView(
            user_id=user.id, module_id=module_id, section_id=section_id, viewed_at=now, last_viewed_at=now
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # the same page opened twice at once: the other request recorded it
        db.session.rollback()
        return False
    return True


def last_viewed(user: User, module_id: str) -> dict[str, datetime | None]:
    """When the user last opened each section of a module they have opened."""
    rows = db.session.connection().execute(_LAST_VIEWED, {"user_id": user.id, "module_id": module_id})
    return {section_id: at for section_id, at in rows}


def acknowledge_content_note(user: User) -> None:
    if user.content_note_ack_at is None:
        user.content_note_ack_at = utcnow()
        db.session.commit()


def scenario_choices(user: User, module_id: str) -> dict[str, str]:
    rows = db.session.connection().execute(_CHOICES, {"user_id": user.id, "module_id": module_id})
    return {scenario_id: response_id for scenario_id, response_id in rows}


def choose_response(user: User, module_id: str, scenario_id: str, response_id: str) -> None:
    """Keep the learner's latest practice choice (practice is for learning, never graded)."""
    choice = db.session.scalar(
        select(ScenarioChoice).where(
            ScenarioChoice.user_id == user.id,
            ScenarioChoice.module_id == module_id,
            ScenarioChoice.scenario_id == scenario_id,
        )
    )
    if choice is None:
        db.session.add(
            ScenarioChoice(
                user_id=user.id, module_id=module_id, scenario_id=scenario_id, response_id=response_id
            )
        )
    else:
        choice.response_id = response_id
    try:
        db.session.commit()
    except IntegrityError:  # a double click: the first request saved the choice
        db.session.rollback()
