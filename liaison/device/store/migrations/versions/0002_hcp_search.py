"""HCP search-as-you-type: an FTS5 index over name, specialty, institution and city

Revision ID: 0002
Revises: 0001

The index is an external-content FTS5 table (the text lives once, in `hcp`),
kept in step by triggers so that every write path, including sync, updates it.
Prefix indexes of 2 and 3 characters make the first keystrokes cheap.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = "name, specialty, institution, city"
_OLD = "old.name, old.specialty, old.institution, old.city"
_NEW = "new.name, new.specialty, new.institution, new.city"


def upgrade() -> None:
    op.execute(
        f"""CREATE VIRTUAL TABLE hcp_search USING fts5(
            {_COLUMNS},
            content='hcp', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3'
        )"""
    )
    op.execute(
        f"""CREATE TRIGGER hcp_search_insert AFTER INSERT ON hcp BEGIN
            INSERT INTO hcp_search(rowid, {_COLUMNS}) VALUES (new.rowid, {_NEW});
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER hcp_search_delete AFTER DELETE ON hcp BEGIN
            INSERT INTO hcp_search(hcp_search, rowid, {_COLUMNS}) VALUES ('delete', old.rowid, {_OLD});
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER hcp_search_update AFTER UPDATE OF {_COLUMNS} ON hcp BEGIN
            INSERT INTO hcp_search(hcp_search, rowid, {_COLUMNS}) VALUES ('delete', old.rowid, {_OLD});
            INSERT INTO hcp_search(rowid, {_COLUMNS}) VALUES (new.rowid, {_NEW});
        END"""
    )
    op.execute("INSERT INTO hcp_search(hcp_search) VALUES ('rebuild')")
    op.create_index("ix_interaction_hcp_occurred", "interaction", ["hcp_id", "occurred_at"])
    op.create_index("ix_outbox_priority_seq", "outbox", ["priority", "seq"])


def downgrade() -> None:
    op.drop_index("ix_outbox_priority_seq", "outbox")
    op.drop_index("ix_interaction_hcp_occurred", "interaction")
    for trigger in ("hcp_search_update", "hcp_search_delete", "hcp_search_insert"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE hcp_search")
