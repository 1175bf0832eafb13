"""Log interaction: a routine entry in under 30 seconds, keyboard only.

Type part of the HCP's name and press Enter to pick the first match, Tab
through the rest, Enter on "Submit". Everything typed lives in the draft until
it is saved, so leaving the screen loses nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import flet as ft

from app.errors import LiaisonError, ValidationError
from app.store import queries
from app.store.models import Channel, Hcp, Insight, Interaction
from app.store.queries import HcpFilter
from app.ui.components.forms import Form, MatchList, split_list
from app.ui.state import UiContext

CHANNELS = [(channel.value, channel.value.replace("_", " ").capitalize()) for channel in Channel]
TIME_FORMAT = "%Y-%m-%d %H:%M"


class LogInteractionScreen:
    def __init__(self, ctx: UiContext, hcp_id: str | None = None) -> None:
        self.ctx = ctx
        self.form = Form(ctx.draft("log_interaction"), on_input=ctx.touch)
        draft = self.form.draft
        if hcp_id and hcp_id != draft.get("hcp_id"):
            hcp = ctx.unlocked.repository.get(Hcp, hcp_id)
            draft.update(hcp_id=hcp.id, hcp=hcp.name, therapeutic_area=(hcp.therapeutic_areas or [""])[0])
        draft.setdefault("channel", Channel.IN_PERSON.value)
        draft.setdefault("occurred_at", datetime.now().strftime(TIME_FORMAT))
        self.matches = MatchList()
        self.chosen = ft.Text(self._chosen_text())

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            library = queries.library(session, date.today())
            taxonomy = queries.insight_taxonomy(session)
        hcp_field = self.form.text("hcp", "HCP", autofocus=not self.form.draft.get("hcp_id"), hint="Type part of a name, Enter picks the first match", on_submit=self.pick_first)
        hcp_field.on_change = self._hcp_typed
        materials = ft.Column(
            [
                ft.Checkbox(
                    label=f"{item.title} (v{item.version}, {item.approval_code})",
                    value=item.id in self.form.draft.get("materials", []),
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
                ft.Row(
                    [
                        self.form.dropdown("channel", "Channel", CHANNELS, width=200),
                        self.form.text("occurred_at", "Date and time", hint="YYYY-MM-DD HH:MM", width=200),
                        self.form.text("therapeutic_area", "Therapeutic area", width=220),
                    ],
                    wrap=True,
                ),
                self.form.text("topics", "Topics", hint="Separate with commas"),
                self.form.text("products", "Products discussed", hint="Separate with commas"),
                self.form.checkbox("reactive", "Unsolicited question from the HCP (reactive)"),
                ft.Text("Materials shared") if library else ft.Container(),
                materials,
                self.form.text("notes", "Notes", multiline=True),
                ft.Row(
                    [
                        self.form.text("insight", "Insight (optional)", width=420),
                        self.form.dropdown("insight_theme", "Insight theme", [(theme.id, taxonomy.option_text(theme)) for theme in taxonomy.themes]),
                    ],
                    wrap=True,
                ),
                ft.Row([self.form.text("follow_up", "Follow-up (optional)", width=420), self.form.text("follow_up_due", "Follow-up due", hint="YYYY-MM-DD", width=200)], wrap=True),
                self.form.banner,
                ft.Row(
                    [
                        ft.OutlinedButton(content="Save draft", on_click=lambda e: self.save(submit=False)),
                        ft.FilledButton(content="Submit", on_click=lambda e: self.save(submit=True)),
                    ]
                ),
            ],
            spacing=12,
            padding=16,
            expand=True,
        )

    # --- handlers --------------------------------------------------------------

    def _hcp_typed(self, e: ft.ControlEvent) -> None:
        self.form.set("hcp", e.control.value)
        self.form.draft.pop("hcp_id", None)
        self.show_matches()

    def show_matches(self) -> list[Hcp]:
        typed = self.form.draft.get("hcp", "")
        with self.ctx.unlocked.repository.session() as session:
            found = queries.search_hcps(session, HcpFilter(search=typed), limit=6) if typed else []
        self.matches.controls = [
            ft.ListTile(title=ft.Text(hcp.name), subtitle=ft.Text(hcp.specialty or ""), dense=True, on_click=lambda e, hcp=hcp: self.pick(hcp))
            for hcp in found
        ]
        self.chosen.value = self._chosen_text()
        return found

    def pick_first(self) -> None:
        found = self.show_matches()
        if found:
            self.pick(found[0])

    def pick(self, hcp: Hcp) -> None:
        self.form.draft.update(hcp_id=hcp.id, hcp=hcp.name)
        if not self.form.draft.get("therapeutic_area") and hcp.therapeutic_areas:
            self.form.draft["therapeutic_area"] = hcp.therapeutic_areas[0]
            self.form.controls["therapeutic_area"].value = hcp.therapeutic_areas[0]  # type: ignore[attr-defined]
        self.form.controls["hcp"].value = hcp.name  # type: ignore[attr-defined]
        self.matches.controls = []
        self.chosen.value = self._chosen_text()

    def _toggle_material(self, item_id: str, on: bool) -> None:
        chosen = [value for value in self.form.draft.get("materials", []) if value != item_id]
        self.form.set("materials", chosen + ([item_id] if on else []))

    def save(self, *, submit: bool) -> str | None:
        """Validate and write through the repository; returns the new interaction's id."""
        try:
            values = self._values()
            repository = self.ctx.unlocked.repository
            interaction = repository.create(Interaction, values)
            insight = self.form.value("insight")
            if insight:
                repository.create(
                    Insight,
                    {
                        "text": insight, "theme": self.form.value("insight_theme"), "hcp_id": values["hcp_id"],
                        "interaction_id": interaction.id, "therapeutic_area": values.get("therapeutic_area"),
                        "product": (values.get("products") or [None])[0], "captured_at": datetime.now(UTC),
                    },
                )
            if submit:
                repository.submit(Interaction, interaction.id)
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        hcp_id = values["hcp_id"]
        self.form.reset()
        self.form.draft.update(channel=Channel.IN_PERSON.value, occurred_at=datetime.now().strftime(TIME_FORMAT))
        self.ctx.changed()
        self.ctx.notify("Interaction submitted" if submit else "Draft saved")
        self.ctx.navigate("HCPs", hcp_id=hcp_id)
        return interaction.id

    def _values(self) -> dict[str, Any]:
        draft = self.form.draft
        if not draft.get("hcp_id"):
            raise ValidationError("hcp", "choose the HCP: type part of the name and pick a match")
        follow_ups = []
        if self.form.value("follow_up"):
            follow_ups.append({"text": draft["follow_up"], "due": _date("follow_up_due", self.form.value("follow_up_due")), "done": False})
        return {
            "hcp_id": draft["hcp_id"],
            "occurred_at": _when(self.form.value("occurred_at", "")),
            "channel": self.form.value("channel", Channel.IN_PERSON.value),
            "therapeutic_area": self.form.value("therapeutic_area"),
            "topics": split_list(draft.get("topics")),
            "products": split_list(draft.get("products")),
            "initiation": "reactive" if draft.get("reactive") else "proactive",
            "materials": list(draft.get("materials", [])),
            "notes": self.form.value("notes", ""),
            "follow_ups": follow_ups,
        }

    def _chosen_text(self) -> str:
        name = self.form.draft.get("hcp") if self.form.draft.get("hcp_id") else None
        return f"With {name}" if name else "No HCP chosen yet"


def _when(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT).astimezone()
    except ValueError:
        raise ValidationError("occurred_at", "use the form YYYY-MM-DD HH:MM, e.g. 2026-11-25 14:30") from None


def _date(field: str, text: str | None) -> str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ValidationError(field, "use the form YYYY-MM-DD") from None
