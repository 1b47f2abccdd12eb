"""facts the database protects, and a learner summary right after any change

Completion records, withdrawals, quiz answers and audit events are facts: once written they are never
updated or deleted, whoever connects to the database (the app, a script, a hand-made fix). A trigger
refuses the change with a message saying what to do instead. Deleting a row that cascades to them (a
person with a record, a quiz attempt with answers) is refused as well.

The learner summary on users (migration 0002) followed inserts only. Its triggers now follow every
change the database still allows: section views and quiz attempts inserted, updated or deleted, records
and withdrawals added, and the summary columns written by hand (they are put back to what the facts
say). After any statement, each learner's summary equals a recomputation from the facts.

SQLite drops a table's triggers with the table: a later migration that rebuilds one of these tables
(batch_alter_table) must create its triggers again. tests/functional/test_protected_facts.py checks
them at the head revision.

Revision ID: 0010_protected_facts
Revises: 0009_invitations
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0010_protected_facts"
down_revision = "0009_invitations"
branch_labels = None
depends_on = None

# table: the message an UPDATE or DELETE of one of its rows fails with
PROTECTED = {
    "course_completions": (
        "course_completions: completion records are never changed or deleted; add a withdrawal instead"
    ),
    "revocations": "revocations: withdrawals are never changed or deleted; record a new completion instead",
    "attempt_answers": "attempt_answers: quiz answers are never changed or deleted; they are what was answered",
    "audit_events": "audit_events: audit events are never changed or deleted; record a new event instead",
}
# The one change ever allowed to a fact: the retention purge blanks the IP address of an old audit event
# (`flask --app course purge-audit-addresses`); who, what and when stay as they were.
AUDIT_COLUMNS = ("id", "at", "actor_id", "action", "subject")


def allowed_update(table: str) -> str | None:
    """The condition under which an UPDATE of the table is let through, or None: never."""
    if table != "audit_events":
        return None
    if is_postgresql():
        same = ", ".join(f"{{0}}.{c}" for c in AUDIT_COLUMNS) + ", {0}.details::text"
        return (
            f"OLD.ip <> '' AND NEW.ip = '' AND ({same.format('NEW')}) IS NOT DISTINCT FROM ({same.format('OLD')})"
        )
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in (*AUDIT_COLUMNS, "details"))
    return f"OLD.ip <> '' AND NEW.ip = '' AND {same}"


def first_step(user: str) -> str:
    """The learner's first section view or submitted quiz, from the facts."""
    return f"""(SELECT min(at) FROM (
        SELECT min(viewed_at) AS at FROM section_views WHERE user_id = {user}
        UNION ALL
        SELECT min(submitted_at) FROM quiz_attempts WHERE user_id = {user}
    ) AS first_steps)"""


def latest_record(column: str, user: str) -> str:
    """A column of the learner's latest completion record, or NULL when it was withdrawn."""
    return f"""(SELECT c.{column} FROM course_completions c
        WHERE c.user_id = {user}
          AND c.cycle = (SELECT max(cycle) FROM course_completions WHERE user_id = {user})
          AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.completion_id = c.id))"""


def earlier_start(at: str, user: str) -> str:
    return (
        f"UPDATE users SET started_at = {at} WHERE id = {user} AND (started_at IS NULL OR started_at > {at})"
    )


def recount_start(users: str) -> str:
    return f"UPDATE users SET started_at = {first_step('users.id')} WHERE id IN ({users})"


SUMMARY_FROM_FACTS = (
    "UPDATE users SET (started_at, record_completed_at, record_expires_on) = ("
    f"{first_step('users.id')}, {latest_record('completed_at', 'users.id')},"
    f" {latest_record('expires_on', 'users.id')}) WHERE id = NEW.id"
)

# Triggers of 0002 that this migration replaces, as 0002 made them (restored by the downgrade).
STARTED_0002 = "UPDATE users SET started_at = {at} WHERE id = {user} AND started_at IS NULL"
REPLACED = [
    (
        "section_view_starts",
        "INSERT",
        "section_views",
        None,
        [STARTED_0002.format(at="NEW.viewed_at", user="NEW.user_id")],
    ),
    (
        "submitted_quiz_starts",
        "INSERT",
        "quiz_attempts",
        "NEW.submitted_at IS NOT NULL",
        [STARTED_0002.format(at="NEW.submitted_at", user="NEW.user_id")],
    ),
    (
        "quiz_submission_starts",
        "UPDATE OF submitted_at",
        "quiz_attempts",
        "NEW.submitted_at IS NOT NULL",
        [STARTED_0002.format(at="NEW.submitted_at", user="NEW.user_id")],
    ),
]

# name, event, table, condition, statements. A first step only ever moves the start earlier; a change
# or removal of one may move it later, so the start is counted again from the facts.
SUMMARY = [
    (
        "section_view_starts",
        "INSERT",
        "section_views",
        None,
        [earlier_start("NEW.viewed_at", "NEW.user_id")],
    ),
    (
        "section_view_changed",
        "UPDATE OF user_id, viewed_at",
        "section_views",
        None,
        [recount_start("OLD.user_id, NEW.user_id")],
    ),
    ("section_view_removed", "DELETE", "section_views", None, [recount_start("OLD.user_id")]),
    (
        "submitted_quiz_starts",
        "INSERT",
        "quiz_attempts",
        "NEW.submitted_at IS NOT NULL",
        [earlier_start("NEW.submitted_at", "NEW.user_id")],
    ),
    (
        "quiz_submission_starts",  # the app's submission: an open attempt of the same learner
        "UPDATE OF submitted_at, user_id",
        "quiz_attempts",
        "OLD.submitted_at IS NULL AND NEW.submitted_at IS NOT NULL AND NEW.user_id = OLD.user_id",
        [earlier_start("NEW.submitted_at", "NEW.user_id")],
    ),
    (
        "quiz_attempt_changed",
        "UPDATE OF submitted_at, user_id",
        "quiz_attempts",
        "OLD.submitted_at IS NOT NULL OR NEW.user_id <> OLD.user_id",
        [recount_start("OLD.user_id, NEW.user_id")],
    ),
    (
        "quiz_attempt_removed",
        "DELETE",
        "quiz_attempts",
        "OLD.submitted_at IS NOT NULL",
        [recount_start("OLD.user_id")],
    ),
]

SUMMARY_COLUMNS = ("started_at", "record_completed_at", "record_expires_on")


def is_postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def create_trigger(name: str, event: str, table: str, condition: str | None, statements: list[str]) -> None:
    when = f"WHEN ({condition})" if condition else ""
    body = "; ".join(statements)
    if is_postgresql():
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when} EXECUTE FUNCTION {name}()"
        )
    else:
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when} BEGIN {body}; END")


def drop_trigger(name: str, table: str) -> None:
    if is_postgresql():
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(f"DROP FUNCTION {name}()")
    else:
        op.execute(f"DROP TRIGGER {name}")


def protect(table: str, message: str) -> None:
    quoted = message.replace("'", "''")
    allowed = allowed_update(table)
    for event in ("UPDATE", "DELETE"):
        when = f" WHEN (NOT ({allowed}))" if event == "UPDATE" and allowed else ""
        if is_postgresql():
            op.execute(
                f"CREATE TRIGGER {table}_never_{event.lower()}d BEFORE {event} ON {table}"
                f" FOR EACH ROW{when} EXECUTE FUNCTION protected_fact('{quoted}')"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_never_{event.lower()}d BEFORE {event} ON {table}{when}"
                f" BEGIN SELECT RAISE(ABORT, '{quoted}'); END"
            )


def unprotect(table: str) -> None:
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER {table}_never_{event}d" + (f" ON {table}" if is_postgresql() else ""))


def keep_summary_columns() -> None:
    """Summary columns written by hand are put back to what the facts say."""
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in SUMMARY_COLUMNS)
    given = " OR ".join(f"NEW.{c} IS NOT NULL" for c in SUMMARY_COLUMNS)
    if is_postgresql():
        # BEFORE: the row is written once, with the values from the facts.
        op.execute(
            "CREATE FUNCTION summary_from_facts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"NEW.started_at := {first_step('NEW.id')}; "
            f"NEW.record_completed_at := {latest_record('completed_at', 'NEW.id')}; "
            f"NEW.record_expires_on := {latest_record('expires_on', 'NEW.id')}; "
            "RETURN NEW; END $$"
        )
        for event, condition in (("INSERT", given), ("UPDATE OF " + ", ".join(SUMMARY_COLUMNS), changed)):
            name = f"summary_kept_on_{event.split()[0].lower()}"
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON users FOR EACH ROW WHEN ({condition})"
                " EXECUTE FUNCTION summary_from_facts()"
            )
    else:
        # SQLite cannot change NEW: the row is written again. The trigger does not fire itself again.
        changed = changed.replace("IS DISTINCT FROM", "IS NOT")
        for event, condition in (("INSERT", given), ("UPDATE OF " + ", ".join(SUMMARY_COLUMNS), changed)):
            name = f"summary_kept_on_{event.split()[0].lower()}"
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON users FOR EACH ROW WHEN ({condition})"
                f" BEGIN {SUMMARY_FROM_FACTS}; END"
            )


def upgrade() -> None:
    if is_postgresql():
        op.execute(
            "CREATE FUNCTION protected_fact() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation', TABLE = TG_TABLE_NAME; "
            "END $$"
        )
    for table, message in PROTECTED.items():
        protect(table, message)
    for name, _, table, _, _ in REPLACED:
        drop_trigger(name, table)
    for trigger in SUMMARY:
        create_trigger(*trigger)
    keep_summary_columns()


def downgrade() -> None:
    for event in ("insert", "update"):
        if is_postgresql():
            op.execute(f"DROP TRIGGER summary_kept_on_{event} ON users")
        else:
            op.execute(f"DROP TRIGGER summary_kept_on_{event}")
    if is_postgresql():
        op.execute("DROP FUNCTION summary_from_facts()")
    for name, _, table, _, _ in SUMMARY:
        drop_trigger(name, table)
    for trigger in REPLACED:
        create_trigger(*trigger)
    for table in PROTECTED:
        unprotect(table)
    if is_postgresql():
        op.execute("DROP FUNCTION protected_fact()")
