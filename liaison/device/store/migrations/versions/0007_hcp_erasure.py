"""HCP erasure: the erasure receipt, and an audit chain that commits to salted payload digests

Revision ID: 0007
Revises: 0003

Erasing an HCP must remove their personal data from the audit log without
breaking its hash chain, so from here on each entry's hash covers a salted
digest of its payload rather than the payload (see `liaison.device.store.audit`). An
existing chain is verified in its old format first: a broken chain is refused,
naming the first broken entry, and the store is left exactly as it was. An
intact chain is then re-hashed in the new format and the upgrade is recorded
as a new entry that names the old head. The hash functions of both formats are
frozen here, so later changes to `liaison.device.store.audit` cannot change this step.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

import liaison.core.types
from liaison.core.errors import StoreError

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
_BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "hcp_erasure",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("updated_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", liaison.core.types.UtcDateTime(length=32), nullable=True),
        sa.Column("clocks", sa.JSON(), nullable=False),
        sa.Column("hcp_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("pseudonym", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("requested_at", liaison.core.types.UtcDateTime(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("erased_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hcp_erasure") as batch:
        batch.create_index(batch.f("ix_hcp_erasure_deleted"), ["deleted"], unique=False)
        batch.create_index(batch.f("ix_hcp_erasure_hcp_id"), ["hcp_id"], unique=False)

    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("salt", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch.add_column(sa.Column("payload_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    _rehash(op.get_bind())
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("payload_digest", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)


def downgrade() -> None:
    raise StoreError("the audit log cannot go back to format 1: its entries are hashed in format 2")


_AUDIT = sa.Table(
    "audit_log",
    sa.MetaData(),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("at", liaison.core.types.UtcDateTime()),
    sa.Column("actor", sa.String),
    sa.Column("device_id", sa.String),
    sa.Column("action", sa.String),
    sa.Column("table_name", sa.String),
    sa.Column("record_id", sa.String),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Column("salt", sa.String),
    sa.Column("payload_digest", sa.String),
    sa.Column("prev_hash", sa.String),
    sa.Column("hash", sa.String),
)


def _rehash(connection: sa.Connection) -> None:
    """Verify the chain as format 1, then re-hash it as format 2 and record the upgrade."""
    old_prev, new_prev, expected, count = GENESIS, GENESIS, 1, 0
    for rows in _batches(connection):
        updates = []
        for row in rows:
            values = dict(row._mapping)
            if values["seq"] != expected:
                _refuse(expected, f"entry {expected} is missing (found {values['seq']} next)")
            if values["prev_hash"] != old_prev:
                _refuse(values["seq"], f"entry {values['seq']} does not link to entry {values['seq'] - 1}")
            if _v1_hash(values) != values["hash"]:
                _refuse(values["seq"], f"entry {values['seq']} was altered (its hash does not match its content)")
            old_prev = values["hash"]
            salt = secrets.token_hex(16)
            values.update(salt=salt, payload_digest=_digest(salt, values["before"], values["after"]), prev_hash=new_prev)
            values["hash"] = new_prev = _v2_hash(values)
            updates.append({"s": values["seq"], "salt": salt, "payload_digest": values["payload_digest"], "prev_hash": values["prev_hash"], "hash": values["hash"]})
            expected, count = expected + 1, count + 1
        connection.execute(
            _AUDIT.update().where(_AUDIT.c.seq == sa.bindparam("s")),
            updates,
        )
    if count:
        _record_upgrade(connection, count, old_prev, new_prev)


def _batches(connection: sa.Connection) -> Any:
    after = 0
    while True:
        rows = connection.execute(sa.select(_AUDIT).where(_AUDIT.c.seq > after).order_by(_AUDIT.c.seq).limit(_BATCH)).all()
        if not rows:
            return
        yield rows
        after = rows[-1].seq


def _record_upgrade(connection: sa.Connection, count: int, old_head: str, new_prev: str) -> None:
    state = connection.execute(sa.text("SELECT device_id, user FROM device_state WHERE id = 1")).first()
    device_id, actor = (state[0], state[1]) if state else ("-", "liaison")
    salt = secrets.token_hex(16)
    after = {"format": 2, "entries": count, "format_1_head": old_head}
    values: dict[str, Any] = {
        "seq": count + 1, "at": datetime.now(UTC), "actor": actor, "device_id": device_id, "action": "upgrade",
        "table_name": "audit_log", "record_id": "format-2", "before": None, "after": after,
        "salt": salt, "payload_digest": _digest(salt, None, after), "prev_hash": new_prev,
    }
    values["hash"] = _v2_hash(values)
    connection.execute(_AUDIT.insert().values(**values))


def _refuse(seq: int, reason: str) -> None:
    raise StoreError(
        f"audit log: chain broken at entry {seq}: {reason}; the store was not upgraded "
        "(run 'liaison verify-audit' with the previous version and contact support)"
    )


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _head(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "seq": values["seq"], "at": values["at"].isoformat(timespec="microseconds"), "actor": values["actor"],
        "device_id": values["device_id"], "action": values["action"], "table_name": values["table_name"],
        "record_id": values["record_id"], "prev_hash": values["prev_hash"],
    }


def _v1_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical({**_head(values), "before": values["before"], "after": values["after"]})).hexdigest()


def _digest(salt: str, before: Any, after: Any) -> str:
    return hashlib.sha256(_canonical({"salt": salt, "before": before, "after": after})).hexdigest()


def _v2_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical({**_head(values), "payload": values["payload_digest"]})).hexdigest()
