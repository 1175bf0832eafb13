"""Follow-ups as tasks: the `follow_up` table, one row per thing an MSL promised an HCP

Revision ID: 0012
Revises: 0011

Filing an interaction from this version on writes one task per item of its
`follow_ups`, which stays on the interaction as filed. Interactions filed
before keep their follow-ups there only: nothing of them is rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import liaison.core.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("updated_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.Column("clocks", sa.JSON(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("done_at", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.Column("done_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("hcp_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("interaction_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("inquiry_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("follow_up") as batch:
        batch.create_index(batch.f("ix_follow_up_deleted"), ["deleted"], unique=False)
        batch.create_index(batch.f("ix_follow_up_due"), ["due"], unique=False)
        batch.create_index(batch.f("ix_follow_up_hcp_id"), ["hcp_id"], unique=False)
        batch.create_index(batch.f("ix_follow_up_interaction_id"), ["interaction_id"], unique=False)
        batch.create_index("ix_follow_up_status_due", ["deleted", "status", "due"], unique=False)


def downgrade() -> None:
    op.drop_table("follow_up")
