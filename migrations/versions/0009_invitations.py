"""reminder stages (the days before a due date or an expiry on which a reminder is sent), and the day
each reminder was for

Revision ID: 0009_invitations
Revises: 0008_staff_numbers
Create Date: 2026-12-01 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_invitations"
down_revision = "0008_staff_numbers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("org_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_stages", sa.String(length=40), nullable=False, server_default="30,7,0")
        )
    with op.batch_alter_table("reminder_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_on", sa.Date(), nullable=True))
    day = "date(sent_at)" if op.get_bind().dialect.name == "sqlite" else "CAST(sent_at AS DATE)"
    op.execute(f"UPDATE reminder_logs SET sent_on = {day}")
    with op.batch_alter_table("reminder_logs", schema=None) as batch_op:
        batch_op.alter_column("sent_on", existing_type=sa.Date(), nullable=False)
        batch_op.create_index("ix_reminder_logs_sent_on", ["sent_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_logs_sent_on")
        batch_op.drop_column("sent_on")
    with op.batch_alter_table("org_settings", schema=None) as batch_op:
        batch_op.drop_column("reminder_stages")
