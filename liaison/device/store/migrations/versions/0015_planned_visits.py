"""Planned visits: the `planned_visit` table, interactions' further attendees and the visit they were logged from

Revision ID: 0015
Revises: 0014

An interaction gains `attendee_ids` (the further HCPs of a group meeting; the
lead stays `hcp_id`) and `planned_visit_id`. `interaction_attendee` is a
device-only lookup of who attended what, kept in step by triggers so every
write path (repository, pull, bulk insert, erasure) maintains it; interactions
stored before this version have no further attendees, so it starts empty.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import liaison.core.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_FILL = """INSERT OR IGNORE INTO interaction_attendee(hcp_id, interaction_id, occurred_at)
            SELECT json_each.value, new.id, new.occurred_at FROM json_each(new.attendee_ids)
            WHERE new.deleted = 0 AND json_each.type = 'text';"""
_EMPTY = "DELETE FROM interaction_attendee WHERE interaction_id = old.id;"


def upgrade() -> None:
    op.create_table(
        "planned_visit",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("updated_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.Column("clocks", sa.JSON(), nullable=False),
        sa.Column("hcp_ids", sa.JSON(), nullable=False),
        sa.Column("starts_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("plan_items", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("interaction_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("planned_visit") as batch:
        batch.create_index(batch.f("ix_planned_visit_deleted"), ["deleted"], unique=False)
        batch.create_index(batch.f("ix_planned_visit_starts_at"), ["starts_at"], unique=False)
        batch.create_index(batch.f("ix_planned_visit_interaction_id"), ["interaction_id"], unique=False)
        batch.create_index("ix_planned_visit_deleted_starts", ["deleted", "starts_at"], unique=False)
    op.add_column("interaction", sa.Column("attendee_ids", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("interaction", sa.Column("planned_visit_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
    op.create_table(
        "interaction_attendee",
        sa.Column("hcp_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("interaction_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("occurred_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.PrimaryKeyConstraint("hcp_id", "interaction_id"),
    )
    op.create_index("ix_interaction_attendee_hcp_occurred", "interaction_attendee", ["hcp_id", "occurred_at"])
    op.execute(f"CREATE TRIGGER interaction_attendee_insert AFTER INSERT ON interaction BEGIN {_FILL} END")
    op.execute(f"CREATE TRIGGER interaction_attendee_delete AFTER DELETE ON interaction BEGIN {_EMPTY} END")
    op.execute(
        f"CREATE TRIGGER interaction_attendee_update AFTER UPDATE OF attendee_ids, occurred_at, deleted ON interaction "
        f"BEGIN {_EMPTY} {_FILL} END"
    )


def downgrade() -> None:
    for trigger in ("interaction_attendee_update", "interaction_attendee_delete", "interaction_attendee_insert"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.drop_table("interaction_attendee")
    with op.batch_alter_table("interaction") as batch:
        batch.drop_column("planned_visit_id")
        batch.drop_column("attendee_ids")
    op.drop_table("planned_visit")
