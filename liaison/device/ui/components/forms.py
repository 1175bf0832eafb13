"""Forms whose input lives in a draft dict, not in the controls.

The draft outlives the screen, so unsaved input survives switching screens;
a `ValidationError` is shown beside the field it names, in plain words.
Defaults (a time that means "now") are not part of the draft: they are worked
out when the form opens, so a form opened later never offers a stale moment.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import flet as ft

from liaison.core.errors import LiaisonError
from liaison.device.ui.components.checkbox import WrappingCheckbox

Option = tuple[str, str]
"""(key stored in the draft, text shown)"""


class Form:
    def __init__(self, draft: dict[str, Any], on_input: Callable[[], None] | None = None, defaults: Mapping[str, Any] | None = None) -> None:
        self.draft = draft
        self.defaults = dict(defaults or {})
        """What a field shows and means until the MSL types in it, worked out as the form opens."""
        self.controls: dict[str, ft.Control] = {}
        """Fields by draft key; a control with `show_error(message)` shows its own errors."""
        self.banner = ft.Text("", color=ft.Colors.ERROR, visible=False, semantics_label="Form error")
        self._on_input = on_input or (lambda: None)

    def text(
        self,
        name: str,
        label: str,
        *,
        multiline: bool = False,
        autofocus: bool = False,
        hint: str | None = None,
        password: bool = False,
        width: float | None = None,
        on_submit: Callable[[], Any] | None = None,
        keyboard: ft.KeyboardType = ft.KeyboardType.TEXT,
    ) -> ft.TextField:
        field = ft.TextField(
            label=label,
            value=str(self.draft.get(name, self.defaults.get(name)) or ""),
            multiline=multiline,
            min_lines=3 if multiline else None,
            autofocus=autofocus,
            hint_text=hint,
            password=password,
            can_reveal_password=password,
            width=width,
            keyboard_type=keyboard,
            on_change=lambda e: self.set(name, e.control.value),
            on_submit=_submit_handler(on_submit),
        )
        self.controls[name] = field
        return field

    def dropdown(self, name: str, label: str, options: Sequence[Option], *, width: float | None = 260) -> ft.Dropdown:
        control = ft.Dropdown(
            label=label,
            value=self.draft.get(name, self.defaults.get(name)),
            width=width,
            options=[ft.DropdownOption(key=key, text=text) for key, text in options],
            on_select=lambda e: self.set(name, e.control.value),
        )
        self.controls[name] = control
        return control

    def checkbox(self, name: str, label: str) -> CheckField:
        value = bool(self.draft.get(name, self.defaults.get(name)))
        control = CheckField(WrappingCheckbox(label, value, on_change=lambda e: self.set(name, bool(e.control.value))))
        self.controls[name] = control
        return control

    def set(self, name: str, value: Any) -> None:
        self.draft[name] = value
        self.touched(name)

    def touched(self, name: str) -> None:
        """A field changed (one of the draft's keys, or a part of one: a row of a list): its error goes, and it counts as input."""
        self._clear(name)
        self._on_input()

    def value(self, name: str, default: Any = None) -> Any:
        value = self.draft.get(name, self.defaults.get(name, default))
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
        """After a save: empty the draft, and show the defaults again."""
        self.draft.clear()
        for name, control in self.controls.items():
            default = self.defaults.get(name)
            if isinstance(control, CheckField):
                control.checkbox.value = bool(default)
            elif isinstance(control, ft.Dropdown):
                control.value = default
            elif isinstance(control, ft.TextField):
                control.value = str(default or "")
        self.clear_errors()

    def _clear(self, name: str) -> None:
        control = self.controls.get(name)
        if control is not None:
            _set_error(control, None)


class CheckField(ft.Column):
    """A checkbox with room under it for an error in words (a red box alone says nothing)."""

    def __init__(self, box: WrappingCheckbox) -> None:
        self.checkbox = box.checkbox
        self.message = ft.Text("", color=ft.Colors.ERROR, size=12, visible=False)
        super().__init__([box, self.message], spacing=0, tight=True)

    def show_error(self, message: str | None) -> None:
        self.checkbox.error = bool(message)
        self.message.value, self.message.visible = message or "", bool(message)
        self.message.semantics_label = f"{self.checkbox.semantics_label}: {message}" if message else None


class MatchList(ft.Semantics):
    """The matches shown under a type-to-search field, as their own accessibility node.

    Without a node of their own, results appearing beside the field re-parent its
    node in Flutter's web semantics tree and the field drops focus mid-word.
    """

    def __init__(self) -> None:
        self.column = ft.Column(spacing=0)
        super().__init__(content=self.column, container=True)

    @property
    def controls(self) -> list[ft.Control]:
        return self.column.controls

    @controls.setter
    def controls(self, items: list[ft.Control]) -> None:
        self.column.controls = items


_ALIASES = {"hcp_id": "hcp", "reporter_hcp_id": "hcp", "occurred_at": "occurred_at"}


def _submit_handler(on_submit: Callable[[], Any] | None) -> Callable[[ft.Event[ft.TextField]], Any] | None:
    """Enter in a field runs on_submit; an async one is awaited (a lambda would drop its coroutine)."""
    if on_submit is None:
        return None
    if inspect.iscoroutinefunction(on_submit):

        async def submit_async(e: ft.Event[ft.TextField]) -> None:
            await on_submit()

        return submit_async
    return lambda e: on_submit()


def _set_error(control: ft.Control, message: str | None) -> None:
    if isinstance(control, ft.Dropdown):
        control.error_text = message
    elif isinstance(control, ft.TextField):
        control.error = message
    elif hasattr(control, "show_error"):
        control.show_error(message)


def split_list(text: str | None) -> list[str]:
    """ "a, b; c" → ["a", "b", "c"]: how people type lists into one field."""
    if not text:
        return []
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def section(title: str, *controls: ft.Control) -> ft.Column:
    return ft.Column([ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM), *controls], spacing=8)


def empty(text: str) -> ft.Text:
    return ft.Text(text, italic=True, color=ft.Colors.ON_SURFACE_VARIANT)
