"""The medical plan as a synced record, and interactions and insights tagged with its items' codes

Revision ID: 0016
Revises: 0015

Tags start empty, so records stored before this version serve no plan item until
the MSL tags them. Plain `ADD COLUMN`s: the tables are not rebuilt. (0015 is
the planned visits' migration on its own branch; the chain is joined on merge.)
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import liaison.core.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "medical_plan",
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
    with op.batch_alter_table("medical_plan") as batch:
        batch.create_index(batch.f("ix_medical_plan_deleted"), ["deleted"], unique=False)
        batch.create_index(batch.f("ix_medical_plan_version"), ["version"], unique=False)
    for table in ("interaction", "insight"):
        op.add_column(table, sa.Column("plan_items", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    for table in ("insight", "interaction"):
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.drop_column("plan_items")
    op.drop_table("medical_plan")
