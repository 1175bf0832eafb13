"""Forms whose input lives in a draft dict, not in the controls.

The draft outlives the screen, so unsaved input survives switching screens;
a `ValidationError` is shown beside the field it names, in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

from app.errors import LiaisonError

Option = tuple[str, str]
"""(key stored in the draft, text shown)"""


class Form:
    def __init__(self, draft: dict[str, Any], on_input: Callable[[], None] | None = None) -> None:
        self.draft = draft
        self.controls: dict[str, ft.Control] = {}
        self.banner = ft.Text("", color=ft.Colors.ERROR, visible=False, semantics_label="Form error")
        self._on_input = on_input or (lambda: None)

    def text(
        self, name: str, label: str, *, multiline: bool = False, autofocus: bool = False, hint: str | None = None,
        password: bool = False, width: float | None = None, on_submit: Callable[[], None] | None = None,
        keyboard: ft.KeyboardType = ft.KeyboardType.TEXT,
    ) -> ft.TextField:
        field = ft.TextField(
            label=label, value=str(self.draft.get(name) or ""), multiline=multiline, min_lines=3 if multiline else None,
            autofocus=autofocus, hint_text=hint, password=password, can_reveal_password=password, width=width,
            keyboard_type=keyboard, on_change=lambda e: self.set(name, e.control.value),
            on_submit=(lambda e: on_submit()) if on_submit else None,
        )
        self.controls[name] = field
        return field

    def dropdown(self, name: str, label: str, options: Sequence[Option], *, width: float | None = 260) -> ft.Dropdown:
        control = ft.Dropdown(
            label=label, value=self.draft.get(name), width=width,
            options=[ft.DropdownOption(key=key, text=text) for key, text in options],
            on_select=lambda e: self.set(name, e.control.value),
        )
        self.controls[name] = control
        return control

    def checkbox(self, name: str, label: str) -> ft.Checkbox:
        control = ft.Checkbox(label=label, value=bool(self.draft.get(name)), on_change=lambda e: self.set(name, bool(e.control.value)))
        self.controls[name] = control
        return control

    def set(self, name: str, value: Any) -> None:
        self.draft[name] = value
        self._clear(name)
        self._on_input()

    def value(self, name: str, default: Any = None) -> Any:
        value = self.draft.get(name, default)
        return default if value == "" else value

    def show_error(self, error: LiaisonError) -> None:
        """Put the message beside the field it names; anything else goes in the banner above the buttons."""
        self.clear_errors()
        field = getattr(error, "field", None)
        message = getattr(error, "message", None) or str(error)
        target = self.controls.get(field or "") or self.controls.get(_ALIASES.get(field or "", ""))
        if target is not None:
            _set_error(target, message)
        else:
            self.banner.value, self.banner.visible = str(error), True

    def clear_errors(self) -> None:
        for name in self.controls:
            self._clear(name)
        self.banner.value, self.banner.visible = "", False

    def reset(self) -> None:
        """After a save: empty the draft and the controls."""
        self.draft.clear()
        for control in self.controls.values():
            if isinstance(control, ft.Checkbox):
                control.value = False
            elif isinstance(control, ft.Dropdown):
                control.value = None
            else:
                control.value = ""  # type: ignore[attr-defined]
        self.clear_errors()

    def _clear(self, name: str) -> None:
        control = self.controls.get(name)
        if control is not None:
            _set_error(control, None)


_ALIASES = {"hcp_id": "hcp", "reporter_hcp_id": "hcp", "occurred_at": "occurred_at"}


def _set_error(control: ft.Control, message: str | None) -> None:
    if isinstance(control, ft.Dropdown):
        control.error_text = message
    elif isinstance(control, ft.TextField):
        control.error = message
    elif isinstance(control, ft.Checkbox):
        control.error = bool(message)  # type: ignore[assignment]


def split_list(text: str | None) -> list[str]:
    """"a, b; c" → ["a", "b", "c"]: how people type lists into one field."""
    if not text:
        return []
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def section(title: str, *controls: ft.Control) -> ft.Column:
    return ft.Column([ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM), *controls], spacing=8)


def empty(text: str) -> ft.Text:
    return ft.Text(text, italic=True, color=ft.Colors.ON_SURFACE_VARIANT)
