"""The MSL's days and weeks as windows of time: a calendar day runs midnight to midnight where they are.

Both the `liaison agenda` command and the Calendar screen ask the store for
the visits of one of these windows (`liaison.device.store.visits.visits_between`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from liaison.core.records.models import PlannedVisit
from liaison.device.store import queries, visits
from liaison.device.store.repository import Repository


@dataclass(frozen=True)
class AgendaEntry:
    """A visit as a calendar shows it: the visit, and its HCPs' names in order (the lead first)."""

    visit: PlannedVisit
    names: tuple[str, ...]


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def day_window(day: date, zone: tzinfo, days: int = 1) -> tuple[datetime, datetime]:
    """From the day's local midnight to the midnight `days` later, as aware instants."""
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=days), time(), tzinfo=zone)
    return start, end


def agenda(repository: Repository, day: date, zone: tzinfo, days: int = 1) -> list[AgendaEntry]:
    """The visits of `days` days from `day`, soonest first, each with its HCPs' names."""
    start, end = day_window(day, zone, days)
    with repository.session() as session:
        found = visits.visits_between(session, start, end)
        names = queries.hcp_names(session, [hcp_id for visit in found for hcp_id in visit.hcp_ids])
    return [AgendaEntry(visit, tuple(names.get(hcp_id, hcp_id) for hcp_id in visit.hcp_ids)) for visit in found]


def local_moment(text: str, zone: tzinfo) -> datetime:
    """An ISO 8601 time as typed: one without an offset is a time where the MSL is."""
    moment = datetime.fromisoformat(text.strip())
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
