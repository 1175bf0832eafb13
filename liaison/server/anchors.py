"""Anchoring each device's audit chain on the server, so a record rewritten on a device after it synced shows.

A device's audit log is a hash chain; whoever holds its key can rewrite an entry
and recompute every hash after it, and the chain will verify again on the
device. What they cannot recompute is the copy held here: at every sync the
device sends the links the server lacks (position, hash, predecessor's hash;
never content), starting again from the last link the server holds, and says
where its chain ends now. Anything that does not continue what was anchored is
recorded as a break: a link whose hash changed, a link that names the wrong
predecessor, entries skipped, or a chain that got shorter. A break never
refuses anything: the links are still kept, so nothing a user did is lost and
the next break can be found too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from liaison.core.protocol import AnchorBreak, AnchorState, AuditLink
from liaison.server.db import writing
from liaison.server.models import AuditAnchorLink, AuditBreak, Device

GENESIS = "0" * 64
"""The predecessor named by a chain's first entry (the device's `audit.GENESIS`)."""


def anchor(session: Session, device_id: str, head_seq: int, links: Sequence[AuditLink]) -> AnchorState:
    """Check the sent links against what is anchored, record any break, keep the new links; one transaction."""
    now = datetime.now(UTC)
    with session.begin():
        writing(session)
        session.exec(select(Device.id).where(Device.id == device_id).with_for_update())  # one anchoring at a time per device
        head = _head(session, device_id)
        held = _held(session, device_id, [link.seq for link in links if head is not None and link.seq <= head.seq])
        known = {(item.seq, item.received_hash) for item in session.exec(select(AuditBreak).where(AuditBreak.device_id == device_id))}
        breaks: list[dict[str, object]] = []

        def broken(seq: int, reason: str, anchored: str | None, received: str | None) -> None:
            if (seq, received) not in known:
                known.add((seq, received))
                breaks.append(
                    {"device_id": device_id, "seq": seq, "reason": reason, "anchored_hash": anchored, "received_hash": received, "detected_at": now}
                )

        if head is not None and head_seq < head.seq:
            broken(head_seq + 1, f"entries {head_seq + 1} to {head.seq} were anchored but the device's chain now ends at {head_seq}", None, None)
        before: tuple[int, str] | None = None
        """The device's claim for the link before the current one, once this batch has carried one."""
        fresh: list[dict[str, object]] = []
        for link in links:
            stored = held.get(link.seq)
            if stored is not None:
                if stored.hash != link.hash:
                    broken(
                        link.seq,
                        f"entry {link.seq} differs from the copy anchored on {stored.anchored_at:%Y-%m-%d %H:%M} UTC",
                        stored.hash,
                        link.hash,
                    )
            else:
                after = before or ((head.seq, head.hash) if head is not None else (0, GENESIS))
                if link.seq > after[0] + 1:
                    broken(link.seq, f"entries {after[0] + 1} to {link.seq - 1} were never anchored (the device skipped them)", None, link.hash)
                elif link.seq == after[0] + 1 and link.prev_hash != after[1]:
                    broken(link.seq, f"entry {link.seq} does not continue the anchored chain at entry {after[0]}", after[1], link.prev_hash)
                fresh.append({"device_id": device_id, "seq": link.seq, "prev_hash": link.prev_hash, "hash": link.hash, "anchored_at": now})
            before = (link.seq, link.hash)
        if fresh:
            session.execute(insert(AuditAnchorLink), fresh)
        if breaks:
            session.execute(insert(AuditBreak), breaks)
    return state(session, device_id, recorded=len(breaks))


def state(session: Session, device_id: str, recorded: int = 0) -> AnchorState:
    """The anchored head of a device's chain and every break recorded for it."""
    head = _head(session, device_id)
    found = session.exec(select(AuditBreak).where(AuditBreak.device_id == device_id).order_by(col(AuditBreak.seq), col(AuditBreak.id))).all()
    session.commit()
    return AnchorState(
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head else None,
        anchored_at=head.anchored_at.isoformat() if head else None,
        breaks=[AnchorBreak(seq=item.seq, reason=item.reason, detected_at=item.detected_at.isoformat()) for item in found],
        recorded=recorded,
    )


def links(session: Session, device_id: str, after: int, limit: int) -> tuple[list[AuditLink], bool]:
    """A page of the anchored links after position `after`, and whether more follow."""
    rows = session.exec(
        select(AuditAnchorLink)
        .where(AuditAnchorLink.device_id == device_id, col(AuditAnchorLink.seq) > after)
        .order_by(col(AuditAnchorLink.seq))
        .limit(limit + 1)
    ).all()
    session.commit()
    return [AuditLink(seq=row.seq, prev_hash=row.prev_hash, hash=row.hash) for row in rows[:limit]], len(rows) > limit


@dataclass(frozen=True)
class Verdict:
    """What `liaison-server verify-audit` says of one device."""

    device_id: str
    links: int
    head: AuditAnchorLink | None
    problems: list[tuple[int, str]]
    """(entry, reason), first by entry: recorded breaks, and any gap or mislink in the stored links themselves."""

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(session: Session, device_id: str, batch: int = 5000) -> Verdict:
    """Walk a device's anchored links from the first, and gather every break recorded for it."""
    problems = [(item.seq, item.reason) for item in session.exec(select(AuditBreak).where(AuditBreak.device_id == device_id))]
    expected_seq, expected_prev, count, head = 1, GENESIS, 0, None
    walk_problem: tuple[int, str] | None = None
    for link in _walk(session, device_id, batch):
        if walk_problem is None:
            if link.seq != expected_seq:
                walk_problem = (expected_seq, f"the server holds no link for entries {expected_seq} to {link.seq - 1}")
            elif link.prev_hash != expected_prev:
                walk_problem = (link.seq, f"anchored entry {link.seq} does not link to anchored entry {link.seq - 1}")
        expected_seq, expected_prev, count, head = link.seq + 1, link.hash, count + 1, link
    if walk_problem is not None and not any(seq <= walk_problem[0] for seq, _ in problems):
        problems.append(walk_problem)
    return Verdict(device_id, count, head, sorted(problems))


def _walk(session: Session, device_id: str, batch: int) -> Iterator[AuditAnchorLink]:
    after = 0
    while True:
        rows = session.exec(
            select(AuditAnchorLink)
            .where(AuditAnchorLink.device_id == device_id, col(AuditAnchorLink.seq) > after)
            .order_by(col(AuditAnchorLink.seq))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        session.expunge_all()


def _head(session: Session, device_id: str) -> AuditAnchorLink | None:
    return session.exec(
        select(AuditAnchorLink).where(AuditAnchorLink.device_id == device_id).order_by(col(AuditAnchorLink.seq).desc()).limit(1)
    ).first()


def _held(session: Session, device_id: str, seqs: list[int]) -> dict[int, AuditAnchorLink]:
    found: dict[int, AuditAnchorLink] = {}
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        for row in session.exec(select(AuditAnchorLink).where(AuditAnchorLink.device_id == device_id, col(AuditAnchorLink.seq).in_(chunk))):
            found[row.seq] = row
    return found
