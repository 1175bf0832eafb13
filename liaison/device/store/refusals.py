"""Changes the server refused: out of the queue and in front of the MSL until resent or discarded.

The server answers each pushed change on its own. A refused change stays in the
outbox, marked with the server's reason; it and every later change to the same
record are held back (a record's changes keep their order), while every other
record's changes, adverse events and inquiries first, go on as before.

The MSL sees one entry per record ("needs your attention"), naming the record
and the field in plain words, and then either
- corrects the record (an ordinary edit) and resends: the record's waiting
  changes become one change carrying its current values of every field they
  touched, newly stamped (`Repository.resend_refused`); or
- discards them: they leave the outbox, and the audit log keeps what they said
  (`Repository.discard_refused`). An adverse event or a medical inquiry cannot
  be discarded: it must reach pharmacovigilance or medical information.

This module reads and marks; the repository does the writes, in its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from liaison.core.errors import NotFound
from liaison.core.protocol import RefusedChange
from liaison.core.records.kinds import PRIORITY_TABLES
from liaison.device.store.models import OutboxEntry

SAFETY_TABLES = PRIORITY_TABLES
"""Kinds whose refused changes can be corrected and resent, never discarded."""


@dataclass(frozen=True)
class Refusal:
    """One record whose changes the server refused, as the MSL acts on it."""

    change_id: str
    """The record's first refused change: the id `liaison rejected resend|discard` takes."""
    table: str
    record_id: str
    code: str
    field: str | None
    message: str
    refused_at: datetime
    waiting: int
    """How many of the record's changes wait: the refused ones and those made after them."""

    @property
    def safety(self) -> bool:
        return self.table in SAFETY_TABLES

    @property
    def reason(self) -> str:
        """The server's sentence without the change id it starts with, which means nothing to an MSL."""
        head, sep, rest = self.message.partition(": ")
        return rest if sep and head.startswith("change ") else self.message


def mark(session: Session, sent: Sequence[str], refused: Sequence[RefusedChange], at: datetime) -> list[OutboxEntry]:
    """Mark the refused changes of a batch (`sent`, in the order sent) with the server's reasons; the entries marked."""
    marked: list[OutboxEntry] = []
    for answer in refused:
        change_id = answer.change_id if answer.change_id is not None else _at(sent, answer.index)
        if change_id is None:
            continue
        entry = session.exec(select(OutboxEntry).where(OutboxEntry.change_id == change_id)).first()
        if entry is None or entry.refused_at is not None:
            continue
        entry.refused_at, entry.refusal_code = at, answer.code[:32]
        entry.refusal_field = answer.field[:80] if answer.field else None
        entry.refusal_message = answer.message
        session.add(entry)
        marked.append(entry)
    return marked


def held_records() -> SelectOfScalar[str]:
    """The records whose changes wait for the MSL: none of their changes is sent."""
    return select(OutboxEntry.record_id).where(col(OutboxEntry.refused_at).is_not(None)).distinct()


def open_refusals(session: Session) -> list[Refusal]:
    """Every record with refused changes, safety records first, then oldest refusal first."""
    first_refused = session.exec(
        select(OutboxEntry).where(col(OutboxEntry.refused_at).is_not(None)).order_by(col(OutboxEntry.priority), col(OutboxEntry.seq))
    ).all()
    waiting = dict(
        session.exec(
            select(OutboxEntry.record_id, func.count()).where(col(OutboxEntry.record_id).in_(held_records())).group_by(col(OutboxEntry.record_id))
        ).all()
    )
    found: dict[str, Refusal] = {}
    for entry in first_refused:
        if entry.record_id in found:
            continue
        assert entry.refused_at is not None
        found[entry.record_id] = Refusal(
            change_id=entry.change_id,
            table=entry.table_name,
            record_id=entry.record_id,
            code=entry.refusal_code or "refused",
            field=entry.refusal_field,
            message=entry.refusal_message or "refused by the server",
            refused_at=entry.refused_at,
            waiting=int(waiting.get(entry.record_id, 1)),
        )
    return list(found.values())


def count(session: Session) -> int:
    """How many records need the MSL's attention."""
    return session.exec(select(func.count(func.distinct(OutboxEntry.record_id))).where(col(OutboxEntry.refused_at).is_not(None))).one()


def waiting_changes(session: Session, change_id: str) -> list[OutboxEntry]:
    """Every outbox entry of the record a refused change is about, in the order made; NotFound unless it was refused."""
    entry = session.exec(select(OutboxEntry).where(OutboxEntry.change_id == change_id)).first()
    if entry is None or entry.refused_at is None:
        raise NotFound(f"no refused change {change_id} (run 'liaison rejected' to list them)")
    return list(
        session.exec(
            select(OutboxEntry)
            .where(OutboxEntry.table_name == entry.table_name, OutboxEntry.record_id == entry.record_id)
            .order_by(col(OutboxEntry.seq))
        ).all()
    )


def _at(sent: Sequence[str], index: int) -> str | None:
    return sent[index] if 0 <= index < len(sent) else None
