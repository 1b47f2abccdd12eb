"""SCORM packages for customers' LMSs, and the accounts their registrations map to

xAPI statements need no table of their own: they wait in the outbox.

Revision ID: 0012_scorm_xapi
Revises: 0011_lti
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.database

revision = "0012_scorm_xapi"
down_revision = "0011_lti"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scorm_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=8), nullable=False),
        sa.Column("module_id", sa.String(length=80), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("origins", sa.JSON(), nullable=False),
        sa.Column("created_at", course.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", course.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_scorm_packages_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"], name=op.f("fk_scorm_packages_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorm_packages")),
        sa.UniqueConstraint("key", name=op.f("uq_scorm_packages_key")),
    )
    op.create_table(
        "scorm_learners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("first_launch_at", course.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_launch_at", course.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["scorm_packages.id"],
            name=op.f("fk_scorm_learners_package_id_scorm_packages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_scorm_learners_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorm_learners")),
        sa.UniqueConstraint("package_id", "learner_id", name=op.f("uq_scorm_learners_package_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_scorm_learners_user_id")),
    )


def downgrade() -> None:
    op.drop_table("scorm_learners")
    op.drop_table("scorm_packages")
