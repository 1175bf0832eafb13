"""Safety: adverse-event intake with the four minimum elements and the reporting clock in view.

The deadline appears from the moment the MSL enters when they became aware,
and the saved event goes to the front of the sync queue. As the description is
typed, likely direct identifiers in it (a name, a phone number, a date of birth)
are pointed out beside it: a warning, never a block.
"""

from __future__ import annotations

from datetime import datetime

import flet as ft

from app.domain.identifiers import find_identifiers
from app.domain.safety import check_awareness, reporting_deadline
from app.errors import LiaisonError, ValidationError
from app.store import queries
from app.store.models import AdverseEvent, Seriousness, Sex
from app.ui.components.deadline import badge, remaining
from app.ui.components.forms import Form, empty, section
from app.ui.state import UiContext

TIME_FORMAT = "%Y-%m-%d %H:%M"
SERIOUSNESS = [(item.value, item.value.replace("_", "-").capitalize()) for item in Seriousness]
SEX = [(item.value, item.value.capitalize()) for item in Sex]


class SafetyScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.form = Form(ctx.draft("adverse_event"), on_input=self._input)
        self.form.draft.setdefault("aware_at", datetime.now().strftime(TIME_FORMAT))
        self.form.draft.setdefault("seriousness", Seriousness.UNKNOWN.value)
        self.deadline = ft.Text("", weight=ft.FontWeight.BOLD)
        self.identifiers = ft.Column([], spacing=2, visible=False)
        self._show_deadline()
        self._show_identifiers()

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            events = queries.adverse_events(session, limit=50)
            unsent = queries.unsent_adverse_event_ids(session)
        intake = section(
            "Report an adverse event",
            ft.Text("The four minimum elements: an identifiable reporter, an identifiable patient, a product and an event."),
            self.form.text("reporter", "Reporter", hint="Who told you (name and role)"),
            ft.Row(
                [
                    self.form.text("patient_initials", "Patient initials", width=160),
                    self.form.text("patient_age", "Patient age", width=140, keyboard=ft.KeyboardType.NUMBER),
                    self.form.dropdown("patient_sex", "Patient sex", SEX, width=180),
                ],
                wrap=True,
            ),
            self.form.text("product", "Product"),
            self.form.text("description", "Event description", multiline=True),
            ft.Semantics(content=self.identifiers, container=True),  # its own node: read (and found) as it appears
            ft.Row([self.form.dropdown("seriousness", "Seriousness", SERIOUSNESS, width=200), self.form.text("aware_at", "Became aware at", hint="YYYY-MM-DD HH:MM", width=220)], wrap=True),
            self.deadline,
            self.form.banner,
            ft.FilledButton(content="Report adverse event", icon=ft.Icons.PRIORITY_HIGH, on_click=lambda e: self.save()),
        )
        countdowns = [badge(event.deadline_at, aware_at=event.aware_at, reported=event.status != "draft" and event.id not in unsent) for event in events]
        self.ctx.live_deadlines = list(countdowns)
        rows = [
            ft.ListTile(
                title=ft.Text(f"{event.product}: {event.description[:80]}"),
                subtitle=ft.Row([ft.Text(f"{event.status} · aware {event.aware_at.astimezone():%d %b %H:%M} ·"), countdown], wrap=True),
            )
            for event, countdown in zip(events, countdowns)
        ]
        return ft.ListView([ft.Card(ft.Container(intake, padding=16)), section("Adverse events", *(rows or [empty("None reported.")]))], spacing=12, padding=16, expand=True)

    def _input(self) -> None:
        self.ctx.touch()
        self._show_deadline()
        self._show_identifiers()

    def _show_identifiers(self) -> None:
        """Point out likely direct identifiers in the description, each in plain words, beside the field."""
        findings = find_identifiers(str(self.form.value("description", "")))
        self.identifiers.controls = [
            ft.Row(
                [ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.AMBER_900, size=18), ft.Text(finding.warning, color=ft.Colors.AMBER_900, expand=True)],
                spacing=6,
            )
            for finding in findings
        ]
        self.identifiers.visible = bool(findings)

    def _show_deadline(self) -> None:
        try:
            aware = _when(self.form.value("aware_at", ""))
        except ValidationError:
            self.deadline.value = "Enter when you became aware to see the reporting deadline."
            return
        due = reporting_deadline(aware, self.ctx.settings.ae_window, self.ctx.settings.local_tz)
        self.deadline.value = f"Report to pharmacovigilance by {due.astimezone(self.ctx.settings.local_tz):%a %d %b %H:%M} ({remaining(due)})"

    def save(self) -> str | None:
        draft = self.form.draft
        try:
            age = self.form.value("patient_age")
            if age is not None and not str(age).strip().isdigit():
                raise ValidationError("patient_age", "must be a whole number of years")
            event = self.ctx.unlocked.repository.create(
                AdverseEvent,
                {
                    "reporter": self.form.value("reporter", ""), "aware_at": _awareness(self.form.value("aware_at", "")),
                    "patient_initials": self.form.value("patient_initials"), "patient_age": int(age) if age else None,
                    "patient_sex": self.form.value("patient_sex", Sex.UNKNOWN.value), "product": self.form.value("product", ""),
                    "description": self.form.value("description", ""), "seriousness": draft.get("seriousness", "unknown"),
                },
            )
            self.ctx.unlocked.repository.submit(AdverseEvent, event.id)
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        self.form.reset()
        self.ctx.changed()
        if self.ctx.sync is not None:
            self.ctx.sync.sync_now()
        self.ctx.notify("Adverse event reported; it will sync first")
        self.ctx.navigate("Safety")
        return event.id


def _when(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT).astimezone()
    except ValueError:
        raise ValidationError("aware_at", "use the form YYYY-MM-DD HH:MM") from None


def _awareness(text: str) -> datetime:
    """The awareness time typed in the form, refused beside the field when it lies in the future."""
    try:
        return check_awareness(_when(text))
    except ValueError as error:
        raise ValidationError("aware_at", str(error).removeprefix("aware_at: ")) from None
