"""Events: advisory boards, education sessions and congresses, with attendees, agenda and outcomes."""

from __future__ import annotations

from datetime import datetime

import flet as ft

from app.errors import LiaisonError, ValidationError
from app.store import queries
from app.store.models import EventKind, MedicalEvent
from app.ui.components.forms import Form, empty, section
from app.ui.context import UiContext

KINDS = [(kind.value, kind.value.replace("_", " ").capitalize()) for kind in EventKind]
TIME_FORMAT = "%Y-%m-%d %H:%M"


class EventsScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.form = Form(ctx.draft("event"), on_input=ctx.touch)
        self.form.draft.setdefault("kind", EventKind.ADVISORY_BOARD.value)

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            events = queries.medical_events(session)
            names = queries.hcp_names(session, [hcp for event in events for hcp in event.attendee_ids])
        plan = section(
            "Plan an event",
            ft.Row([self.form.dropdown("kind", "Kind", KINDS, width=220), self.form.text("title", "Title", width=360)], wrap=True),
            ft.Row([self.form.text("starts_at", "Starts at", hint="YYYY-MM-DD HH:MM", width=220), self.form.text("location", "Location", width=360)], wrap=True),
            self.form.text("agenda", "Agenda", multiline=True),
            self.form.banner,
            ft.FilledButton(content="Save event", on_click=lambda e: self.save()),
        )
        cards = [
            ft.Card(
                ft.Container(
                    section(
                        f"{event.title}",
                        ft.Text(f"{event.kind.replace('_', ' ')} · {event.starts_at.astimezone():%d %b %Y %H:%M} · {event.location or '—'}"),
                        ft.Text("Attendees: " + (", ".join(names.get(hcp, "HCP") for hcp in event.attendee_ids) or "none yet")),
                        ft.Text("Agenda:\n" + (event.agenda or "—")),
                        ft.Text("Outcomes: " + (event.outcomes or "not recorded yet")),
                    ),
                    padding=16,
                )
            )
            for event in events
        ]
        return ft.ListView([ft.Card(ft.Container(plan, padding=16)), *(cards or [empty("No events yet.")])], spacing=12, padding=16, expand=True)

    def save(self) -> str | None:
        try:
            try:
                starts = datetime.strptime(self.form.value("starts_at", "").strip(), TIME_FORMAT).astimezone()
            except ValueError:
                raise ValidationError("starts_at", "use the form YYYY-MM-DD HH:MM") from None
            event = self.ctx.unlocked.repository.create(
                MedicalEvent,
                {"kind": self.form.value("kind"), "title": self.form.value("title", ""), "starts_at": starts,
                 "location": self.form.value("location"), "agenda": self.form.value("agenda", "")},
            )
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        self.form.reset()
        self.form.draft["kind"] = EventKind.ADVISORY_BOARD.value
        self.ctx.changed()
        self.ctx.notify("Event saved")
        self.ctx.navigate("Events")
        return event.id
