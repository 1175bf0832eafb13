"""Audit anchors: each device's audit-chain links (positions and hashes only) and the breaks found in them.

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import liaison.core.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_anchor_links",
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("anchored_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.PrimaryKeyConstraint("device_id", "seq"),
    )
    op.create_table(
        "audit_breaks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("anchored_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("received_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("detected_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_breaks") as batch:
        batch.create_index(batch.f("ix_audit_breaks_device_id"), ["device_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_breaks") as batch:
        batch.drop_index(batch.f("ix_audit_breaks_device_id"))
    op.drop_table("audit_breaks")
    op.drop_table("audit_anchor_links")
