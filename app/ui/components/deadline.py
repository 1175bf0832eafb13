"""Adverse-event deadlines as a person reads them: "Urgent · due in 3 h 12 min", louder as the deadline nears.

Each escalation level has its own colour and word, so the level is never told by
colour alone; overdue is red and bold.
"""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from app.domain.safety import Urgency, time_left, urgency

remaining = time_left
"""The countdown text, kept under the name the screens have always used."""

COLOURS = {
    Urgency.ON_TRACK: ft.Colors.GREEN_700,
    Urgency.DUE_SOON: ft.Colors.AMBER_800,
    Urgency.URGENT: ft.Colors.DEEP_ORANGE_700,
    Urgency.OVERDUE: ft.Colors.ERROR,
}


def badge(deadline: datetime | None, now: datetime | None = None, *, aware_at: datetime | None = None, reported: bool = False) -> ft.Text:
    """The countdown of one event; with `aware_at` it carries the escalation level, with `reported` the clock has stopped."""
    if reported:
        return ft.Text("Reported: reached the server", color=ft.Colors.ON_SURFACE_VARIANT, semantics_label="Reported: reached the server")
    if deadline is None:
        return ft.Text("no deadline")
    now = now or datetime.now(UTC)
    text = remaining(deadline, now)
    level = urgency(aware_at, deadline, now) if aware_at is not None else (Urgency.OVERDUE if deadline <= now else None)
    if level is None:
        return ft.Text(text)
    shown = text if level is Urgency.OVERDUE else f"{level.label.capitalize()} · {text}"
    return ft.Text(
        shown, color=COLOURS[level], weight=ft.FontWeight.BOLD if level >= Urgency.URGENT else None, semantics_label=f"{level.label}: {text}"
    )
