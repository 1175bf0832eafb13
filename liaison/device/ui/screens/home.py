"""Home: today at a glance — adverse events still to report (soonest deadline first), changes the server refused, follow-ups due
(overdue ones marked, each ticked off where it stands), drafts, sync."""

from __future__ import annotations

from datetime import timedelta

import flet as ft

from liaison.device.domain.agenda import agenda
from liaison.device.store import queries
from liaison.device.ui.components.deadline import badge
from liaison.device.ui.components.follow_up import task_row
from liaison.device.ui.components.forms import empty, section
from liaison.device.ui.components.status import SyncSummary
from liaison.device.ui.screens.calendar import visit_row
from liaison.device.ui.state import UiContext


def build(ctx: UiContext) -> ft.Control:
    store = ctx.unlocked
    with store.repository.session() as session:
        today = ctx.display.today()
        due = queries.follow_ups(session, due_by=today + timedelta(days=7), limit=8)
        events = queries.unreported_adverse_events(session)[:8]
        draft_list = queries.drafts(session, limit=8)
        names = queries.hcp_names(session, [item.hcp_id for item in due] + [item.hcp_id for item in draft_list])
        refused = [(refusal, queries.record_subject(session, refusal.table, refusal.record_id)) for refusal in store.repository.refused()[:8]]
    summary = SyncSummary(*ctx.sync_status(), display=ctx.display)
    ctx.live_status = summary
    countdowns = [badge(event.deadline_at, aware_at=event.aware_at) for event in events]
    ctx.live_deadlines = list(countdowns)
    return ft.ListView(
        [
            ft.Text("Today", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            *_zone_banner(ctx),
            todays_agenda(ctx),
            _card(
                "Adverse events to report",
                [
                    ft.ListTile(
                        title=ft.Text(f"{event.product}: {event.description[:60]}"),
                        subtitle=countdown,
                        on_click=lambda e, event_id=event.id: ctx.navigate("Safety", ae_id=event_id),
                    )
                    for event, countdown in zip(events, countdowns, strict=True)
                ]
                or [empty("No adverse event waiting to be reported.")],
            ),
            *(
                [
                    _card(
                        "Needs your attention",
                        [
                            ft.ListTile(
                                leading=ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.ERROR),
                                title=ft.Text(f"{subject} was refused by the server"),
                                subtitle=ft.Text(refusal.reason),
                                on_click=lambda e: ctx.navigate("Sync"),
                            )
                            for refusal, subject in refused
                        ],
                    )
                ]
                if refused
                else []
            ),
            _card(
                "Follow-ups due",
                [
                    *[task_row(ctx, item, names, today, lambda: ctx.navigate("Home")) for item in due],
                    *([] if due else [empty("Nothing due this week.")]),
                    ft.TextButton(content="All follow-ups", on_click=lambda e: ctx.navigate("Follow-ups")),
                ],
            ),
            _card(
                "Drafts not yet submitted",
                [
                    ft.ListTile(
                        title=ft.Text(names.get(item.hcp_id, "HCP")),
                        subtitle=ft.Text(f"{ctx.display.date_text(item.occurred_at)} · {item.notes[:60]}"),
                        on_click=lambda e, item_id=item.id: ctx.navigate("Interactions", open_id=item_id),
                    )
                    for item in draft_list
                ]
                or [empty("No drafts.")],
            ),
            _card(
                "Sync",
                [summary],
            ),
        ],
        spacing=12,
        padding=16,
        expand=True,
    )


def _zone_banner(ctx: UiContext) -> list[ft.Control]:
    """In web mode until the MSL chooses a zone: the server's clock is not theirs, so times show in UTC and Home says so."""
    if not ctx.zone_unconfirmed:
        return []
    return [
        _card(
            "Choose your time zone",
            [
                ft.Text("This browser's time zone is not known to Liaison, so times are shown in UTC until you choose yours."),
                ft.FilledTonalButton(content="Choose time zone", icon=ft.Icons.PUBLIC, on_click=lambda e: ctx.navigate("Settings")),
            ],
        )
    ]


def _card(title: str, rows: list[ft.Control]) -> ft.Card:
    return ft.Card(ft.Container(section(title, *rows), padding=16))


def todays_agenda(ctx: UiContext) -> ft.Card:
    """Today's visits, each with its Log button; tomorrow's when today has none, so the day ahead is never a blank.

    The card never says "today": the screen's own heading does, and a browser spec finds Home by it.
    """
    display = ctx.display
    day = display.today()
    entries = agenda(ctx.unlocked.repository, day, display.zone)
    title = f"Agenda · {display.day_heading(day)}"
    if not entries:
        ahead = agenda(ctx.unlocked.repository, day + timedelta(days=1), display.zone)
        if ahead:
            entries, title = ahead, f"Agenda · {display.day_heading(day + timedelta(days=1))} (tomorrow)"
    rows = [visit_row(ctx, entry, again=lambda: ctx.navigate("Home")) for entry in entries]
    return _card(
        title,
        [
            *(rows or [empty("No visits planned for these two days.")]),
            ft.TextButton(content="Open the calendar", on_click=lambda e: ctx.navigate("Calendar")),
        ],
    )
