"""retake rule: revisit a module's sections after failed quiz attempts

`org_settings.retake_review_after`: after this many failed attempts in a row at a module's quiz, the
learner opens each of the module's sections again before the next attempt (0 = never asked).
`section_views.last_viewed_at`: the latest time a learner opened the section, which shows whether they
went back to it after a failed attempt; empty for views recorded before this migration.

Revision ID: 0006_quiz_regions
Revises: 0005_sso_links
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.database

revision = "0006_quiz_regions"
down_revision = "0005_sso_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE (no table copy on SQLite), so the triggers on section_views stay in place.
    op.add_column(
        "org_settings",
        sa.Column("retake_review_after", sa.Integer(), nullable=False, server_default="2"),
    )
    op.add_column(
        "section_views",
        sa.Column("last_viewed_at", course.database.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("section_views", "last_viewed_at")
    op.drop_column("org_settings", "retake_review_after")
