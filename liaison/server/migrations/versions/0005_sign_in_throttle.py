"""Web sign-in throttle: failed attempts per e-mail address (as a SHA-256 digest) and a lock-out time

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import liaison.core.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sign_in_throttle",
        sa.Column("email_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("locked_until", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.PrimaryKeyConstraint("email_hash"),
    )


def downgrade() -> None:
    op.drop_table("web_sign_in_throttle")
