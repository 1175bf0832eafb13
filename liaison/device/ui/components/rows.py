"""A list of entries typed as rows of fields (an HCP's affiliations, publications, trials), kept in the form's draft.

Each row is a dict of texts under the form's draft key, so unsaved rows survive
switching screens like any other input. Each field registers under
"key.index.part", the way a validation error names it, so a problem shows
beside the field that holds it. Flet sends the changed rows to the screen once
the handler that changed them returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import flet as ft

from liaison.device.ui.components.forms import Form, Option


@dataclass(frozen=True)
class Part:
    name: str
    label: str
    width: float = 200
    options: Sequence[Option] | None = None
    """A choice among these instead of free text."""


class RowList(ft.Column):
    """Rows of `parts`, one per entry, with "Add …" below them and "Remove" on each."""

    def __init__(self, form: Form, field: str, noun: str, parts: Sequence[Part]) -> None:
        self.form, self.field, self.noun, self.parts = form, field, noun, list(parts)
        self.rows = ft.Column(spacing=4)
        add = ft.TextButton(content=f"Add {noun}", icon=ft.Icons.ADD, on_click=lambda e: self.add())
        super().__init__([self.rows, add], spacing=4)
        self._show()

    def entries(self) -> list[dict[str, Any]]:
        """The rows as typed, each part's text (blank where nothing was typed, for the model to judge); rows with
        nothing in them are dropped."""
        found = []
        for row in self._rows():
            entry = {part.name: str(row.get(part.name) or "").strip() for part in self.parts}
            if any(entry.values()):
                found.append(entry)
        return found

    def add(self) -> None:
        rows = self._own()
        rows.append({})
        self.form.set(self.field, rows)
        self._show()

    def remove(self, index: int) -> None:
        rows = self._own()
        if index < len(rows):
            del rows[index]
        self.form.set(self.field, rows)
        self._show()

    def _rows(self) -> list[dict[str, Any]]:
        """The rows typed so far, else the form's defaults (a profile's stored entries)."""
        rows: list[dict[str, Any]] = self.form.draft.get(self.field, self.form.defaults.get(self.field, []))
        return rows

    def _own(self) -> list[dict[str, Any]]:
        """The draft's own copy of the rows, made at the first change: until then the stored entries show as they are now."""
        if self.field not in self.form.draft:
            self.form.draft[self.field] = [dict(row) for row in self.form.defaults.get(self.field, [])]
        rows: list[dict[str, Any]] = self.form.draft[self.field]
        return rows

    def _show(self) -> None:
        for name in [name for name in self.form.controls if name.startswith(f"{self.field}.")]:
            del self.form.controls[name]
        self.rows.controls = [self._row(index, row) for index, row in enumerate(self._rows())]

    def _row(self, index: int, row: dict[str, Any]) -> ft.Control:
        fields: list[ft.Control] = [self._field(index, row, part) for part in self.parts]
        fields.append(ft.IconButton(ft.Icons.DELETE_OUTLINE, tooltip=f"Remove {self.noun} {index + 1}", on_click=lambda e: self.remove(index)))
        return ft.Row(fields, wrap=True, spacing=8)

    def _field(self, index: int, row: dict[str, Any], part: Part) -> ft.Control:
        label = f"{part.label} {index + 1}"

        def changed(e: ft.Event[Any]) -> None:
            self._own()[index][part.name] = e.control.value or ""
            self.form.touched(f"{self.field}.{index}.{part.name}")

        control: ft.Control
        if part.options is not None:
            control = ft.Dropdown(
                label=label,
                width=part.width,
                value=row.get(part.name) or "",
                options=[ft.DropdownOption(key=key, text=text) for key, text in part.options],
                on_select=changed,
            )
        else:
            control = ft.TextField(label=label, width=part.width, value=str(row.get(part.name) or ""), on_change=changed)
        self.form.controls[f"{self.field}.{index}.{part.name}"] = control
        return control
