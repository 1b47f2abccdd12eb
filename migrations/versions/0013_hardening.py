"""hardening: failed sign-ins counted per account and address; the privacy notice

Revision ID: 0013_hardening
Revises: 0012_scorm_xapi
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.database

revision = "0013_hardening"
down_revision = "0012_scorm_xapi"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", course.database.UTCDateTime(), nullable=False),
        sa.Column("wait_until", course.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sign_in_failures_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
        sa.UniqueConstraint("user_id", "address", name=op.f("uq_sign_in_failures_user_id")),
    )


    with op.batch_alter_table("org_settings") as batch:
        batch.add_column(sa.Column("privacy_notice", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("org_settings") as batch:
        batch.drop_column("privacy_notice")
    op.drop_table("sign_in_failures")
