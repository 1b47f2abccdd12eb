"""What learners did: section views, the content note, scenario practice. Services own the commit."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from course.database import utcnow
from course.events import SECTION_FIRST_VIEWED, announce
from course.extensions import db
from course.models import ScenarioChoice, SectionView, User

# The learner's pages run these on every request: they are built once, since building a statement
# costs more than running it on a learner's few indexed rows.
_SEEN_AGAIN = (
    update(SectionView)
    .where(
        SectionView.user_id == bindparam("b_user"),
        SectionView.module_id == bindparam("b_module"),
        SectionView.section_id == bindparam("b_section"),
    )
    .values(last_viewed_at=bindparam("b_now"))
)
_CHOICES = select(ScenarioChoice.scenario_id, ScenarioChoice.response_id).where(
    ScenarioChoice.user_id == bindparam("user_id"), ScenarioChoice.module_id == bindparam("module_id")
)


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
    announce(SECTION_FIRST_VIEWED, user=user, module_id=module_id, section_id=section_id)
    try:
        db.session.commit()
    except IntegrityError:  # the same page opened twice at once: the other request recorded it
        db.session.rollback()
        return False
    return True


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
