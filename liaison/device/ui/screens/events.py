"""Events: advisory boards, education sessions and congresses, with attendees, agenda and outcomes.

Attendees are added by typing part of a name; Enter adds only an HCP beyond
doubt, and each attendee is shown with their institution.
"""

from __future__ import annotations

import flet as ft

from liaison.core.enums import EventKind
from liaison.core.errors import ComplianceFindings, LiaisonError, ValidationError
from liaison.core.records.models import LONG_TEXT, Hcp, MedicalEvent
from liaison.device.locale import parse_entry
from liaison.device.store import queries
from liaison.device.store.queries import HcpFilter
from liaison.device.ui.components.forms import Form, empty, section
from liaison.device.ui.components.hcp_picker import HcpMatches, chosen, identity, the_one
from liaison.device.ui.components.review import ReviewPanel
from liaison.device.ui.components.when import with_pickers
from liaison.device.ui.state import UiContext

KINDS = [(kind.value, kind.value.replace("_", " ").capitalize()) for kind in EventKind]
TIME_FORMAT = "%Y-%m-%d %H:%M"


class EventsScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.form = Form(ctx.draft("event"), on_input=ctx.touch, defaults={"kind": EventKind.ADVISORY_BOARD.value})
        self.names: dict[str, str] = {}
        self.matches = HcpMatches(on_pick=self.add, action="choose whom to add")
        self.chips = ft.Row(wrap=True, spacing=6)

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            events = queries.medical_events(session)
            names = queries.hcp_names(session, [hcp for event in events for hcp in event.attendee_ids] + self.attendees())
        self.names.update(names)
        self.names.update({hcp_id: identity(hcp) for hcp_id in self.attendees() if (hcp := chosen(self.ctx.unlocked.repository, hcp_id))})
        attendee = self.form.text(
            "attendee",
            "Add attendee",
            hint="Type part of a name, then choose (Enter adds the HCP when only one matches)",
            on_submit=self.add_on_enter,
        )
        attendee.on_change = self._typed
        self._show_attendees()
        plan = section(
            "Plan an event",
            ft.Row([self.form.dropdown("kind", "Kind", KINDS, width=220), self.form.text("title", "Title", width=360)], wrap=True),
            ft.Row(
                [
                    with_pickers(self.ctx, self.form, self.form.text("starts_at", "Starts at", hint="YYYY-MM-DD HH:MM", width=220), "starts_at"),
                    self.form.text("location", "Location", width=360),
                ],
                wrap=True,
            ),
            attendee,
            self.matches,
            self.chips,
            self.form.text("agenda", "Agenda", multiline=True, limit=LONG_TEXT),
            self.form.banner,
            ft.FilledButton(content="Save event", on_click=lambda e: self.save()),
        )
        cards: list[ft.Control] = [
            ft.Card(
                ft.Container(
                    section(
                        f"{event.title}",
                        ft.Text(f"{event.kind.replace('_', ' ')} · {self.ctx.display.datetime_text(event.starts_at)} · {event.location or '—'}"),
                        ft.Text("Attendees: " + (", ".join(names.get(hcp, "HCP") for hcp in event.attendee_ids) or "none yet")),
                        ft.Text("Agenda:\n" + (event.agenda or "—")),
                        ft.Text("Outcomes: " + (event.outcomes or "not recorded yet")),
                        *self._outcomes(event),
                    ),
                    padding=16,
                )
            )
            for event in events
        ]
        return ft.ListView([ft.Card(ft.Container(plan, padding=16)), *(cards or [empty("No events yet.")])], spacing=12, padding=16, expand=True)

    def attendees(self) -> list[str]:
        return list(self.form.draft.get("attendee_ids", []))

    def _typed(self, e: ft.Event[ft.TextField]) -> None:
        self.form.set("attendee", e.control.value)
        self.show_matches()

    def show_matches(self) -> list[Hcp]:
        typed = self.form.draft.get("attendee", "")
        with self.ctx.unlocked.repository.session() as session:
            found = [hcp for hcp in queries.search_hcps(session, HcpFilter(search=typed), limit=6) if hcp.id not in self.attendees()] if typed else []
        self.matches.show(found)
        return found

    def add_on_enter(self) -> None:
        """Enter adds only an HCP beyond doubt; otherwise the matches stay and the MSL is asked to choose."""
        typed = self.form.draft.get("attendee", "")
        found = self.show_matches()
        one = the_one(typed, found)
        if one is not None:
            self.add(one)
        else:
            self.matches.ask(typed, found)

    def add(self, hcp: Hcp) -> None:
        self.names[hcp.id] = identity(hcp)
        self.form.draft["attendee_ids"] = [*self.attendees(), hcp.id]
        self.form.draft["attendee"] = ""
        self.form.controls["attendee"].value = ""  # type: ignore[attr-defined]
        self.matches.clear()
        self._show_attendees()

    def remove(self, hcp_id: str) -> None:
        self.form.draft["attendee_ids"] = [item for item in self.attendees() if item != hcp_id]
        self._show_attendees()

    def _show_attendees(self) -> None:
        self.chips.controls = [
            ft.Chip(
                label=ft.Text(self.names.get(hcp_id, "HCP")),
                on_delete=lambda e, hcp_id=hcp_id: self.remove(hcp_id),
                delete_icon_tooltip=f"Remove {self.names.get(hcp_id, 'HCP')}",
            )
            for hcp_id in self.attendees()
        ] or [empty("No attendees yet.")]

    def _outcomes(self, event: MedicalEvent) -> list[ft.Control]:
        """Outcomes are written after the event, as an edit of it."""
        form = Form(self.ctx.draft(f"outcomes:{event.id}"), on_input=self.ctx.touch)
        form.draft.setdefault("outcomes", event.outcomes)
        review = ReviewPanel(
            form,
            action="save",
            label=f"Justification for the outcomes of {event.title}",
            button=f"Save outcomes of {event.title} anyway",
            on_override=lambda why: self.record_outcomes(event.id, form, review, why),
        )

        def save(e: object) -> None:
            self.record_outcomes(event.id, form, review)

        outcomes = form.text("outcomes", f"Outcomes of {event.title}", multiline=True, limit=LONG_TEXT)
        return [outcomes, review, form.banner, ft.OutlinedButton(content=f"Save outcomes of {event.title}", on_click=save)]

    def record_outcomes(self, event_id: str, form: Form, review: ReviewPanel, justification: str | None = None) -> bool:
        """Outcomes pass the compliance review: flagged wording is saved only with a justification."""
        try:
            self.ctx.unlocked.repository.update(MedicalEvent, event_id, {"outcomes": form.value("outcomes", "")}, justification=justification)
        except ComplianceFindings as error:
            form.clear_errors()
            review.show(error.findings)
            return False
        except LiaisonError as error:
            form.show_error(error)
            return False
        self.ctx.drafts.pop(f"outcomes:{event_id}", None)
        self.ctx.changed()
        self.ctx.notify("Outcomes saved")
        self.ctx.navigate("Events")
        return True

    def save(self) -> str | None:
        try:
            try:
                starts = parse_entry(self.ctx.display, self.form.value("starts_at", ""))
            except ValueError:
                raise ValidationError("starts_at", "use the form YYYY-MM-DD HH:MM") from None
            event = self.ctx.unlocked.repository.create(
                MedicalEvent,
                {
                    "kind": self.form.value("kind"),
                    "title": self.form.value("title", ""),
                    "starts_at": starts,
                    "location": self.form.value("location"),
                    "agenda": self.form.value("agenda", ""),
                    "attendee_ids": self.attendees(),
                },
            )
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        self.form.reset()
        self.ctx.changed()
        self.ctx.notify("Event saved")
        self.ctx.navigate("Events")
        return event.id
