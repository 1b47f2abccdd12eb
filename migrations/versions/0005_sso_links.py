"""single sign-on: links to the organisation's OpenID provider, and its settings

Revision ID: 0005_sso_links
Revises: 0004_outbox
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.database

revision = "0005_sso_links"
down_revision = "0004_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sso_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("linked_at", course.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", course.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sso_links_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_links")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_sso_links_issuer")),
        sa.UniqueConstraint("user_id", name=op.f("uq_sso_links_user_id")),
    )
    op.create_table(
        "sso_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("linked_password_sign_in", sa.Boolean(), nullable=False),
        sa.Column("default_unit_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", course.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["default_unit_id"],
            ["org_units.id"],
            name=op.f("fk_sso_settings_default_unit_id_org_units"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_settings")),
    )


def downgrade() -> None:
    op.drop_table("sso_settings")
    op.drop_table("sso_links")
