"""staff numbers, start dates, due dates relative to starting, retired units, uploads kept for confirming

Revision ID: 0008_staff_numbers
Revises: 0007_certificate_design
Create Date: 2026-12-01 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.database

revision = "0008_staff_numbers"
down_revision = "0007_certificate_design"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_uploads",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", course.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_uploads", schema=None) as batch_op:
        batch_op.create_index("ix_import_uploads_user_id", ["user_id"], unique=False)
        batch_op.create_index("ix_import_uploads_created_at", ["created_at"], unique=False)
    # Plain ALTER TABLE on users: SQLite's batch mode would copy the table and lose its triggers (0002).
    op.add_column("users", sa.Column("staff_number", sa.String(length=40), nullable=True))
    op.add_column("users", sa.Column("started_on", sa.Date(), nullable=True))
    op.create_index("ix_users_staff_number", "users", ["staff_number"], unique=True)
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=True)
        batch_op.add_column(sa.Column("within_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("retired_at", course.database.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    op.drop_table("import_uploads")
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
    op.execute("DELETE FROM assignments WHERE due_on IS NULL")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("within_days")
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=False)
    op.drop_index("ix_users_staff_number", table_name="users")
    for column in ("started_on", "staff_number"):  # SQLite 3.35 and later drop a column in place
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")
