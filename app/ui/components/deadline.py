"""Adverse-event deadlines as a person reads them: "due in 5 h 12 min", overdue in red."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft


def remaining(deadline: datetime, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    seconds = int((deadline - now).total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    span = f"{days} d {hours} h" if days else f"{hours} h {minutes} min"
    return f"overdue by {span}" if overdue else f"due in {span}"


def badge(deadline: datetime | None, now: datetime | None = None) -> ft.Text:
    if deadline is None:
        return ft.Text("no deadline")
    text = remaining(deadline, now)
    overdue = text.startswith("overdue")
    return ft.Text(text, color=ft.Colors.ERROR if overdue else None, weight=ft.FontWeight.BOLD if overdue else None)
