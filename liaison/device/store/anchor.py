"""The device's side of audit anchoring: which links to send, the kept copy of the anchor, and comparing against one.

The audit chain alone proves nothing to someone who holds the key: they can
rewrite an entry and recompute every hash after it. Its anchor on the server
(see `liaison.server.anchors`) is what they cannot rewrite. This module reads the
chain's links for sending, keeps a copy of the last anchor the server
confirmed (so `verify-audit` still has something to compare against offline),
and compares the chain with an anchor. It only reads what `audit` wrote; how an
entry's hash is computed stays `audit`'s business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from liaison.core.protocol import AuditLink
from liaison.core.types import utcnow
from liaison.device.store.db import writer
from liaison.device.store.models import AuditAnchor, AuditEntry

SERVER = "the server"
KEPT_COPY = "the copy of the last anchor kept on this device"


def head_seq(session: Session) -> int:
    """Where the chain ends now (0 when empty)."""
    return session.exec(select(func.max(AuditEntry.seq))).one() or 0


def links_from(session: Session, seq: int, limit: int) -> list[AuditLink]:
    """Up to `limit` links from position `seq` on, in order: positions and hashes only."""
    rows = session.exec(
        select(AuditEntry.seq, AuditEntry.prev_hash, AuditEntry.hash).where(col(AuditEntry.seq) >= seq).order_by(col(AuditEntry.seq)).limit(limit)
    ).all()
    return [AuditLink(seq=row[0], prev_hash=row[1], hash=row[2]) for row in rows]


def kept(session: Session) -> AuditAnchor | None:
    return session.get(AuditAnchor, 1)


def keep(engine: Engine, seq: int, hash_: str, server_url: str) -> None:
    """Remember the anchor the server confirmed. Bookkeeping like the pull cursor: it leaves no audit entry,
    which would otherwise always trail one link behind the anchor it records."""
    with Session(writer(engine)) as session, session.begin():
        row = session.get(AuditAnchor, 1) or AuditAnchor(id=1, seq=seq, hash=hash_, anchored_at=utcnow(), server_url=server_url)
        row.seq, row.hash, row.anchored_at, row.server_url = seq, hash_, utcnow(), server_url
        session.add(row)


@dataclass(frozen=True)
class AnchorCheck:
    """How the local chain compares with an anchor, and which anchor that was."""

    source: str | None
    """`SERVER`, `KEPT_COPY`, or None when there was no anchor to compare with."""
    anchored_seq: int
    first_broken: int | None = None
    reason: str | None = None
    note: str | None = None
    """Why the server was not asked, when it was not."""

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def against_head(session: Session, seq: int, hash_: str | None, source: str, note: str | None = None) -> AnchorCheck:
    """Compare with one anchored point. The local chain must already verify: then entry `seq` matching
    its anchored hash means every entry up to it is as anchored."""
    if seq == 0 or hash_ is None:
        return AnchorCheck(source, 0, note=note)
    local = session.exec(select(AuditEntry.hash).where(AuditEntry.seq == seq)).first()
    if local is None:
        return AnchorCheck(source, seq, seq, f"entry {seq} was anchored but is no longer on this device", note)
    if local != hash_:
        return AnchorCheck(source, seq, seq, f"entry {seq} differs from its anchored copy (it or an entry before it was rewritten)", note)
    return AnchorCheck(source, seq, note=note)


def against_links(session: Session, pages: Iterable[list[AuditLink]], source: str, anchored_seq: int) -> AnchorCheck:
    """Compare with every anchored link, page by page, and name the first entry that differs or is gone."""
    for page in pages:
        if not page:
            continue
        local = dict(session.exec(select(AuditEntry.seq, AuditEntry.hash).where(col(AuditEntry.seq).in_([link.seq for link in page]))).all())
        for link in page:
            if link.seq not in local:
                return AnchorCheck(source, anchored_seq, link.seq, f"entry {link.seq} was anchored but is no longer on this device")
            if local[link.seq] != link.hash:
                return AnchorCheck(source, anchored_seq, link.seq, f"entry {link.seq} differs from its anchored copy")
    return AnchorCheck(source, anchored_seq)
