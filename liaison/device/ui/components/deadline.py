"""Adverse-event deadlines as a person reads them: "Urgent · due in 3 h 12 min", louder as the deadline nears.

Each escalation level has its own colour and its own word in the text (which is
what a screen reader reads), so the level is never told by colour alone;
overdue is red and bold. A `DeadlineBadge` can be ticked
in place, so an open screen keeps counting down without being rebuilt (and
without taking the focus from a field being typed in).
"""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from liaison.core.rules.safety import Urgency, time_left, urgency

remaining = time_left
"""The countdown text, kept under the name the screens have always used."""

COLOURS = {
    Urgency.ON_TRACK: ft.Colors.GREEN_800,
    Urgency.DUE_SOON: ft.Colors.AMBER_900,
    Urgency.URGENT: ft.Colors.DEEP_ORANGE_800,
    Urgency.OVERDUE: ft.Colors.ERROR,
}
REPORTED = "Reported: reached the server"


class DeadlineBadge(ft.Text):
    """One event's countdown; `tick(now)` re-reads the clock."""

    def __init__(self, deadline: datetime | None, aware_at: datetime | None = None, *, reported: bool = False, now: datetime | None = None) -> None:
        self.deadline, self.aware_at, self.reported = deadline, aware_at, reported
        super().__init__("")
        self.tick(now)

    def tick(self, now: datetime | None = None) -> Urgency | None:
        """Show the time left as of `now`; returns the level (None once reported or with no deadline)."""
        now = now or datetime.now(UTC)
        self.color, self.weight = None, None
        if self.reported or self.deadline is None:
            self.value = REPORTED if self.reported else "no deadline"
            self.color = ft.Colors.ON_SURFACE_VARIANT if self.reported else None
            return None
        text = remaining(self.deadline, now)
        if self.aware_at is None:
            level = Urgency.OVERDUE if self.deadline < now else None
        else:
            level = urgency(self.aware_at, self.deadline, now)
        if level is None:
            self.value = text
            return None
        self.value = text if level is Urgency.OVERDUE else f"{level.label.capitalize()} · {text}"
        self.color = COLOURS[level]
        self.weight = ft.FontWeight.BOLD if level >= Urgency.URGENT else None
        return level


def badge(deadline: datetime | None, now: datetime | None = None, *, aware_at: datetime | None = None, reported: bool = False) -> DeadlineBadge:
    return DeadlineBadge(deadline, aware_at, reported=reported, now=now)
