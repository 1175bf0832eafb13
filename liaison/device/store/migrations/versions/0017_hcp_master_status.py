"""HCPs carry a master-data status: one an MSL adds on a device is requested until the server's data steward decides

Revision ID: 0017
Revises: 0016

Every HCP stored before this version came from the territory's directory, so it
starts approved. Plain `ADD COLUMN`s: the table is not rebuilt, so the search
index's rowids stand. (Revises 0014 on its own branch; the merge re-chains it after 0016.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("hcp", sa.Column("master_status", sa.String(length=16), nullable=False, server_default="approved"))
    op.add_column("hcp", sa.Column("merged_into", sa.String(length=36), nullable=True))
    op.add_column("hcp", sa.Column("steward_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hcp", recreate="never") as batch:
        batch.drop_column("steward_note")
        batch.drop_column("merged_into")
        batch.drop_column("master_status")
