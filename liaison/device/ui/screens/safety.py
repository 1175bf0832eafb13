"""Safety: adverse-event intake with the reporting clock in view, and every event a click away.

The deadline appears from the moment the MSL enters when they became aware,
and a filed event goes to the front of the sync queue. As the description is
typed, likely direct identifiers in it (a name, a phone number, a date of birth)
are pointed out beside it: a warning, never a block.

Every event in the list opens. A draft opens in the form, filled in as it was
saved, to be completed and saved again or filed. A filed event opens read-only
with its follow-ups, a form to add follow-up information (an amendment: the
original stays as filed) and the company's case reference once it arrives.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import flet as ft

from liaison.core.enums import CRITERION_LABELS, OUTCOME_LABELS, Seriousness, SeriousnessCriterion, Sex
from liaison.core.errors import LiaisonError, ValidationError
from liaison.core.records.models import LONG_TEXT, REASON_TEXT, AdverseEvent, Amendment, Hcp
from liaison.core.rules.safety import check_awareness, reporting_deadline
from liaison.device.domain.identifiers import find_identifiers
from liaison.device.locale import Display, entry_text, parse_entry
from liaison.device.store import queries
from liaison.device.store.queries import HcpFilter
from liaison.device.ui.components.checkbox import WrappingCheckbox
from liaison.device.ui.components.deadline import badge, remaining
from liaison.device.ui.components.forms import Form, empty, section
from liaison.device.ui.components.hcp_picker import HcpMatches, chosen, identity, the_one
from liaison.device.ui.components.when import with_pickers
from liaison.device.ui.state import UiContext

TIME_FORMAT = "%Y-%m-%d %H:%M"
SERIOUSNESS = [(item.value, item.value.replace("_", "-").capitalize()) for item in Seriousness]
SEX = [(item.value, item.value.capitalize()) for item in Sex]
OUTCOMES = [(item.value, label) for item, label in OUTCOME_LABELS.items()]
TEXT_FIELDS = ("reporter", "reporter_contact", "patient_initials", "product", "description", "concomitant_medication")
FOLLOW_UP_FIELDS = ("description", "seriousness", "seriousness_criteria", "onset_date", "outcome", "concomitant_medication")
"""What follow-up information may bring: new facts about the event, not who reported it or when the MSL heard."""


class CriteriaField(ft.Column):
    """The seriousness criteria as checkboxes, with room under them for an error in words."""

    def __init__(self, form: Form, name: str = "seriousness_criteria") -> None:
        self.form, self.name = form, name
        chosen = set(form.value(name) or [])
        rows = [WrappingCheckbox(label, item.value in chosen, on_change=lambda e: self._changed()) for item, label in CRITERION_LABELS.items()]
        self.boxes = [row.checkbox for row in rows]
        self.message = ft.Text("", color=ft.Colors.ERROR, size=12, visible=False)
        super().__init__([ft.Text("Seriousness criteria (any one makes it serious)"), *rows, self.message], spacing=0, tight=True)
        form.controls[name] = self

    def _changed(self) -> None:
        self.form.set(self.name, [item.value for item, box in zip(CRITERION_LABELS, self.boxes, strict=True) if box.value])

    def show_error(self, message: str | None) -> None:
        for box in self.boxes:
            box.error = bool(message)
        self.message.value, self.message.visible = message or "", bool(message)
        self.message.semantics_label = f"Seriousness criteria: {message}" if message else None


class SafetyScreen:
    def __init__(self, ctx: UiContext, ae_id: str | None = None) -> None:
        self.ctx = ctx
        self.event = ctx.unlocked.repository.get(AdverseEvent, ae_id) if ae_id else None
        self.filed = self.event is not None and self.event.status != "draft"
        self.form = Form(self._draft(), on_input=self._input, defaults=self._defaults())
        self.deadline = ft.Text("", weight=ft.FontWeight.BOLD)
        self.identifiers = ft.Column([], spacing=2)
        # The warnings are their own accessibility node, read (and found) as they appear. Flet's Semantics
        # needs visible content, so the node is what hides, never the column inside it.
        self.identifier_node = ft.Semantics(content=self.identifiers, container=True, visible=False)
        self.matches = HcpMatches(on_pick=self.pick_reporter)
        self.reporter_hcp = ft.Text(self._reporter_hcp_text(), weight=ft.FontWeight.BOLD)
        self._show_deadline()
        self._show_identifiers()

    def _draft(self) -> dict[str, Any]:
        """Unsaved input for this form: a new event's, or an opened draft's (first filled in from the store)."""
        if self.event is None:
            return self.ctx.draft("adverse_event")
        key = f"{'follow_up' if self.filed else 'adverse_event'}:{self.event.id}"
        draft = self.ctx.draft(key)
        if not draft and not self.filed:
            draft.update(_as_typed(self.event, self.ctx.display))
        return draft

    def _defaults(self) -> dict[str, Any]:
        """A new report's awareness is the moment the form opens; a follow-up starts from what was filed."""
        if self.event is None:
            return {"aware_at": entry_text(self.ctx.display, self.ctx.display.now()), "seriousness": Seriousness.UNKNOWN.value}
        return {name: value for name, value in _as_typed(self.event, self.ctx.display).items() if name in FOLLOW_UP_FIELDS} if self.filed else {}

    def view(self) -> ft.Control:
        if self.event is not None and self.filed:
            return self._filed_view(self.event)
        with self.ctx.unlocked.repository.session() as session:
            events = queries.adverse_events(session, limit=50)
            unsent = queries.unsent_adverse_event_ids(session)
        parts: list[ft.Control] = [ft.Card(ft.Container(self._intake(), padding=16))]
        if self.event is None:
            parts.append(self._list(events, unsent))
        return ft.ListView(parts, spacing=12, padding=16, expand=True)

    # --- the intake form (a new event, or a draft opened again) -------------------

    def _intake(self) -> ft.Control:
        opened = self.event is not None
        return section(
            "Complete the draft adverse event" if opened else "Report an adverse event",
            ft.Text("The four minimum elements: an identifiable reporter, an identifiable patient, a product and an event."),
            ft.Row(
                [
                    self.form.text("reporter", "Reporter", hint="Who told you (name and role)", width=360),
                    self.form.text("reporter_contact", "Reporter's contact", hint="How pharmacovigilance reaches them", width=360),
                ],
                wrap=True,
            ),
            self._reporter_hcp_field(),
            self.matches,
            self.reporter_hcp,
            ft.Row(
                [
                    self.form.text("patient_initials", "Patient initials", width=160),
                    self.form.text("patient_age", "Patient age", width=140, keyboard=ft.KeyboardType.NUMBER),
                    self.form.dropdown("patient_sex", "Patient sex", SEX, width=180),
                ],
                wrap=True,
            ),
            self.form.text("product", "Product"),
            self.form.text("description", "Event description", multiline=True, limit=LONG_TEXT),
            self.identifier_node,
            ft.Row(
                [
                    with_pickers(
                        self.ctx, self.form, self.form.text("onset_date", "Onset date", hint="YYYY-MM-DD", width=180), "onset_date", with_time=False
                    ),
                    self.form.dropdown("outcome", "Outcome", OUTCOMES, width=300),
                ],
                wrap=True,
            ),
            ft.Row(
                [
                    self.form.dropdown("seriousness", "Seriousness", SERIOUSNESS, width=200),
                    with_pickers(self.ctx, self.form, self.form.text("aware_at", "Became aware at", hint="YYYY-MM-DD HH:MM", width=220), "aware_at"),
                ],
                wrap=True,
            ),
            CriteriaField(self.form),
            self.form.text("concomitant_medication", "Concomitant medication", multiline=True, limit=REASON_TEXT),
            self.deadline,
            self.form.banner,
            ft.Row(
                [
                    ft.OutlinedButton(content="Save draft", on_click=lambda e: self.save(submit=False)),
                    ft.FilledButton(content="Report adverse event", icon=ft.Icons.PRIORITY_HIGH, on_click=lambda e: self.save(submit=True)),
                    *([ft.TextButton(content="Back to Safety", on_click=lambda e: self.ctx.navigate("Safety"))] if opened else []),
                ],
                wrap=True,
            ),
        )

    # --- the reporter, when they are an HCP in the MSL's list -------------------------

    def _reporter_hcp_field(self) -> ft.TextField:
        field = self.form.text(
            "hcp",
            "Reported by an HCP (optional)",
            hint="Type part of a name, then choose (Enter picks when only one matches)",
            on_submit=self.pick_on_enter,
        )
        field.on_change = self._hcp_typed
        return field

    def _hcp_typed(self, e: ft.Event[ft.TextField]) -> None:
        self.form.set("hcp", e.control.value)
        self.form.draft.pop("reporter_hcp_id", None)
        self._matches()
        self.reporter_hcp.value = self._reporter_hcp_text()

    def _matches(self) -> list[Hcp]:
        typed = self.form.draft.get("hcp", "")
        with self.ctx.unlocked.repository.session() as session:
            found = queries.search_hcps(session, HcpFilter(search=typed), limit=6) if typed else []
        self.matches.show(found)
        return found

    def pick_on_enter(self) -> None:
        """Enter picks only an HCP beyond doubt; otherwise the matches stay and the MSL is asked to choose."""
        typed = self.form.draft.get("hcp", "")
        found = self._matches()
        one = the_one(typed, found)
        if one is not None:
            self.pick_reporter(one)
        else:
            self.matches.ask(typed, found)

    def pick_reporter(self, hcp: Hcp) -> None:
        self.form.draft.update(reporter_hcp_id=hcp.id, hcp=hcp.name)
        self.form.controls["hcp"].value = hcp.name  # type: ignore[attr-defined]
        if not self.form.value("reporter"):
            self.form.draft["reporter"] = hcp.name
            self.form.controls["reporter"].value = hcp.name  # type: ignore[attr-defined]
        self.matches.clear()
        self.reporter_hcp.value = self._reporter_hcp_text(hcp)
        self._input()

    def _reporter_hcp_text(self, hcp: Hcp | None = None) -> str:
        hcp_id = self.form.draft.get("reporter_hcp_id")
        if hcp is None and hcp_id:
            hcp = chosen(self.ctx.unlocked.repository, hcp_id)
        return f"Reported by {identity(hcp)}" if hcp is not None else "Reporter not linked to an HCP"

    def _list(self, events: list[AdverseEvent], unsent: set[str]) -> ft.Control:
        countdowns = [
            badge(event.deadline_at, aware_at=event.aware_at, reported=event.status != "draft" and event.id not in unsent) for event in events
        ]
        self.ctx.live_deadlines = list(countdowns)
        rows: list[ft.Control] = [
            ft.ListTile(
                title=ft.Text(f"{event.product}: {event.description[:80]}"),
                subtitle=ft.Row([ft.Text(f"{event.status} · aware {self.ctx.display.datetime_text(event.aware_at)} ·"), countdown], wrap=True),
                trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
                on_click=lambda e, event_id=event.id: self.ctx.navigate("Safety", ae_id=event_id),
            )
            for event, countdown in zip(events, countdowns, strict=True)
        ]
        return section("Adverse events", *(rows or [empty("None reported.")]))

    def _input(self) -> None:
        self.ctx.touch()
        self._show_deadline()
        self._show_identifiers()

    def _show_identifiers(self) -> None:
        """Point out likely direct identifiers in the description, each in plain words, beside the field."""
        findings = find_identifiers(str(self.form.value("description", "")))
        self.identifiers.controls = [
            ft.Row(
                [
                    ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.AMBER_900, size=18),
                    ft.Text(finding.warning, color=ft.Colors.AMBER_900, expand=True),
                ],
                spacing=6,
            )
            for finding in findings
        ]
        self.identifier_node.visible = bool(findings)

    def _show_deadline(self) -> None:
        try:
            aware = _when(self.form.value("aware_at", ""), self.ctx.display)
        except ValidationError:
            self.deadline.value = "Enter when you became aware to see the reporting deadline."
            return
        due = reporting_deadline(aware, self.ctx.settings.ae_window, self.ctx.settings.local_tz)
        self.deadline.value = f"Report to pharmacovigilance by {self.ctx.display.datetime_text(due)} ({remaining(due)})"

    def save(self, *, submit: bool = True) -> str | None:
        """Save the draft, or file it (`submit`); returns the event's id. Nothing typed is lost on a refusal."""
        repository = self.ctx.unlocked.repository
        try:
            values = self._values()
            if self.event is None:
                event = repository.create_submitted(AdverseEvent, values) if submit else repository.create(AdverseEvent, values)
            else:
                event = repository.update(AdverseEvent, self.event.id, values)
                if submit:
                    event = repository.submit(AdverseEvent, event.id)
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        self.form.reset()
        self.ctx.changed()
        if submit:
            if self.ctx.sync is not None:
                self.ctx.sync.sync_now()
            self.ctx.notify("Adverse event reported; it will sync first")
            self.ctx.navigate("Safety", ae_id=event.id)
        else:
            self.ctx.notify("Draft adverse event saved; it still has to be reported")
            self.ctx.navigate("Safety")
        return event.id

    def _values(self) -> dict[str, Any]:
        age = self.form.value("patient_age")
        if age is not None and not str(age).strip().isdigit():
            raise ValidationError("patient_age", "must be a whole number of years")
        return {
            **{name: self.form.value(name, "" if name in ("reporter", "product", "description") else None) for name in TEXT_FIELDS},
            "aware_at": self._aware_at(),
            "patient_age": int(age) if age else None,
            "patient_sex": self.form.value("patient_sex", Sex.UNKNOWN.value),
            "seriousness": self.form.value("seriousness", Seriousness.UNKNOWN.value),
            "seriousness_criteria": list(self.form.value("seriousness_criteria") or []),
            "onset_date": _date(self.form.value("onset_date")),
            "outcome": self.form.value("outcome"),
            "reporter_hcp_id": self.form.draft.get("reporter_hcp_id"),
        }

    def _aware_at(self) -> datetime:
        """As typed; an opened draft whose awareness was left as shown keeps its exact stored moment (the form shows minutes)."""
        typed = self.form.value("aware_at", "")
        if self.event is not None and typed == _as_typed(self.event, self.ctx.display)["aware_at"]:
            return self.event.aware_at
        return _awareness(typed, self.ctx.display)

    # --- a filed event: read-only, with follow-ups and the case reference -------------

    def _filed_view(self, event: AdverseEvent) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            follow_ups = queries.amendments_of(session, "adverse_event", event.id)
            unsent = queries.unsent_adverse_event_ids(session)
        countdown = badge(event.deadline_at, aware_at=event.aware_at, reported=event.id not in unsent)
        self.ctx.live_deadlines = [countdown]
        self.case_reference = ft.TextField(
            label="Case reference", value=event.case_reference or "", hint_text="The company's safety case number", width=300
        )
        details = section(
            f"{event.product}: adverse event, {event.status}",
            *[ft.Text(f"{label}: {value}") for label, value in _described(event, self.ctx.display) if value],
            countdown,
            ft.Row([self.case_reference, ft.OutlinedButton(content="Save case reference", on_click=lambda e: self.save_case_reference())], wrap=True),
        )
        history = section("Follow-up information", *([_follow_up(item, self.ctx.display) for item in follow_ups] or [empty("None added yet.")]))
        add = section(
            "Add follow-up information",
            ft.Text("New facts are added beside the report; the report stays as filed."),
            self.form.text("description", "Event description (as it now reads)", multiline=True, limit=LONG_TEXT),
            ft.Row(
                [
                    with_pickers(
                        self.ctx, self.form, self.form.text("onset_date", "Onset date", hint="YYYY-MM-DD", width=180), "onset_date", with_time=False
                    ),
                    self.form.dropdown("outcome", "Outcome", OUTCOMES, width=300),
                    self.form.dropdown("seriousness", "Seriousness", SERIOUSNESS, width=200),
                ],
                wrap=True,
            ),
            CriteriaField(self.form),
            self.form.text("concomitant_medication", "Concomitant medication", multiline=True, limit=REASON_TEXT),
            self.form.text("reason", "Source of the new information", hint="e.g. call with the ward nurse, 3 Dec"),
            self.form.banner,
            ft.Row(
                [
                    ft.FilledButton(content="Add follow-up information", on_click=lambda e: self.add_follow_up()),
                    ft.TextButton(content="Back to Safety", on_click=lambda e: self.ctx.navigate("Safety")),
                ],
                wrap=True,
            ),
        )
        cards: list[ft.Control] = [ft.Card(ft.Container(part, padding=16)) for part in (details, history, add)]
        return ft.ListView(cards, spacing=12, padding=16, expand=True)

    def save_case_reference(self) -> None:
        assert self.event is not None
        self.case_reference.error = None
        try:
            self.ctx.unlocked.repository.update(AdverseEvent, self.event.id, {"case_reference": self.case_reference.value or None})
        except LiaisonError as error:
            self.case_reference.error = getattr(error, "message", None) or str(error)
            return
        self.ctx.changed()
        self.ctx.notify("Case reference saved")
        self.ctx.navigate("Safety", ae_id=self.event.id)

    def add_follow_up(self) -> str | None:
        """Record the new facts as an amendment of the filed event; returns its id."""
        assert self.event is not None
        try:
            changes = {
                "description": self.form.value("description", ""),
                "seriousness": self.form.value("seriousness", Seriousness.UNKNOWN.value),
                "seriousness_criteria": list(self.form.value("seriousness_criteria") or []),
                "onset_date": _date(self.form.value("onset_date")),
                "outcome": self.form.value("outcome"),
                "concomitant_medication": self.form.value("concomitant_medication"),
            }
            reason = str(self.form.value("reason", "")).strip()
            if not reason:
                raise ValidationError("reason", "say where the new information came from")
            amendment = self.ctx.unlocked.repository.amend(AdverseEvent, self.event.id, changes, reason)
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        self.form.reset()
        self.ctx.changed()
        if self.ctx.sync is not None:
            self.ctx.sync.sync_now()
        self.ctx.notify("Follow-up information added; it will sync first")
        self.ctx.navigate("Safety", ae_id=self.event.id)
        return amendment.id


def _as_typed(event: AdverseEvent, display: Display) -> dict[str, Any]:
    """A stored event as the form holds it: text as typed, times in the MSL's zone, lists as lists."""
    typed: dict[str, Any] = {name: getattr(event, name) or "" for name in TEXT_FIELDS}
    typed.update(
        aware_at=entry_text(display, event.aware_at),
        patient_age=str(event.patient_age) if event.patient_age is not None else "",
        patient_sex=str(event.patient_sex),
        seriousness=str(event.seriousness),
        seriousness_criteria=[str(item) for item in event.seriousness_criteria],
        onset_date=event.onset_date.isoformat() if event.onset_date else "",
        outcome=str(event.outcome) if event.outcome else None,
    )
    if event.reporter_hcp_id:
        typed["reporter_hcp_id"] = event.reporter_hcp_id
    return typed


def _described(event: AdverseEvent, display: Display) -> list[tuple[str, str]]:
    """A filed event's fields as 'label: value' lines, in words."""
    return [
        ("Reporter", event.reporter),
        ("Reporter's contact", event.reporter_contact or ""),
        ("Event", event.description),
        (
            "Patient",
            ", ".join(
                part
                for part in (event.patient_initials, f"{event.patient_age} y" if event.patient_age is not None else None, str(event.patient_sex))
                if part
            ),
        ),
        ("Aware at", display.datetime_text(event.aware_at)),
        ("Onset date", display.date_text(event.onset_date) if event.onset_date else ""),
        ("Seriousness", str(event.seriousness).replace("_", "-")),
        ("Seriousness criteria", "; ".join(CRITERION_LABELS[SeriousnessCriterion(item)] for item in event.seriousness_criteria)),
        ("Outcome", OUTCOME_LABELS[event.outcome] if event.outcome else ""),
        ("Concomitant medication", event.concomitant_medication or ""),
        ("Filed", display.datetime_text(event.submitted_at) if event.submitted_at else ""),
    ]


def _follow_up(amendment: Amendment, display: Display) -> ft.Control:
    """One follow-up: when, why, and each field it changed in words."""
    lines: list[ft.Control] = [ft.Text(f"{display.datetime_text(amendment.created_at)}: {amendment.reason}", weight=ft.FontWeight.BOLD)]
    lines += [ft.Text(f"{_FIELD_NAMES.get(name, name)}: {_in_words(name, value)}") for name, value in amendment.changes.items()]
    return ft.Column(lines, spacing=2, tight=True)


_FIELD_NAMES = {
    "description": "Event",
    "seriousness": "Seriousness",
    "seriousness_criteria": "Seriousness criteria",
    "onset_date": "Onset date",
    "outcome": "Outcome",
    "concomitant_medication": "Concomitant medication",
}


def _in_words(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "(none)"
    if name == "outcome":
        return OUTCOME_LABELS[value]
    if name == "seriousness_criteria":
        return "; ".join(CRITERION_LABELS[SeriousnessCriterion(item)] for item in value)
    return str(value).replace("_", "-") if name == "seriousness" else str(value)


def _when(text: str, display: Display) -> datetime:
    try:
        return parse_entry(display, text)
    except ValueError:
        raise ValidationError("aware_at", "use the form YYYY-MM-DD HH:MM") from None


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValidationError("onset_date", "use the form YYYY-MM-DD") from None


def _awareness(text: str, display: Display) -> datetime:
    """The awareness time typed in the form, refused beside the field when it lies in the future."""
    try:
        return check_awareness(_when(text, display))
    except ValueError as error:
        raise ValidationError("aware_at", str(error).removeprefix("aware_at: ")) from None
