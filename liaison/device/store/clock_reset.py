"""Recovering a device whose stored clock was poisoned: stamped too far ahead, past the wire format, or unreadable.

The clock restarts from the wall clock. What this device stamped with the bad
clock and has not pushed yet is re-stamped: each queued change gets a fresh
stamp, in outbox order, and every place that names its old stamp follows (the
record's per-field clocks, later queued changes' base clocks, kept conflicts).
So the server, which would refuse the old stamps, accepts the changes; their
order among themselves and against what was pushed before is kept; and the
device's next edit of the same field is stamped after its own earlier one,
here and, through merge, everywhere else.

Stamps of other devices' writes are left as they are: they live on the server
too, and a node that changed them alone would no longer merge like the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlmodel import Session, col, select

from liaison.core.clock import HybridLogicalClock, Stamp
from liaison.core.records.kinds import kind_for
from liaison.device.store.models import Conflict, OutboxEntry


def restamp_outbox(session: Session, clock: HybridLogicalClock, reset_at: int) -> dict[str, str]:
    """Give a fresh stamp to every queued change stamped after `reset_at` (or unreadably); old text -> new.

    The clock was just reset to `reset_at`, so a stamp past it was issued by the
    bad clock (queued changes are this device's own, in the order it ticked).
    """
    renamed: dict[str, str] = {}
    entries = session.exec(select(OutboxEntry).order_by(col(OutboxEntry.seq))).all()
    for entry in entries:
        stale = sorted({text for text in entry.clocks.values() if _after(text, reset_at)}, key=_order)
        for text in stale:
            renamed[text] = clock.tick().encode()
        if stale:
            entry.clocks = _renamed(entry.clocks, renamed)
            session.add(entry)
    if not renamed:
        return renamed
    for entry in entries:
        if any(text in renamed for text in entry.base_clocks.values()):
            entry.base_clocks = _renamed(entry.base_clocks, renamed)
            session.add(entry)
    _restamp_records(session, entries, renamed)
    _restamp_conflicts(session, renamed)
    return renamed


def _restamp_records(session: Session, entries: Sequence[OutboxEntry], renamed: Mapping[str, str]) -> None:
    """A record's field still stamped by a re-stamped change takes the change's new stamp."""
    for table, record_id in sorted({(entry.table_name, entry.record_id) for entry in entries}):
        record = session.get(kind_for(table).model, record_id)
        if record is not None and any(text in renamed for text in record.clocks.values()):
            record.clocks = _renamed(record.clocks, renamed)
            session.add(record)


def _restamp_conflicts(session: Session, renamed: Mapping[str, str]) -> None:
    """Conflicts name the stamps of both values: a later edit settles one by comparing with them."""
    old = list(renamed)
    for conflict in session.exec(select(Conflict).where(col(Conflict.kept_stamp).in_(old) | col(Conflict.lost_stamp).in_(old))):
        conflict.kept_stamp = renamed.get(conflict.kept_stamp, conflict.kept_stamp)
        conflict.lost_stamp = renamed.get(conflict.lost_stamp, conflict.lost_stamp)
        session.add(conflict)


def _renamed(clocks: Mapping[str, str], renamed: Mapping[str, str]) -> dict[str, str]:
    return {name: renamed.get(text, text) for name, text in clocks.items()}


def _after(text: str, reset_at: int) -> bool:
    try:
        return Stamp.decode(text).wall_ms > reset_at
    except ValueError:
        return True


def _order(text: str) -> tuple[int, int, str]:
    """Stamps in clock order; an unreadable one (only a bad clock wrote it) last."""
    try:
        stamp = Stamp.decode(text)
    except ValueError:
        return (2**63, 0, text)
    return (stamp.wall_ms, stamp.counter, stamp.device)
