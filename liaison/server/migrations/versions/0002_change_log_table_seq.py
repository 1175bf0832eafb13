"""Index the change log by table and sequence, so pulling the content library reads an index range.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_change_log_table_seq", "change_log", ["table_name", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_change_log_table_seq", table_name="change_log")
