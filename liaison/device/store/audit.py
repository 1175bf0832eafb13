"""The hash-chained audit log: every write leaves a link that names its predecessor.

Each entry's hash covers its content and the previous entry's hash, so
rewriting, removing or reordering any entry breaks every hash after it.
`verify()` walks the chain and names the first entry that does not hold.

The hash covers the payload (the record `before` and `after`) through a
digest: `payload_digest` is SHA-256 over a random per-entry `salt` and the
payload. Erasing an HCP must remove their personal data from the log too, so
`redact()` replaces an entry's payload and drops its salt while the digest,
and with it every hash, stays as it was. Without the salt the digest is a
hiding commitment: it cannot be matched against guesses of what it covered.
A redacted payload can no longer be checked against its digest, so `verify()`
instead requires every redacted entry to be listed by a later "redact" entry,
which the chain itself protects.

A pulled page's records that this device had never held are logged in one
`RECEIVE` entry per page rather than one entry each: it lists every such
record with the id of the change that brought it, and that change, kept on
the server under its id, is the record's content as it arrived. The entry
holds ids only, so erasing an HCP leaves it as it is. Every other write,
including a pulled change to a record already here, keeps its own entry with
its before and after.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from liaison.device.store.models import AuditEntry

GENESIS = "0" * 64
FORMAT = 2
"""1: the hash covered the payload itself (schema 0001-0003); 2: it covers the payload's salted digest."""
REDACT = "redact"
"""The action of the entry that lists the entries an erasure redacted."""
RECEIVE = "receive"
"""The action of the entry that lists the records first met in one pulled page."""
_HEAD_KEY = "liaison.audit_head"
_PENDING_KEY = "liaison.audit_pending"


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
"""Built once: `json.dumps` with options builds a new encoder on every call."""


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, ISO datetimes."""
    return _CANONICAL.encode(value).encode()


def payload_digest(salt: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    return hashlib.sha256(canonical({"salt": salt, "before": before, "after": after})).hexdigest()


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
        "payload": values["payload_digest"],
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
    salt = secrets.token_hex(16)
    row: dict[str, Any] = {
        "seq": head[0] + 1,
        "at": at,
        "actor": actor,
        "device_id": device_id,
        "action": action,
        "table_name": table_name,
        "record_id": record_id,
        "before": before,
        "after": after,
        "salt": salt,
        "payload_digest": payload_digest(salt, before, after),
        "prev_hash": head[1],
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


Scrub = Callable[[str, dict[str, Any]], dict[str, Any]]
"""Given an entry's table and one side of its payload, the payload to keep."""


def redact(session: Session, records: set[tuple[str, str]], scrub: Scrub) -> list[int]:
    """Replace the payload of every committed entry about these records with what `scrub` keeps of it.

    Returns the sequence numbers of the entries redacted now; the caller must
    append one `REDACT` entry listing them in the same transaction, which is
    what lets `verify` tell an erasure from tampering. An entry redacted by an
    earlier erasure is scrubbed again but stays listed where it already is.
    """
    if not records:
        return []
    tables = sorted({table for table, _ in records})
    ids = sorted({record_id for _, record_id in records})
    candidates: list[AuditEntry] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        candidates += session.exec(select(AuditEntry).where(col(AuditEntry.table_name).in_(tables), col(AuditEntry.record_id).in_(chunk))).all()
    redacted: list[int] = []
    for entry in sorted(candidates, key=lambda item: item.seq or 0):
        if (entry.table_name, entry.record_id) not in records:
            continue
        if entry.salt is not None:
            redacted.append(entry.seq or 0)
        before = scrub(entry.table_name, entry.before) if entry.before is not None else None
        after = scrub(entry.table_name, entry.after) if entry.after is not None else None
        session.execute(update(AuditEntry).where(col(AuditEntry.seq) == entry.seq).values(before=before, after=after, salt=None))
    _redact_pending(session, records, scrub)
    return redacted


def _redact_pending(session: Session, records: set[tuple[str, str]], scrub: Scrub) -> None:
    """Links appended earlier in this transaction are not written yet: scrub them and re-link them instead."""
    pending: list[dict[str, Any]] = session.info.get(_PENDING_KEY, [])
    first: int | None = None
    for index, row in enumerate(pending):
        if (row["table_name"], row["record_id"]) not in records:
            continue
        row["before"] = scrub(row["table_name"], row["before"]) if row["before"] is not None else None
        row["after"] = scrub(row["table_name"], row["after"]) if row["after"] is not None else None
        row["payload_digest"] = payload_digest(row["salt"], row["before"], row["after"])
        first = index if first is None else first
    if first is None:
        return
    prev = pending[first]["prev_hash"]
    for row in pending[first:]:
        row["prev_hash"] = prev
        row["hash"] = prev = entry_hash(row)
    session.info[_HEAD_KEY] = (pending[-1]["seq"], pending[-1]["hash"])


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
    """Recompute the chain from the first entry; stop at the first that does not hold.

    An entry holds when it links to its predecessor, its hash matches its
    content, and either its payload matches its digest or (redacted) a later
    redact entry lists it.
    """
    expected_prev, expected_seq, count = GENESIS, 1, 0
    unaccounted: set[int] = set()
    for entry in _walk(session, batch):
        if entry.seq != expected_seq:
            return ChainReport(count, expected_seq, f"entry {expected_seq} is missing (found {entry.seq} next)", expected_prev)
        if entry.prev_hash != expected_prev:
            return ChainReport(count, entry.seq, f"entry {entry.seq} does not link to entry {entry.seq - 1}", expected_prev)
        if entry.salt is not None and payload_digest(entry.salt, entry.before, entry.after) != entry.payload_digest:
            return ChainReport(count, entry.seq, f"entry {entry.seq} was altered (its payload does not match its digest)", expected_prev)
        if entry_hash(entry) != entry.hash:
            return ChainReport(count, entry.seq, f"entry {entry.seq} was altered (its hash does not match its content)", expected_prev)
        if entry.salt is None:
            unaccounted.add(entry.seq)
        if entry.action == REDACT and entry.table_name == "audit_log" and isinstance(entry.after, dict):
            unaccounted.difference_update(seq for seq in entry.after.get("entries", []) if isinstance(seq, int) and seq < entry.seq)
        expected_prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    if unaccounted:
        first = min(unaccounted)
        return ChainReport(first - 1, first, f"entry {first} was redacted but no erasure in the log accounts for it", expected_prev)
    return ChainReport(count, None, None, expected_prev)


def _walk(session: Session, batch: int) -> Iterator[AuditEntry]:
    after = 0
    while True:
        rows = session.exec(select(AuditEntry).where(col(AuditEntry.seq) > after).order_by(col(AuditEntry.seq)).limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq or after
        session.expunge_all()
