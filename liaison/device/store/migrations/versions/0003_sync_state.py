"""Sync state and conflicts: where the device stands with the server, and losing writes kept for review

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import liaison.core.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("user_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("user_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("territory", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("cursor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("last_success_at", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "conflict",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("kept_value", sa.JSON(), nullable=False),
        sa.Column("kept_stamp", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("lost_value", sa.JSON(), nullable=False),
        sa.Column("lost_stamp", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("detected_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("resolved_at", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conflict") as batch:
        batch.create_index("ix_conflict_open", ["resolved_at", "table_name", "record_id"], unique=False)


def downgrade() -> None:
    op.drop_table("conflict")
    op.drop_table("sync_state")
