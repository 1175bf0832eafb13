"""Reads over the MSL's planned visits and who attended what: the calendar, the agenda, the brief.

The calendar reads a window of time through `ix_planned_visit_deleted_starts`;
an HCP's next visit scans only the visits still ahead (few, even in a store of
50,000 HCPs); the interactions an HCP attended besides the lead come from the
device-only `interaction_attendee` lookup (migration 0015), indexed by HCP and time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from liaison.core.enums import VisitStatus
from liaison.core.records.models import Interaction, PlannedVisit
from liaison.device.store.models import InteractionAttendee


def visits_between(session: Session, start: datetime, end: datetime, *, statuses: tuple[VisitStatus, ...] = ()) -> list[PlannedVisit]:
    """The visits starting in [start, end), soonest first, whatever their status unless `statuses` narrows it."""
    statement = select(PlannedVisit).where(
        col(PlannedVisit.deleted).is_(False), col(PlannedVisit.starts_at) >= start, col(PlannedVisit.starts_at) < end
    )
    if statuses:
        statement = statement.where(col(PlannedVisit.status).in_([str(status) for status in statuses]))
    return list(session.exec(statement.order_by(col(PlannedVisit.starts_at), col(PlannedVisit.id))).all())


def next_planned_visit(session: Session, hcp_id: str, after: datetime) -> PlannedVisit | None:
    """The soonest visit still planned with this HCP (lead or attendee) starting at or after `after`; None if there is none."""
    statement = (
        select(PlannedVisit)
        .where(
            col(PlannedVisit.deleted).is_(False),
            col(PlannedVisit.starts_at) >= after,
            PlannedVisit.status == VisitStatus.PLANNED,
            text("EXISTS (SELECT 1 FROM json_each(planned_visit.hcp_ids) WHERE json_each.value = :hcp)").bindparams(hcp=hcp_id),
        )
        .order_by(col(PlannedVisit.starts_at), col(PlannedVisit.id))
        .limit(1)
    )
    return session.exec(statement).first()


def interactions_attended(session: Session, hcp_id: str, limit: int = 20) -> list[Interaction]:
    """The interactions this HCP attended as a further attendee of a group meeting (not as its lead), newest first."""
    statement = (
        select(Interaction)
        .join(InteractionAttendee, col(InteractionAttendee.interaction_id) == col(Interaction.id))
        .where(InteractionAttendee.hcp_id == hcp_id, col(Interaction.deleted).is_(False))
        .order_by(col(InteractionAttendee.occurred_at).desc(), col(Interaction.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())


def interaction_from_visit(visit: PlannedVisit) -> dict[str, Any]:
    """The interaction a visit becomes, before the MSL adds what happened: the lead HCP, the others as attendees,
    the channel, the objectives as topics, the plan items it was meant to serve and the planned time as when it occurred."""
    return {
        "hcp_id": visit.hcp_ids[0],
        "attendee_ids": list(visit.hcp_ids[1:]),
        "channel": visit.channel,
        "topics": list(visit.objectives),
        "plan_items": list(visit.plan_items),
        "occurred_at": visit.starts_at,
        "planned_visit_id": visit.id,
    }
