"""Log interaction: a routine entry in under 30 seconds, keyboard only.

Type part of the HCP's name and press Enter: it picks the HCP when only one
matches (or the full name was typed), and otherwise lists the matches with
their specialty, institution and city to choose from. Tab through the rest, Enter on "Submit". Everything typed lives in the draft until
it is saved, so leaving the screen loses nothing.

"Submit" runs the compliance review before anything is written: findings show
beside the text with a "Justification" field and "Submit anyway".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import flet as ft

from liaison.core.enums import Channel
from liaison.core.errors import ComplianceFindings, LiaisonError, ValidationError, ValidationErrors
from liaison.core.findings import Finding
from liaison.core.records.models import LONG_TEXT, Hcp, Insight, InsightCreate, Interaction, InteractionCreate, PlannedVisit
from liaison.core.records.plain import check
from liaison.device.locale import Display, entry_text, parse_entry
from liaison.device.store import medical_plan as plan_queries
from liaison.device.store import queries
from liaison.device.store.queries import HcpFilter
from liaison.device.store.visits import interaction_from_visit
from liaison.device.ui.components.checkbox import WrappingCheckbox
from liaison.device.ui.components.forms import Form, split_list
from liaison.device.ui.components.hcp_list import HcpListField
from liaison.device.ui.components.hcp_picker import HINT, HcpMatches, chosen, identity, the_one
from liaison.device.ui.components.plan_items import PlanItemsField
from liaison.device.ui.components.review import ReviewPanel
from liaison.device.ui.components.when import with_pickers
from liaison.device.ui.state import UiContext

CHANNELS = [(channel.value, channel.value.replace("_", " ").capitalize()) for channel in Channel]


class LogInteractionScreen:
    def __init__(self, ctx: UiContext, hcp_id: str | None = None, *, planned_visit_id: str | None = None) -> None:
        self.ctx = ctx
        self.planned_visit_id = planned_visit_id
        self.draft_name = f"log_interaction:{planned_visit_id}" if planned_visit_id else "log_interaction"
        self.form = Form(
            ctx.draft(self.draft_name),
            on_input=ctx.touch,
            defaults={"occurred_at": entry_text(ctx.display, ctx.display.now()), "channel": Channel.IN_PERSON.value},
        )
        draft = self.form.draft
        if planned_visit_id and not draft.get("hcp_id"):
            self._prefill_from_visit(planned_visit_id)
        if hcp_id and hcp_id != draft.get("hcp_id"):
            hcp = ctx.unlocked.repository.get(Hcp, hcp_id)
            draft.update(hcp_id=hcp.id, hcp=hcp.name, therapeutic_area=(hcp.therapeutic_areas or [""])[0])
        self.matches = HcpMatches(on_pick=self.pick)
        self.attendees = HcpListField(ctx.unlocked.repository, draft, "attendees", "Attendees (further HCPs of a group meeting)", on_input=ctx.touch)
        self.chosen = ft.Text(self._chosen_text(), weight=ft.FontWeight.BOLD)
        self.inquiry = self.form.dropdown("inquiry_id", "Medical inquiry answered", [], width=420)
        self.review = ReviewPanel(self.form, action="submit", on_override=lambda why: self.save(submit=True, justification=why))
        self.plan_items = PlanItemsField(self.form, None, lambda: self.form.value("therapeutic_area"))
        self._offer_inquiries()

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            library = queries.library(session, self.ctx.display.today())
            taxonomy = queries.insight_taxonomy(session)
            self.plan_items.plan = plan_queries.current_plan(session)
        self.plan_items.show()
        hcp_field = self.form.text(
            "hcp",
            "HCP",
            autofocus=not self.form.draft.get("hcp_id"),
            hint=HINT,
            on_submit=self.pick_on_enter,
        )
        hcp_field.on_change = self._hcp_typed
        materials = ft.Column(
            [
                WrappingCheckbox(
                    f"{item.title} (v{item.version}, {item.approval_code})",
                    item.id in self.form.draft.get("materials", []),
                    on_change=lambda e, item_id=item.id: self._toggle_material(item_id, bool(e.control.value)),
                )
                for item in library
            ],
            spacing=0,
        )
        return ft.ListView(
            [
                ft.Text("Log interaction", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
                hcp_field,
                self.matches,
                self.chosen,
                self.attendees,
                ft.Row(
                    [
                        self.form.dropdown("channel", "Channel", CHANNELS, width=200),
                        with_pickers(
                            self.ctx, self.form, self.form.text("occurred_at", "Date and time", hint="YYYY-MM-DD HH:MM", width=200), "occurred_at"
                        ),
                        self._area_field(),
                    ],
                    wrap=True,
                ),
                self.form.text("topics", "Topics", hint="Separate with commas"),
                self.form.text("products", "Products discussed", hint="Separate with commas"),
                self.plan_items,
                self.form.checkbox("reactive", "Unsolicited question from the HCP (reactive)"),
                ft.Row(
                    [self.form.checkbox("off_label", "Off-label use was discussed (only in reply to an attested inquiry)"), self.inquiry],
                    wrap=True,
                ),
                ft.Text("Materials shared") if library else ft.Container(),
                materials,
                self.form.text("notes", "Notes", multiline=True, limit=LONG_TEXT),
                ft.Row(
                    [
                        self.form.text("insight", "Insight (optional)", width=420),
                        self.form.dropdown("insight_theme", "Insight theme", [(theme.id, taxonomy.option_text(theme)) for theme in taxonomy.themes]),
                    ],
                    wrap=True,
                ),
                ft.Row(
                    [
                        self.form.text("follow_up", "Follow-up (optional)", width=420),
                        with_pickers(
                            self.ctx,
                            self.form,
                            self.form.text("follow_up_due", "Follow-up due", hint="YYYY-MM-DD", width=200),
                            "follow_up_due",
                            with_time=False,
                        ),
                    ],
                    wrap=True,
                ),
                self.review,
                self.form.banner,
                ft.Row(
                    [
                        ft.OutlinedButton(content="Save draft", on_click=lambda e: self.save(submit=False)),
                        ft.FilledButton(content="Submit", on_click=lambda e: self.save(submit=True)),
                        ft.TextButton(content="Discard", tooltip="Discard what is typed here", on_click=lambda e: self.discard()),
                    ],
                    wrap=True,
                ),
            ],
            spacing=12,
            padding=16,
            expand=True,
        )

    # --- handlers --------------------------------------------------------------

    def _hcp_typed(self, e: ft.Event[ft.TextField]) -> None:
        self.form.set("hcp", e.control.value)
        self.form.draft.pop("hcp_id", None)
        self.show_matches()

    def _area_field(self) -> ft.TextField:
        area = self.form.text("therapeutic_area", "Therapeutic area", width=220)
        area.on_change = self._area_typed
        return area

    def _area_typed(self, e: ft.Event[ft.TextField]) -> None:
        """The plan's items on offer follow the therapeutic area."""
        self.form.set("therapeutic_area", e.control.value)
        if self.plan_items.show():
            self.ctx.refresh()

    def show_matches(self) -> list[Hcp]:
        typed = self.form.draft.get("hcp", "")
        with self.ctx.unlocked.repository.session() as session:
            found = queries.search_hcps(session, HcpFilter(search=typed), limit=6) if typed else []
        self.matches.show(found)
        self.chosen.value = self._chosen_text()
        return found

    def pick_on_enter(self) -> None:
        """Enter picks only an HCP beyond doubt; otherwise the matches stay and the MSL is asked to choose."""
        found = self.show_matches()
        chosen = the_one(self.form.draft.get("hcp", ""), found)
        if chosen is not None:
            self.pick(chosen)
        else:
            self.matches.ask(self.form.draft.get("hcp", ""), found)

    def pick(self, hcp: Hcp) -> None:
        self.form.draft.update(hcp_id=hcp.id, hcp=hcp.name)
        if not self.form.draft.get("therapeutic_area") and hcp.therapeutic_areas:
            self.form.draft["therapeutic_area"] = hcp.therapeutic_areas[0]
            self.form.controls["therapeutic_area"].value = hcp.therapeutic_areas[0]  # type: ignore[attr-defined]
            self.plan_items.show()
        self.form.controls["hcp"].value = hcp.name  # type: ignore[attr-defined]
        self.matches.clear()
        self.chosen.value = self._chosen_text(hcp)
        self._offer_inquiries()

    def _offer_inquiries(self) -> None:
        """The chosen HCP's medical inquiries, so an answer to one (the only way off-label may be discussed) links to it."""
        hcp_id = self.form.draft.get("hcp_id")
        with self.ctx.unlocked.repository.session() as session:
            found = queries.inquiries_for(session, hcp_id) if hcp_id else []
        self.inquiry.options = [ft.DropdownOption(key="", text="None")] + [
            ft.DropdownOption(key=item.id, text=f"{self.ctx.display.date_text(item.received_at)}: {item.question[:60]}") for item in found
        ]
        if self.form.draft.get("inquiry_id") not in {item.id for item in found}:
            self.form.draft.pop("inquiry_id", None)
            self.inquiry.value = None

    def _toggle_material(self, item_id: str, on: bool) -> None:
        chosen = [value for value in self.form.draft.get("materials", []) if value != item_id]
        self.form.set("materials", chosen + ([item_id] if on else []))

    def save(self, *, submit: bool, justification: str | None = None) -> str | None:
        """Review, then validate and write through the repository; returns the new interaction's id.

        The review runs first, on what is about to be written (the interaction when it is
        submitted, and the insight), so a refusal writes nothing and "Submit anyway" cannot
        leave a second copy behind.
        """
        self.review.action = "submit" if submit else "save"
        self.review.button.content = "Submit anyway" if submit else "Save anyway"
        self.review.on_override = lambda why: self.save(submit=submit, justification=why)
        try:
            values = self._values()
            repository = self.ctx.unlocked.repository
            insight = self._insight(values)
            findings = (repository.review(Interaction, values) if submit else []) + (repository.review(Insight, insight) if insight else [])
            if findings and (justification is None or any(finding.blocking for finding in findings)):
                self._show_findings(findings)
                return None
            if submit and self.planned_visit_id:
                interaction = repository.log_visit(self.planned_visit_id, values, justification=justification)
            else:
                interaction = repository.create(Interaction, values)
            if insight:
                repository.create(Insight, {**insight, "interaction_id": interaction.id}, justification=justification)
            if submit and not self.planned_visit_id:
                repository.submit(Interaction, interaction.id, justification=justification)
        except ComplianceFindings as error:
            self._show_findings(error.findings)
            return None
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        hcp_id = values["hcp_id"]
        self.form.reset()
        self.review.hide()
        self.ctx.changed()
        done = "Interaction submitted" if submit else "Draft saved"
        self.ctx.notify(f"{done}; your justification was recorded" if findings else done)
        self.ctx.navigate("HCPs", hcp_id=hcp_id)
        return interaction.id

    def discard(self) -> None:
        """Give up what was typed: gone from the form and from the store at once."""
        self.form.reset()
        self.review.hide()
        self.ctx.discard_draft(self.draft_name)
        self.ctx.notify("Discarded what was typed")
        self.ctx.navigate("Log interaction", planned_visit_id=self.planned_visit_id)

    def _show_findings(self, findings: list[Finding]) -> None:
        self.form.clear_errors()
        self.review.show(findings)

    def _insight(self, values: dict[str, Any]) -> dict[str, Any] | None:
        text = self.form.value("insight")
        if not text:
            return None
        return {
            "text": text,
            "theme": self.form.value("insight_theme"),
            "hcp_id": values["hcp_id"],
            "therapeutic_area": values.get("therapeutic_area"),
            "product": (values.get("products") or [None])[0],
            "captured_at": datetime.now(UTC),
            "plan_items": values.get("plan_items", []),
        }

    def _values(self) -> dict[str, Any]:
        """The interaction to write, or every problem with the form at once (its own and the model's)."""
        draft = self.form.draft
        problems: list[ValidationError] = []
        if not draft.get("hcp_id"):
            problems.append(ValidationError("hcp", "choose the HCP: type part of the name and pick a match", label="HCP"))
        follow_ups = []
        if self.form.value("follow_up"):
            due = _collect(problems, lambda: _date("follow_up_due", self.form.value("follow_up_due")))
            follow_ups.append({"text": draft["follow_up"], "due": due, "done": False})
        values = {
            "hcp_id": draft.get("hcp_id"),
            "occurred_at": _collect(problems, lambda: _when(self.form.value("occurred_at", ""), self.ctx.display)),
            "channel": self.form.value("channel", Channel.IN_PERSON.value),
            "therapeutic_area": self.form.value("therapeutic_area"),
            "topics": split_list(draft.get("topics")),
            "products": split_list(draft.get("products")),
            "initiation": "reactive" if draft.get("reactive") else "proactive",
            "materials": list(draft.get("materials", [])),
            "notes": self.form.value("notes", ""),
            "follow_ups": follow_ups,
            "off_label": bool(draft.get("off_label")),
            "inquiry_id": draft.get("inquiry_id") or None,
            "plan_items": list(draft.get("plan_items") or []),
            "attendee_ids": self.attendees.ids,
            "planned_visit_id": self.planned_visit_id,
        }
        named = {problem.field for problem in problems}
        problems += [problem for problem in check(InteractionCreate, values) if _form_field(problem.field) not in named]
        insight = self.form.value("insight")
        if insight:
            found = check(InsightCreate, {"text": insight})
            problems += [ValidationError("insight", problem.message, label="Insight") for problem in found if problem.field == "text"]
        if problems:
            raise ValidationErrors.of(problems)
        return values

    def _prefill_from_visit(self, visit_id: str) -> None:
        """The form as the plan left it: the lead HCP, the others as attendees, channel, objectives as topics, the planned time."""
        repository = self.ctx.unlocked.repository
        plan = interaction_from_visit(repository.get(PlannedVisit, visit_id))
        with repository.session() as session:
            names = queries.hcp_names(session, [plan["hcp_id"], *plan["attendee_ids"]])
        self.form.draft.update(
            hcp_id=plan["hcp_id"],
            hcp=names.get(plan["hcp_id"], plan["hcp_id"]),
            attendees=[{"id": hcp_id, "name": names.get(hcp_id, hcp_id)} for hcp_id in plan["attendee_ids"]],
            channel=str(plan["channel"]),
            topics=", ".join(plan["topics"]),
            plan_items=list(plan["plan_items"]),
            occurred_at=entry_text(self.ctx.display, plan["occurred_at"]),
        )

    def _chosen_text(self, hcp: Hcp | None = None) -> str:
        hcp_id = self.form.draft.get("hcp_id")
        if hcp is None and hcp_id:
            hcp = chosen(self.ctx.unlocked.repository, hcp_id)
        return f"With {identity(hcp)}" if hcp is not None else "No HCP chosen yet"


def _collect(problems: list[ValidationError], read: Callable[[], Any]) -> Any:
    """A value read from the form, or None with its problem noted: the form reports every problem in one go."""
    try:
        return read()
    except ValidationError as problem:
        problems.append(problem)
        return None


def _form_field(field: str) -> str:
    return {"hcp_id": "hcp", "follow_ups.0.due": "follow_up_due", "follow_ups.0.text": "follow_up"}.get(field, field)


def _when(text: str, display: Display) -> datetime:
    try:
        return parse_entry(display, text)
    except ValueError:
        raise ValidationError("occurred_at", "use a date and time like 2026-12-31 14:30", label="Date and time") from None


def _date(field: str, text: str | None) -> str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ValidationError(field, "use a date like 2026-12-31", label="Follow-up due") from None
