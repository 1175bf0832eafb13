"""Drafts: a form's unsaved input, kept in the encrypted store so closing the window loses nothing

Revision ID: 0014
Revises: 0013

A device-only table, never synced: a store upgraded to it simply has no drafts yet.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import liaison.core.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("saved_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("draft")
