"""certificate design: the training lead who signs, and the organisation's logo

Revision ID: 0007_certificate_design
Revises: 0006_quiz_regions
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.database

revision = "0007_certificate_design"
down_revision = "0006_quiz_regions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("org_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signatory_name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("signatory_role", sa.String(length=200), nullable=False, server_default=""))
    with op.batch_alter_table("org_settings", schema=None) as batch_op:
        batch_op.alter_column("signatory_name", server_default=None)
        batch_op.alter_column("signatory_role", server_default=None)
    op.create_table(
        "org_logo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", course.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_logo")),
    )


def downgrade() -> None:
    op.drop_table("org_logo")
    with op.batch_alter_table("org_settings", schema=None) as batch_op:
        batch_op.drop_column("signatory_role")
        batch_op.drop_column("signatory_name")
