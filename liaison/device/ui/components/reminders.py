"""The in-app deadline watch: while the app is open, countdowns keep moving and climbs are announced.

The shell calls `tick()` about once a minute. Each tick re-reads the adverse
events not yet reported, updates the countdown badges on the screen in place,
and hands any event that climbed a level to `announce` (a banner on whatever
screen is open). The same level is never announced twice for one event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import flet as ft

from liaison.core.rules.safety import Urgency
from liaison.device.domain.reminders import OpenEvent, Reminder, Reminders, summary
from liaison.device.store import queries
from liaison.device.ui.components.deadline import COLOURS
from liaison.device.ui.state import UiContext

TICK_SECONDS = 60.0

Announce = Callable[[list[Reminder]], None]


class DeadlineWatch:
    def __init__(self, ctx: UiContext, announce: Announce) -> None:
        self.ctx = ctx
        self.announce = announce
        self.reminders = Reminders()

    def tick(self, now: datetime | None = None) -> list[Reminder]:
        now = now or datetime.now(UTC)
        store = self.ctx.store
        if store is None or store.locked:
            return []
        with store.repository.session() as session:
            events = queries.unreported_adverse_events(session)
        found = self.reminders.check(
            [OpenEvent(event.id, event.product, event.aware_at, event.deadline_at) for event in events if event.deadline_at is not None], now
        )
        for badge in self.ctx.live_deadlines:
            badge.tick(now)
        if found:
            self.announce(found)
        return found


def banner(reminders: list[Reminder], open_event: Callable[[str], None]) -> ft.SnackBar:
    """What the MSL sees on any screen when a deadline gets louder: the loudest first, in its colour,
    and a button that opens that very event (a draft in its form, ready to complete and report)."""
    loudest, event_id = reminders[0].level, reminders[0].event_id
    return ft.SnackBar(
        ft.Text(summary(reminders), color=ft.Colors.ON_ERROR if loudest is Urgency.OVERDUE else None),
        bgcolor=COLOURS[loudest] if loudest is Urgency.OVERDUE else None,
        action=ft.SnackBarAction(label="Open report", on_click=lambda e: open_event(event_id)),
        duration=ft.Duration(seconds=12),
        show_close_icon=True,
    )
