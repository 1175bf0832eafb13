"""HCP profiles carry lists: further e-mails, phones and specialties, an address, affiliations, publications
and trial involvement

Revision ID: 0013
Revises: 0012

Every list starts empty and the address absent, so HCPs stored before this
version keep their primary e-mail, phone, specialty and institution as they were.
Plain `ADD COLUMN`s: the table is not rebuilt, so the search index's rowids stand.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

LISTS = ("other_emails", "other_phones", "specialties", "affiliations", "publications", "trials")


def upgrade() -> None:
    for name in LISTS:
        op.add_column("hcp", sa.Column(name, sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("hcp", sa.Column("address", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hcp", recreate="never") as batch:
        batch.drop_column("address")
        for name in reversed(LISTS):
            batch.drop_column(name)
