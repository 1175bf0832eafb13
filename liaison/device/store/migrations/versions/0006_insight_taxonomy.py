"""The insight taxonomy as a synced record, and insights linked as the same signal as an earlier one

Revision ID: 0006
Revises: 0003
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
    op.create_table(
        "insight_taxonomy",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("updated_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.Column("clocks", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("insight_taxonomy") as batch:
        batch.create_index(batch.f("ix_insight_taxonomy_deleted"), ["deleted"], unique=False)
        batch.create_index(batch.f("ix_insight_taxonomy_version"), ["version"], unique=False)
    with op.batch_alter_table("insight") as batch:
        batch.add_column(sa.Column("duplicate_of", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("insight") as batch:
        batch.drop_column("duplicate_of")
    op.drop_table("insight_taxonomy")
