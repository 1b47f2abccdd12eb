"""practice conversations and follow-up checks

Conversation runs and their steps (every choice made, undone or not), and the follow-up check some
months after a completion: its drawn items, the reported actions, and free-text notes kept with no
link to a person.

Revision ID: 0003_conversations
Revises: 0002
Create Date: 2026-12-01 16:52:52.574978
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.database


revision = "0003_conversations"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_notes")),
    )
    op.create_table(
        "conversation_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=80), nullable=False),
        sa.Column("conversation_id", sa.String(length=80), nullable=False),
        sa.Column("started_at", course.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", course.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", course.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ending_id", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conversation_runs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_runs")),
    )
    with op.batch_alter_table("conversation_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_runs_user_conversation", ["user_id", "conversation_id"], unique=False
        )

    op.create_table(
        "conversation_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.String(length=80), nullable=False),
        sa.Column("choice_id", sa.String(length=80), nullable=False),
        sa.Column("chosen_at", course.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", course.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["conversation_runs.id"],
            name=op.f("fk_conversation_steps_run_id_conversation_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_steps")),
    )
    with op.batch_alter_table("conversation_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_steps_run_id"), ["run_id"], unique=False)

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("completion_id", sa.Integer(), nullable=False),
        sa.Column("created_at", course.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("invited_at", course.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("mail_failures", sa.Integer(), nullable=False),
        sa.Column("last_mail_error", sa.String(length=500), nullable=False),
        sa.Column("submitted_at", course.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("correct_count", sa.Integer(), nullable=True),
        sa.Column("used", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["completion_id"],
            ["course_completions.id"],
            name=op.f("fk_follow_ups_completion_id_course_completions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_follow_ups_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("completion_id", name=op.f("uq_follow_ups_completion_id")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_user_id"), ["user_id"], unique=False)

    op.create_table(
        "follow_up_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_ups.id"],
            name=op.f("fk_follow_up_actions_follow_up_id_follow_ups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_actions")),
        sa.UniqueConstraint("follow_up_id", "action", name=op.f("uq_follow_up_actions_follow_up_id")),
    )
    op.create_table(
        "follow_up_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=80), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("selected", sa.JSON(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("completion_score", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_ups.id"],
            name=op.f("fk_follow_up_items_follow_up_id_follow_ups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_items")),
        sa.UniqueConstraint("follow_up_id", "question_id", name=op.f("uq_follow_up_items_follow_up_id")),
    )


def downgrade() -> None:
    op.drop_table("follow_up_items")
    op.drop_table("follow_up_actions")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_user_id"))

    op.drop_table("follow_ups")
    with op.batch_alter_table("conversation_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_steps_run_id"))

    op.drop_table("conversation_steps")
    with op.batch_alter_table("conversation_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_runs_user_conversation")

    op.drop_table("conversation_runs")
    op.drop_table("follow_up_notes")
