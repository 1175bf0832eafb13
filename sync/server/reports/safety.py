"""Adverse-event timeliness: how long each report took from the MSL's awareness to the company's server.

An event counts as received when a change carrying it as filed (submitted or
acknowledged) first reached the server: the `received_at` of that change in
the change log, the order of truth. A draft that synced is not a report yet.
The deadline is the one the device computed from the company's window and
stored on the event. Each event is on time (received by its deadline), late
(received after it, or not received and past it) or pending (not received, not
yet due). Per MSL: how many, median and worst hours to receipt, how many late.

A manager sees their team; an administrator sees everyone; nobody else sees it.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from sync.server import scope
from sync.server.models import ChangeLog, RecordRow, User

TABLE = "adverse_event"
FILED = frozenset({"submitted", "acknowledged"})
READERS = frozenset({"manager", "admin"})


class EventTimeliness(BaseModel):
    event_id: str
    msl_email: str
    msl_name: str
    product: str | None
    seriousness: str | None
    status: str | None
    aware_at: datetime | None
    deadline_at: datetime | None
    received_at: datetime | None
    hours_to_receipt: float | None
    outcome: str
    """on time | late | pending"""


class MslTimeliness(BaseModel):
    msl_email: str
    msl_name: str
    events: int
    received: int
    median_hours: float | None
    worst_hours: float | None
    late: int


class TimelinessReport(BaseModel):
    generated_at: datetime
    events: list[EventTimeliness]
    msls: list[MslTimeliness]


def ae_timeliness(session: Session, viewer: User, now: datetime | None = None) -> TimelinessReport:
    """The report as `viewer` may see it: a manager's team, or everyone for an administrator."""
    now = now or datetime.now(UTC)
    owners = scope.report_owners(session, viewer)
    people = {user.id: user for user in session.exec(select(User).where(col(User.id).in_(owners)))} if owners else {}
    records = session.exec(select(RecordRow).where(RecordRow.table_name == TABLE, col(RecordRow.owner_user_id).in_(owners))).all() if owners else []
    received = _received(session, owners)
    events = sorted(
        (_event(row, people[row.owner_user_id], received.get(row.record_id), now) for row in records),
        key=lambda item: (item.aware_at or now, item.event_id),
        reverse=True,
    )
    shown = [user for user in people.values() if user.role == "msl" or any(event.msl_email == user.email for event in events)]
    return TimelinessReport(generated_at=now, events=events, msls=[_per_msl(user, events) for user in sorted(shown, key=lambda user: user.email)])


def _received(session: Session, owners: Sequence[int]) -> dict[str, datetime]:
    """When each event first reached the server as filed, from the change log in commit order."""
    if not owners:
        return {}
    rows = session.exec(
        select(ChangeLog.record_id, ChangeLog.received_at, ChangeLog.fields)
        .where(ChangeLog.table_name == TABLE, col(ChangeLog.owner_user_id).in_(list(owners)))
        .order_by(col(ChangeLog.seq))
    ).all()
    first: dict[str, datetime] = {}
    for record_id, received_at, fields in rows:
        if record_id not in first and fields.get("status") in FILED:
            first[record_id] = received_at
    return first


def _event(row: RecordRow, owner: User, received_at: datetime | None, now: datetime) -> EventTimeliness:
    fields = row.fields
    aware, deadline = _moment(fields.get("aware_at")), _moment(fields.get("deadline_at"))
    hours = round((received_at - aware).total_seconds() / 3600, 1) if received_at and aware else None
    if received_at is not None:
        outcome = "on time" if deadline is None or received_at <= deadline else "late"
    else:
        outcome = "late" if deadline is not None and now > deadline else "pending"
    return EventTimeliness(
        event_id=row.record_id, msl_email=owner.email, msl_name=owner.name, product=fields.get("product"),
        seriousness=fields.get("seriousness"), status=fields.get("status"), aware_at=aware, deadline_at=deadline,
        received_at=received_at, hours_to_receipt=hours, outcome=outcome,
    )


def _per_msl(user: User, events: list[EventTimeliness]) -> MslTimeliness:
    theirs = [event for event in events if event.msl_email == user.email]
    hours = [event.hours_to_receipt for event in theirs if event.hours_to_receipt is not None]
    return MslTimeliness(
        msl_email=user.email, msl_name=user.name, events=len(theirs), received=len(hours),
        median_hours=round(statistics.median(hours), 1) if hours else None, worst_hours=max(hours) if hours else None,
        late=sum(event.outcome == "late" for event in theirs),
    )


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def as_csv(rows: Sequence[BaseModel], model: type[BaseModel]) -> str:
    """One header row of field names, then one row per item; times in ISO 8601 UTC."""
    buffer = io.StringIO()
    names = list(model.model_fields)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        values = row.model_dump(mode="json")
        writer.writerow(["" if values[name] is None else values[name] for name in names])
    return buffer.getvalue()
