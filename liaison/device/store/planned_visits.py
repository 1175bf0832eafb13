"""Planned visits: planned, moved to another time, cancelled, or logged as the interaction they became.

Each step is one transaction through the write core (`writes`), so it is
stamped, queued for sync and audited as what the MSL did ("plan",
"reschedule", "cancel", "log"). Logging files the interaction prefilled from
the plan (`liaison.device.store.visits.interaction_from_visit`) and marks the
visit logged in the same transaction: a refused interaction leaves the visit planned.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from liaison.core.enums import VisitStatus
from liaison.core.errors import ValidationError
from liaison.core.records.models import Interaction, PlannedVisit
from liaison.device.store.filing import Filing
from liaison.device.store.values import fields
from liaison.device.store.visits import interaction_from_visit
from liaison.device.store.writes import Writes


class PlannedVisits:
    """The MSL's plan of visits, each move in its own transaction."""

    def __init__(self, writes: Writes, filing: Filing) -> None:
        self._writes = writes
        self._filing = filing

    def plan(self, data: Mapping[str, Any]) -> PlannedVisit:
        """A new visit on the calendar; its HCPs must be here (and not erased)."""
        with self._writes.transaction() as session:
            values = self._writes.validate(session, PlannedVisit, {**data, "status": VisitStatus.PLANNED, "interaction_id": None})
            return self._writes.insert(session, PlannedVisit, values, "plan")

    def reschedule(self, visit_id: str, starts_at: datetime, duration_minutes: int | None = None) -> PlannedVisit:
        """Move a planned visit to another time (and length); a cancelled or logged one stays where it was."""
        changes: dict[str, Any] = {"starts_at": starts_at}
        if duration_minutes is not None:
            changes["duration_minutes"] = duration_minutes
        return self._move(visit_id, "reschedule", changes)

    def cancel(self, visit_id: str, reason: str | None = None) -> PlannedVisit:
        """Take a planned visit off the agenda, saying why if the MSL does; it stays on record as cancelled."""
        return self._move(visit_id, "cancel", {"status": VisitStatus.CANCELLED, "cancel_reason": reason})

    def log(self, visit_id: str, values: Mapping[str, Any] | None = None, *, justification: str | None = None) -> Interaction:
        """File the interaction the visit became and mark the visit logged, in one transaction.

        The interaction starts from the plan (lead HCP, further attendees,
        channel, objectives as topics, the planned time) and `values` override
        any of it (notes, follow-ups, the time it really happened); follow-ups
        become tasks as on any filing. Nothing is written if either part is refused.
        """
        with self._writes.transaction() as session:
            visit = self._writes.load(session, PlannedVisit, visit_id)
            _refuse_unless_planned(visit, "log")
            data = {**interaction_from_visit(visit), **dict(values or {}), "planned_visit_id": visit.id}
            data.pop("status", None)
            data.pop("submitted_at", None)
            interaction = self._filing.create_submitted_in(session, Interaction, data, justification=justification)
            before = fields(visit)
            changes = {"status": VisitStatus.LOGGED, "interaction_id": interaction.id, "cancel_reason": None}
            checked = self._writes.validate(session, PlannedVisit, {**before, **changes}, current=visit)
            self._writes.apply(session, visit, before, checked, action="log")
            return interaction

    def _move(self, visit_id: str, action: str, changes: Mapping[str, Any]) -> PlannedVisit:
        with self._writes.transaction() as session:
            visit = self._writes.load(session, PlannedVisit, visit_id)
            _refuse_unless_planned(visit, action)
            before = fields(visit)
            values = self._writes.validate(session, PlannedVisit, {**before, **changes}, current=visit)
            return self._writes.apply(session, visit, before, values, action=action)


def _refuse_unless_planned(visit: PlannedVisit, action: str) -> None:
    """Only a planned visit moves: a cancelled one is planned anew, a logged one is amended through its interaction."""
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError("status", f"planned visit {visit.id} was cancelled; plan a new visit rather than {action} it")
    if visit.status == VisitStatus.LOGGED:
        raise ValidationError("status", f"planned visit {visit.id} is already logged as interaction {visit.interaction_id}")
