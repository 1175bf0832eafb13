"""Adverse events carry what pharmacovigilance asks next: onset, outcome, seriousness criteria,
concomitant medication, how to reach the reporter, and the company's case reference

Revision ID: 0011
Revises: 0010

Every column is optional (the criteria start as an empty list), so events filed
before this version stay exactly as they were filed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = ("seriousness_criteria", "onset_date", "outcome", "concomitant_medication", "reporter_contact", "case_reference")


def upgrade() -> None:
    with op.batch_alter_table("adverse_event") as batch:
        batch.add_column(sa.Column("seriousness_criteria", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("onset_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("concomitant_medication", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reporter_contact", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("case_reference", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("adverse_event") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
