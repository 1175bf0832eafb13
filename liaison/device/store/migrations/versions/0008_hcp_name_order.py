"""HCP search lists matches in name order from an index, with one-letter prefixes indexed

Revision ID: 0008
Revises: 0007

Search-as-you-type lists the first 50 matching HCPs by name. Without an
index on the name, a short prefix ("d", "h") matched tens of thousands of
rows that were all fetched, decrypted and sorted before the first 50 came
out. With (deleted, name) the query walks the live HCPs in name order and
stops at the 50th match. The FTS index gains a one-letter prefix index, since
the first keystroke is the broadest query of all. It is rebuilt from `hcp`
(external content); its triggers name it and carry on unchanged.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_FTS = """CREATE VIRTUAL TABLE hcp_search USING fts5(
    name, specialty, institution, city,
    content='hcp', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2', prefix='{prefix}'
)"""


def upgrade() -> None:
    op.create_index("ix_hcp_deleted_name", "hcp", ["deleted", "name"])
    _rebuild_search("1 2 3")


def downgrade() -> None:
    _rebuild_search("2 3")
    op.drop_index("ix_hcp_deleted_name", "hcp")


def _rebuild_search(prefix: str) -> None:
    op.execute("DROP TABLE hcp_search")
    op.execute(_FTS.format(prefix=prefix))
    op.execute("INSERT INTO hcp_search(hcp_search) VALUES ('rebuild')")
