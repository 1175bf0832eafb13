"""Choosing several HCPs (a group meeting's attendees, a visit's invitees): type, pick, and see each chosen one, removable.

Each pick goes through the same picker as one HCP (`hcp_picker`): Enter picks
only an HCP beyond doubt, otherwise the matches stay for the MSL to choose.
The chosen ids and names live in the form's draft under one key, so leaving
the screen loses none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from liaison.core.records.models import Hcp
from liaison.device.store import queries
from liaison.device.store.queries import HcpFilter
from liaison.device.store.repository import Repository
from liaison.device.ui.components.hcp_picker import HINT, HcpMatches, the_one


class HcpListField(ft.Column):
    """A text field to find HCPs, the matches, and the chosen ones as chips with a remove action each."""

    def __init__(self, repository: Repository, draft: dict[str, Any], key: str, label: str, on_input: Callable[[], None] = lambda: None) -> None:
        super().__init__(spacing=4)
        self.repository = repository
        self.draft = draft
        self.draft_key = key

        self.on_input = on_input
        self.field = ft.TextField(label=label, hint_text=HINT, on_change=self._typed, on_submit=lambda e: self.pick_on_enter())
        self.matches = HcpMatches(on_pick=self.pick, action="choose one to add")
        self.chips = ft.Row(wrap=True, spacing=6)
        self.controls = [self.field, self.matches, self.chips]
        self._show_chosen()

    @property
    def chosen(self) -> list[dict[str, str]]:
        """The chosen HCPs in the order picked: [{"id": …, "name": …}]."""
        return list(self.draft.get(self.draft_key) or [])

    @property
    def ids(self) -> list[str]:
        return [item["id"] for item in self.chosen]

    def pick(self, hcp: Hcp) -> None:
        if hcp.id not in self.ids:
            self.draft[self.draft_key] = [*self.chosen, {"id": hcp.id, "name": hcp.name}]
        self.field.value = ""
        self.draft[f"{self.draft_key}_typed"] = ""
        self.matches.clear()
        self._show_chosen()
        self.on_input()

    def remove(self, hcp_id: str) -> None:
        self.draft[self.draft_key] = [item for item in self.chosen if item["id"] != hcp_id]
        self._show_chosen()
        self.on_input()

    def pick_on_enter(self) -> None:
        typed = self.field.value or ""
        found = self._search(typed)
        one = the_one(typed, found)
        if one is not None:
            self.pick(one)
        else:
            self.matches.ask(typed, found)

    def _typed(self, e: ft.Event[ft.TextField]) -> None:
        self.draft[f"{self.draft_key}_typed"] = e.control.value
        self.matches.show(self._search(e.control.value or ""))
        self.on_input()

    def _search(self, typed: str) -> list[Hcp]:
        if not typed.strip():
            return []
        with self.repository.session() as session:
            return queries.search_hcps(session, HcpFilter(search=typed), limit=6)

    def _show_chosen(self) -> None:
        self.chips.controls = [
            ft.OutlinedButton(
                content=item["name"],
                icon=ft.Icons.CLOSE,
                tooltip=f"Remove {item['name']}",
                on_click=lambda e, hcp_id=item["id"]: self.remove(hcp_id),
            )
            for item in self.chosen
        ]
