"""Calendar: the MSL's planned visits by day, by week, or as an agenda of what is ahead; plan, move, cancel and log them.

Every time shown goes through `ctx.display` (the MSL's locale and zone); a day
runs midnight to midnight where they are (`liaison.device.domain.agenda`).
"Log" opens the Log-interaction screen prefilled from the plan; submitting
there files the interaction and marks the visit logged in one step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import flet as ft

from liaison.core.enums import Channel, VisitStatus
from liaison.core.errors import LiaisonError, ValidationError, ValidationErrors
from liaison.core.records.models import PlannedVisit
from liaison.device.domain.agenda import AgendaEntry, agenda, week_start
from liaison.device.ui.components.forms import Form, empty, section, split_list
from liaison.device.ui.components.hcp_list import HcpListField
from liaison.device.ui.state import UiContext

SCREEN = "Calendar"
VIEWS = ("day", "week", "agenda")
AGENDA_DAYS = 14
"""How far ahead the agenda view reads."""
CHANNELS = [(channel.value, channel.value.replace("_", " ").capitalize()) for channel in Channel]


class CalendarScreen:
    """One of the three views around a day, with the way to the days before and after."""

    def __init__(self, ctx: UiContext, view: str = "agenda", day: date | None = None) -> None:
        self.ctx = ctx
        self.mode = view if view in VIEWS else "agenda"
        self.day = day or ctx.display.today()

    def view(self) -> ft.Control:
        first, days = self.window()
        entries = agenda(self.ctx.unlocked.repository, first, self.ctx.display.zone, days)
        switch = ft.SegmentedButton(
            segments=[ft.Segment(value=name, label=name.capitalize()) for name in VIEWS],
            selected=[self.mode],
            on_change=lambda e: self.ctx.navigate(SCREEN, view=e.control.selected[0], day=self.day),
        )
        step = {"day": 1, "week": 7, "agenda": AGENDA_DAYS}[self.mode]
        moves = ft.Row(
            [
                ft.IconButton(ft.Icons.CHEVRON_LEFT, tooltip="Earlier", on_click=lambda e: self.go(self.day - timedelta(days=step))),
                ft.TextButton(content="Today", on_click=lambda e: self.go(self.ctx.display.today())),
                ft.IconButton(ft.Icons.CHEVRON_RIGHT, tooltip="Later", on_click=lambda e: self.go(self.day + timedelta(days=step))),
                ft.Text(self.heading(first, days), weight=ft.FontWeight.W_500),
            ],
            wrap=True,
        )
        return ft.ListView(
            [
                ft.Text("Calendar", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
                ft.Row(
                    [switch, ft.FilledButton(content="Plan visit", icon=ft.Icons.ADD, on_click=lambda e: self.ctx.navigate(SCREEN, plan=True))],
                    wrap=True,
                ),
                moves,
                *self.days(first, days, entries),
            ],
            spacing=12,
            padding=16,
            expand=True,
        )

    def window(self) -> tuple[date, int]:
        """The first day shown and how many: the day, its week (Monday on), or the agenda's days ahead."""
        if self.mode == "day":
            return self.day, 1
        if self.mode == "week":
            return week_start(self.day), 7
        return self.day, AGENDA_DAYS

    def heading(self, first: date, days: int) -> str:
        display = self.ctx.display
        if days == 1:
            return display.day_heading(first)
        return f"{display.date_text(first)} – {display.date_text(first + timedelta(days=days - 1))}"

    def days(self, first: date, days: int, entries: list[AgendaEntry]) -> list[ft.Control]:
        """A section per day; the agenda leaves out the days with nothing planned."""
        by_day: dict[date, list[AgendaEntry]] = {}
        for entry in entries:
            by_day.setdefault(self.ctx.display.local(entry.visit.starts_at).date(), []).append(entry)
        shown: list[ft.Control] = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            found = by_day.get(day, [])
            if self.mode == "agenda" and not found:
                continue
            rows = [visit_row(self.ctx, entry, again=lambda: self.go(self.day)) for entry in found]
            shown.append(section(self.ctx.display.day_heading(day), *(rows or [empty("Nothing planned.")])))
        return shown or [empty(f"Nothing planned in the next {AGENDA_DAYS} days.")]

    def go(self, day: date) -> None:
        self.ctx.navigate(SCREEN, view=self.mode, day=day)


def visit_row(ctx: UiContext, entry: AgendaEntry, again: Callable[[], None]) -> ft.Control:
    """A visit as the calendar and Home show it: time, HCPs, place and status, with what can still be done to it:
    log, move, cancel, or read the lead HCP's pre-call brief to prepare."""
    visit = entry.visit
    display = ctx.display
    end = visit.starts_at + timedelta(minutes=visit.duration_minutes)
    details = " · ".join(part for part in (visit.place, str(visit.channel).replace("_", " "), _status_text(visit)) if part)
    actions: list[ft.Control] = []
    names = ", ".join(entry.names)
    if visit.status == VisitStatus.PLANNED:
        actions = [
            ft.TextButton(
                content="Log", tooltip=f"Log the visit with {names}", on_click=lambda e: ctx.navigate("Log interaction", planned_visit_id=visit.id)
            ),
            ft.TextButton(
                content="Reschedule", tooltip=f"Reschedule the visit with {names}", on_click=lambda e: reschedule_dialog(ctx, visit, again)
            ),
            ft.TextButton(content="Cancel", tooltip=f"Cancel the visit with {names}", on_click=lambda e: cancel_dialog(ctx, visit, again)),
            ft.TextButton(
                content="Brief",
                tooltip=f"Brief on {entry.names[0] if entry.names else 'the lead HCP'}",
                on_click=lambda e: ctx.navigate("Brief", hcp_id=visit.hcp_ids[0]),
            ),
        ]
    return ft.Column(
        [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.EVENT_BUSY if visit.status == VisitStatus.CANCELLED else ft.Icons.EVENT),
                title=ft.Text(f"{display.time_text(visit.starts_at)}–{display.time_text(end)}  {names}"),
                subtitle=ft.Text(details),
            ),
            ft.Row(actions, wrap=True),
        ],
        spacing=0,
    )


def _status_text(visit: PlannedVisit) -> str:
    if visit.status == VisitStatus.CANCELLED:
        return f"Cancelled: {visit.cancel_reason}" if visit.cancel_reason else "Cancelled"
    return "Logged" if visit.status == VisitStatus.LOGGED else "Planned"


def reschedule_dialog(ctx: UiContext, visit: PlannedVisit, again: Callable[[], None]) -> None:
    """A date picker, then a time picker; the new time is written once both are chosen."""
    local = ctx.display.local(visit.starts_at)

    def day_chosen(e: ft.Event[ft.DatePicker]) -> None:
        chosen = picked_day(e.control.value, ctx)
        if chosen is None:
            return
        clock = ft.TimePicker(value=local.time(), help_text="New start time", on_change=lambda ev: time_chosen(chosen, ev.control.value))
        ctx.show_dialog(clock)

    def time_chosen(day: date, at: time | None) -> None:
        if at is not None:
            reschedule(ctx, visit, datetime.combine(day, at, tzinfo=ctx.display.zone), again)

    ctx.show_dialog(ft.DatePicker(value=local, help_text="New date of the visit", on_change=day_chosen))


def picked_day(value: date | datetime | None, ctx: UiContext) -> date | None:
    """The picked day, read where the MSL is (a picker may hand back midnight in UTC)."""
    if isinstance(value, datetime):
        return ctx.display.local(value).date() if value.tzinfo else value.date()
    return value


def reschedule(ctx: UiContext, visit: PlannedVisit, starts_at: datetime, again: Callable[[], None]) -> bool:
    try:
        moved = ctx.unlocked.repository.reschedule_visit(visit.id, starts_at)
    except LiaisonError as error:
        ctx.notify(str(error))
        return False
    ctx.changed()
    ctx.notify(f"Visit moved to {ctx.display.datetime_text(moved.starts_at)}")
    again()
    return True


def cancel_dialog(ctx: UiContext, visit: PlannedVisit, again: Callable[[], None]) -> None:
    reason = ft.TextField(label="Reason (optional)", autofocus=True)

    def confirm(e: Any) -> None:
        ctx.close_dialog()
        cancel(ctx, visit, reason.value, again)

    ctx.show_dialog(
        ft.AlertDialog(
            title=ft.Text("Cancel this visit?"),
            content=reason,
            actions=[
                ft.TextButton(content="Keep it", on_click=lambda e: ctx.close_dialog()),
                ft.FilledButton(content="Cancel visit", on_click=confirm),
            ],
        )
    )


def cancel(ctx: UiContext, visit: PlannedVisit, reason: str | None, again: Callable[[], None]) -> bool:
    try:
        ctx.unlocked.repository.cancel_visit(visit.id, reason)
    except LiaisonError as error:
        ctx.notify(str(error))
        return False
    ctx.changed()
    ctx.notify("Visit cancelled")
    again()
    return True


class PlanVisitForm:
    """Plan a visit: one or several HCPs, date, time, length, place, channel and objectives."""

    DRAFT = "plan_visit"

    def __init__(self, ctx: UiContext, day: date | None = None) -> None:
        self.ctx = ctx
        start = day or ctx.display.today()
        self.form = Form(
            ctx.draft(self.DRAFT),
            on_input=ctx.touch,
            defaults={"date": start.isoformat(), "time": "09:00", "duration": "30", "channel": Channel.IN_PERSON.value},
        )
        self.hcps = HcpListField(ctx.unlocked.repository, self.form.draft, "hcps", "HCPs (the first one leads)", on_input=ctx.touch)
        self.form.controls["hcps"] = self.hcps.field

    def view(self) -> ft.Control:
        form = self.form
        return ft.ListView(
            [
                ft.Text("Plan visit", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
                self.hcps,
                ft.Row(
                    [
                        form.text("date", "Date", hint="YYYY-MM-DD", width=180),
                        form.text("time", "Time", hint="HH:MM", width=140),
                        form.text("duration", "Duration (minutes)", width=180, keyboard=ft.KeyboardType.NUMBER),
                        form.dropdown("channel", "Channel", CHANNELS, width=200),
                    ],
                    wrap=True,
                ),
                form.text("place", "Place"),
                form.text("objectives", "Objectives", hint="Separate with commas"),
                form.banner,
                ft.Row(
                    [
                        ft.FilledButton(content="Plan", on_click=lambda e: self.save()),
                        ft.TextButton(content="Back to the calendar", on_click=lambda e: self.ctx.navigate(SCREEN)),
                    ],
                    wrap=True,
                ),
            ],
            spacing=12,
            padding=16,
            expand=True,
        )

    def save(self) -> str | None:
        """Validate and plan through the repository; the new visit's id, or None with every problem shown."""
        try:
            visit = self.ctx.unlocked.repository.plan_visit(self.values())
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        self.form.reset()
        self.form.draft.clear()
        self.ctx.changed()
        self.ctx.discard_draft(self.DRAFT)
        self.ctx.notify(f"Visit planned for {self.ctx.display.datetime_text(visit.starts_at)}")
        self.ctx.navigate(SCREEN, view="day", day=self.ctx.display.local(visit.starts_at).date())
        return visit.id

    def values(self) -> dict[str, Any]:
        problems: list[ValidationError] = []
        if not self.hcps.ids:
            problems.append(ValidationError("hcps", "choose at least one HCP: type part of a name and pick a match", label="HCPs"))
        starts_at = None
        try:
            day = date.fromisoformat(str(self.form.value("date", "")).strip())
            at = time.fromisoformat(str(self.form.value("time", "")).strip())
            starts_at = datetime.combine(day, at, tzinfo=self.ctx.display.zone)
        except ValueError:
            problems.append(ValidationError("date", "use a date like 2026-12-31 and a time like 14:30", label="Date"))
        duration: Any = str(self.form.value("duration", "30")).strip()
        if problems:
            raise ValidationErrors.of(problems)
        return {
            "hcp_ids": self.hcps.ids,
            "starts_at": starts_at,
            "duration_minutes": duration,
            "place": self.form.value("place"),
            "channel": self.form.value("channel", Channel.IN_PERSON.value),
            "objectives": split_list(self.form.draft.get("objectives")),
        }


def build(ctx: UiContext, **kwargs: Any) -> ft.Control:
    if kwargs.get("plan"):
        return PlanVisitForm(ctx, kwargs.get("day")).view()
    return CalendarScreen(ctx, kwargs.get("view", "agenda"), kwargs.get("day")).view()
