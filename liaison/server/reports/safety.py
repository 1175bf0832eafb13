"""Adverse-event timeliness: how long each report took from the MSL's awareness to the company's server.

An event counts as received when a change carrying it as filed (submitted or
acknowledged) first reached the server: the `received_at` of that change in
the change log, the order of truth. A draft that synced is not a report yet.
The deadline is computed here, from the event's awareness time and the
server's own reporting window (`ServerSettings.ae_window`), with the same rule
the app counts down by (`liaison.core.rules.safety.reporting_deadline`): a device's
`deadline_at` is shown only as what the device said, and decides nothing.
An event whose awareness time is missing or unreadable has no deadline the
server can trust, so once received it counts as late. Each event is on time (received by its deadline), late
(received after it, or not received and past it) or pending (not received, not
yet due). Per MSL: how many, median and worst hours to receipt, how many late.

A manager sees their team; an administrator sees everyone; nobody else sees it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from liaison.core.rules.safety import ReportingWindow, reporting_deadline
from liaison.server import scope
from liaison.server.csv_export import to_csv
from liaison.server.models import ChangeLog, RecordRow, User

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
    """Computed on the server from `aware_at` and the company's window."""
    device_deadline_at: datetime | None
    """The deadline the device stored, for information only."""
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


@dataclass(frozen=True)
class Policy:
    """The server's reporting window and the calendar its business days are counted in."""

    window: ReportingWindow = ReportingWindow(hours=24)
    zone: tzinfo = UTC

    def deadline(self, aware_at: datetime | None) -> datetime | None:
        return reporting_deadline(aware_at, self.window, self.zone) if aware_at is not None else None


def ae_timeliness(session: Session, viewer: User, policy: Policy, now: datetime | None = None) -> TimelinessReport:
    """The report as `viewer` may see it: a manager's team, or everyone for an administrator."""
    now = now or datetime.now(UTC)
    owners = scope.report_owners(session, viewer)
    people = {user.id: user for user in session.exec(select(User).where(col(User.id).in_(owners)))} if owners else {}
    records = session.exec(select(RecordRow).where(RecordRow.table_name == TABLE, col(RecordRow.owner_user_id).in_(owners))).all() if owners else []
    received = _received(session, owners)
    events = sorted(
        (_event(row, people[row.owner_user_id], received.get(row.record_id), policy, now) for row in records),
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


def _event(row: RecordRow, owner: User, received_at: datetime | None, policy: Policy, now: datetime) -> EventTimeliness:
    fields = row.fields
    aware = _moment(fields.get("aware_at"))
    deadline = policy.deadline(aware)
    hours = round((received_at - aware).total_seconds() / 3600, 1) if received_at and aware else None
    return EventTimeliness(
        event_id=row.record_id,
        msl_email=owner.email,
        msl_name=owner.name,
        product=fields.get("product"),
        seriousness=fields.get("seriousness"),
        status=fields.get("status"),
        aware_at=aware,
        deadline_at=deadline,
        device_deadline_at=_moment(fields.get("deadline_at")),
        received_at=received_at,
        hours_to_receipt=hours,
        outcome=_outcome(deadline, received_at, now),
    )


def _outcome(deadline: datetime | None, received_at: datetime | None, now: datetime) -> str:
    """On time only when received by the server's deadline; with no deadline the server can compute, never on time."""
    if received_at is not None:
        return "on time" if deadline is not None and received_at <= deadline else "late"
    return "late" if deadline is not None and now > deadline else "pending"


def _per_msl(user: User, events: list[EventTimeliness]) -> MslTimeliness:
    theirs = [event for event in events if event.msl_email == user.email]
    hours = [event.hours_to_receipt for event in theirs if event.hours_to_receipt is not None]
    return MslTimeliness(
        msl_email=user.email,
        msl_name=user.name,
        events=len(theirs),
        received=len(hours),
        median_hours=round(statistics.median(hours), 1) if hours else None,
        worst_hours=max(hours) if hours else None,
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
    names = list(model.model_fields)
    return to_csv(names, ([row.model_dump(mode="json")[name] for name in names] for row in rows))
