"""Date and time picker buttons beside a form's typed date-time field: a tap fills the field, typing still works.

The field keeps the one typed form (`ENTRY_FORMAT`, '2026-12-31 14:30', in the
MSL's zone); a picker replaces only its own half, the date or the time, so a
time already typed survives a change of day. Pickers are handed plain dates and
times, never a naive `datetime`: Flet would read that in the server's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import flet as ft
from babel import dates as babel_dates

from liaison.device.locale import ENTRY_FORMAT, Display, parse_entry
from liaison.device.ui.components.forms import Form
from liaison.device.ui.state import UiContext


def picked_day(display: Display, chosen: date | datetime | None) -> date | None:
    """The day a date picker handed back, wherever the browser is.

    A picker sends the day's midnight: in UTC, or the browser's midnight as UTC. Zones run
    from UTC-12 to UTC+14, so the browser's midnight falls before noon UTC on the day itself
    (west of Greenwich) or from noon UTC on the day before (east of it); the MSL's chosen
    zone (`display`) need not be the browser's yet, so it is not used here.
    """
    if not isinstance(chosen, datetime):
        return chosen
    if chosen.tzinfo is None:
        return chosen.date()
    utc = chosen.astimezone(UTC)
    return utc.date() if utc.hour < 12 else utc.date() + timedelta(days=1)


def twelve_hour(display: Display) -> bool:
    """Whether the MSL's locale writes times with AM/PM (en_US) rather than 24 hours (en_GB)."""
    return "a" in str(babel_dates.get_time_format("short", locale=display.locale).pattern)


class DateTimeButtons(ft.Row):
    """A calendar and a clock button for the form field `name` (a date-only field gets the calendar alone)."""

    def __init__(self, ctx: UiContext, form: Form, name: str, label: str, *, with_time: bool = True) -> None:
        self.ctx, self.form, self.name, self.what, self.with_time = ctx, form, name, label, with_time
        buttons: list[ft.Control] = [_icon_button(ft.Icons.CALENDAR_MONTH, f"Pick the date: {label}", lambda: self.open_date())]
        if with_time:
            buttons.append(_icon_button(ft.Icons.SCHEDULE, f"Pick the time: {label}", lambda: self.open_time()))
        super().__init__(buttons, spacing=0, tight=True)

    def current(self) -> datetime:
        """What the field holds now, else this moment: where a picker opens."""
        text = str(self.form.value(self.name, "") or "")
        try:
            return (
                parse_entry(self.ctx.display, text)
                if self.with_time
                else datetime.combine(date.fromisoformat(text.strip()), time(), self.ctx.display.zone)
            )
        except ValueError:
            return self.ctx.display.now()

    def open_date(self) -> ft.DatePicker:
        shown = self.current()
        picker = ft.DatePicker(
            value=shown.date(),
            current_date=self.ctx.display.today(),
            help_text=self.what,
            on_change=lambda e: self.fill_date(picked_day(self.ctx.display, e.control.value)),
        )
        self.ctx.show_dialog(picker)
        return picker

    def open_time(self) -> ft.TimePicker:
        shown = self.current()
        picker = ft.TimePicker(
            value=shown.time().replace(second=0, microsecond=0),
            help_text=self.what,
            hour_format=ft.TimePickerHourFormat.H12 if twelve_hour(self.ctx.display) else ft.TimePickerHourFormat.H24,
            on_change=lambda e: self.fill_time(e.control.value),
        )
        self.ctx.show_dialog(picker)
        return picker

    def fill_date(self, day: date | None) -> None:
        if day is None:
            return
        shown = self.current()
        self._fill(datetime.combine(day, shown.time()).strftime(ENTRY_FORMAT) if self.with_time else day.isoformat())

    def fill_time(self, chosen: time | None) -> None:
        if chosen is None:
            return
        self._fill(datetime.combine(self.current().date(), chosen).strftime(ENTRY_FORMAT))

    def _fill(self, text: str) -> None:
        """Into the draft and the field, as if typed (its error goes)."""
        self.form.set(self.name, text)
        field = self.form.controls.get(self.name)
        if isinstance(field, ft.TextField):
            field.value = text
        self.ctx.touch()
        self.ctx.refresh()


def _icon_button(icon: ft.IconData, name: str, on_click: Callable[[], object]) -> ft.IconButton:
    """Named on the icon itself: a tooltip alone names a node as wide as the row around it in the web's semantics tree."""
    return ft.IconButton(icon=ft.Icon(icon, semantics_label=name), tooltip=name, on_click=lambda e: on_click())


def with_pickers(ctx: UiContext, form: Form, field: ft.TextField, name: str, *, with_time: bool = True) -> ft.Row:
    """The field and its buttons side by side, kept together when the row wraps."""
    buttons = DateTimeButtons(ctx, form, name, str(field.label or name), with_time=with_time)
    return ft.Row([field, buttons], spacing=0, tight=True, vertical_alignment=ft.CrossAxisAlignment.CENTER)
