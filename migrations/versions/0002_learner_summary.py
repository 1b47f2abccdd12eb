"""learner summary on users, kept by triggers

Reports read one row per learner instead of searching every learner's section views, attempts and
records. Triggers keep the summary whoever writes the facts (the app, a bulk import, a hand-made fix):
`started_at` is the first section view or submitted quiz; `record_completed_at` and `record_expires_on`
are those of the learner's latest completion record, or empty when it was withdrawn.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.database

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SET_STARTED = "UPDATE users SET started_at = {at} WHERE id = {user} AND started_at IS NULL"

SET_RECORD = """UPDATE users SET (record_completed_at, record_expires_on) = (
    SELECT c.completed_at, c.expires_on FROM course_completions c
    WHERE c.user_id = users.id
      AND c.cycle = (SELECT max(cycle) FROM course_completions WHERE user_id = users.id)
      AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.completion_id = c.id))
WHERE {where}"""

USER_OF_REVOCATION = "(SELECT user_id FROM course_completions WHERE id = {row}.completion_id)"

# name, event, table, condition, statement
TRIGGERS = [
    (
        "section_view_starts",
        "INSERT",
        "section_views",
        None,
        SET_STARTED.format(at="NEW.viewed_at", user="NEW.user_id"),
    ),
    (
        "submitted_quiz_starts",
        "INSERT",
        "quiz_attempts",
        "NEW.submitted_at IS NOT NULL",
        SET_STARTED.format(at="NEW.submitted_at", user="NEW.user_id"),
    ),
    (
        "quiz_submission_starts",
        "UPDATE OF submitted_at",
        "quiz_attempts",
        "NEW.submitted_at IS NOT NULL",
        SET_STARTED.format(at="NEW.submitted_at", user="NEW.user_id"),
    ),
    ("record_added", "INSERT", "course_completions", None, SET_RECORD.format(where="id = NEW.user_id")),
    ("record_removed", "DELETE", "course_completions", None, SET_RECORD.format(where="id = OLD.user_id")),
    (
        "record_withdrawn",
        "INSERT",
        "revocations",
        None,
        SET_RECORD.format(where="id = " + USER_OF_REVOCATION.format(row="NEW")),
    ),
    (
        "withdrawal_removed",
        "DELETE",
        "revocations",
        None,
        SET_RECORD.format(where="id = " + USER_OF_REVOCATION.format(row="OLD")),
    ),
]


def create_trigger(name: str, event: str, table: str, condition: str | None, statement: str) -> None:
    when = f"WHEN ({condition})" if condition else ""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {statement}; RETURN NULL; END $$"
        )
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when} EXECUTE FUNCTION {name}()")
    else:
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when} BEGIN {statement}; END")


def drop_trigger(name: str, table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(f"DROP FUNCTION {name}()")
    else:
        op.execute(f"DROP TRIGGER {name}")


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_at", course.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("record_completed_at", course.database.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("record_expires_on", sa.Date(), nullable=True))
    op.execute(
        SET_STARTED.format(
            user="users.id",
            at="""(SELECT min(at) FROM (
                SELECT min(viewed_at) AS at FROM section_views WHERE user_id = users.id
                UNION ALL
                SELECT min(submitted_at) FROM quiz_attempts WHERE user_id = users.id
            ) AS first_steps)""",
        )
    )
    op.execute(SET_RECORD.format(where="id IN (SELECT user_id FROM course_completions)"))
    for trigger in TRIGGERS:
        create_trigger(*trigger)


def downgrade() -> None:
    for name, _, table, _, _ in TRIGGERS:
        drop_trigger(name, table)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("record_expires_on")
        batch_op.drop_column("record_completed_at")
        batch_op.drop_column("started_at")
