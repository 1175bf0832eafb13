"""Refused changes stay in the outbox, out of the queue, for the MSL to correct and resend or discard

Revision ID: 0010
Revises: 0009

The server answers each pushed change on its own; a refused one is marked here
with the server's reason, and it and every later change to the same record
wait (held back from the queue) until the MSL acts. The partial index holds
only refused entries, so the queue's query stays on `ix_outbox_priority_seq`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from liaison.core.types import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("refused_at", UtcDateTime(), nullable=True))
    op.add_column("outbox", sa.Column("refusal_code", sa.String(length=32), nullable=True))
    op.add_column("outbox", sa.Column("refusal_field", sa.String(length=80), nullable=True))
    op.add_column("outbox", sa.Column("refusal_message", sa.Text(), nullable=True))
    op.execute("CREATE INDEX ix_outbox_refused ON outbox (record_id) WHERE refused_at IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ix_outbox_refused", table_name="outbox")
    with op.batch_alter_table("outbox") as table:
        for name in ("refusal_message", "refusal_field", "refusal_code", "refused_at"):
            table.drop_column(name)
