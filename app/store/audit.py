"""The hash-chained audit log: every write leaves a link that names its predecessor.

Each entry's hash covers its content and the previous entry's hash, so
rewriting, removing or reordering any entry breaks every hash after it.
`verify()` walks the chain and names the first entry that does not hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.store.models import AuditEntry

GENESIS = "0" * 64
_HEAD_KEY = "liaison.audit_head"
_PENDING_KEY = "liaison.audit_pending"


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
"""Built once: `json.dumps` with options builds a new encoder on every call."""


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, ISO datetimes."""
    return _CANONICAL.encode(value).encode()


def entry_hash(entry: AuditEntry | Mapping[str, Any]) -> str:
    values = entry if isinstance(entry, Mapping) else entry.model_dump()
    body = {
        "seq": values["seq"],
        "at": values["at"].isoformat(timespec="microseconds"),
        "actor": values["actor"],
        "device_id": values["device_id"],
        "action": values["action"],
        "table_name": values["table_name"],
        "record_id": values["record_id"],
        "before": values["before"],
        "after": values["after"],
        "prev_hash": values["prev_hash"],
    }
    return hashlib.sha256(canonical(body)).hexdigest()


def append(
    session: Session,
    *,
    at: datetime,
    actor: str,
    device_id: str,
    action: str,
    table_name: str,
    record_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    """Add the next link inside the caller's transaction; `flush` writes the links before commit.

    The head is read once per transaction and then carried in `session.info`,
    so a page of a thousand synced records neither re-queries it nor builds a
    thousand ORM objects. Every write goes through a fresh session per
    transaction (the repository's rule), so the carried head cannot go stale.
    """
    head = session.info.get(_HEAD_KEY)
    if head is None:
        last = session.exec(select(AuditEntry.seq, AuditEntry.hash).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
        head = (last[0] or 0, last[1]) if last else (0, GENESIS)  # position and hash only: no payload decoded
    row: dict[str, Any] = {
        "seq": head[0] + 1, "at": at, "actor": actor, "device_id": device_id, "action": action,
        "table_name": table_name, "record_id": record_id, "before": before, "after": after, "prev_hash": head[1],
    }
    row["hash"] = entry_hash(row)
    session.info.setdefault(_PENDING_KEY, []).append(row)
    session.info[_HEAD_KEY] = (row["seq"], row["hash"])
    return row


def flush(session: Session) -> None:
    """Write the links appended in this transaction, in one statement."""
    rows = session.info.pop(_PENDING_KEY, [])
    if rows:
        session.execute(AuditEntry.__table__.insert(), rows)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken: int | None
    reason: str | None
    head_hash: str

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute the chain from the first entry; stop at the first that does not hold."""
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for entry in _walk(session, batch):
        if entry.seq != expected_seq:
            return ChainReport(count, expected_seq, f"entry {expected_seq} is missing (found {entry.seq} next)", expected_prev)
        if entry.prev_hash != expected_prev:
            return ChainReport(count, entry.seq, f"entry {entry.seq} does not link to entry {entry.seq - 1}", expected_prev)
        if entry_hash(entry) != entry.hash:
            return ChainReport(count, entry.seq, f"entry {entry.seq} was altered (its hash does not match its content)", expected_prev)
        expected_prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    return ChainReport(count, None, None, expected_prev)


def _walk(session: Session, batch: int) -> Iterator[AuditEntry]:
    after = 0
    while True:
        rows = session.exec(
            select(AuditEntry).where(col(AuditEntry.seq) > after).order_by(col(AuditEntry.seq)).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq or after
        session.expunge_all()
