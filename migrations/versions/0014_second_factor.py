"""second factor: a person's authenticator app (TOTP), their single-use recovery codes, and the
organisation's choice to ask everyone who signs in with a password for one

New tables and one added column: no table is rebuilt, so the triggers on users and on the protected
tables stay as they are.

Revision ID: 0014_second_factor
Revises: 0013_hardening
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.database

revision = "0014_second_factor"
down_revision = "0013_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "second_factors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", course.database.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", course.database.UTCDateTime(), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.Column("last_used_at", course.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_second_factors_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factors")),
        sa.UniqueConstraint("user_id", name=op.f("uq_second_factors_user_id")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=100), nullable=False),
        sa.Column("created_at", course.database.UTCDateTime(), nullable=False),
        sa.Column("used_at", course.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])
    # A plain ADD COLUMN (no table rebuild) on both SQLite and PostgreSQL.
    op.add_column(
        "org_settings",
        sa.Column("second_factor_everyone", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("org_settings") as batch:
        batch.drop_column("second_factor_everyone")
    op.drop_index(op.f("ix_recovery_codes_user_id"), table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("second_factors")
