"""Web sign-in throttle per (client address, account) and per address: one row per key, each a SHA-256 digest

The old table counted failures per e-mail address alone, so anyone could lock a
manager out from anywhere. Its rows are only short-lived counters, so the table
is recreated empty rather than converted.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import liaison.core.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("web_sign_in_throttle")
    op.create_table(
        "web_sign_in_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("email_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("locked_until", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_web_sign_in_throttle_email_hash", "web_sign_in_throttle", ["email_hash"])


def downgrade() -> None:
    op.drop_index("ix_web_sign_in_throttle_email_hash", table_name="web_sign_in_throttle")
    op.drop_table("web_sign_in_throttle")
    op.create_table(
        "web_sign_in_throttle",
        sa.Column("email_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("locked_until", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.PrimaryKeyConstraint("email_hash"),
    )
