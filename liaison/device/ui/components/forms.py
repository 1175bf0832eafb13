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

from liaison.core.errors import LiaisonError, ValidationErrors
from liaison.device.ui.components.checkbox import WrappingCheckbox

Option = tuple[str, str]
"""(key stored in the draft, text shown)"""

MAX_LINES = 12
"""How tall a multiline field grows before it scrolls: 50,000 characters must not make it thousands of pixels tall."""
COUNT_FROM = 0.8
"""The share of a field's limit from which the character counter shows."""


def counter_text(length: int, limit: int) -> str | None:
    """ "9,120 / 10,000" once the text nears its limit, and how far over it is past it; nothing before."""
    if length < limit * COUNT_FROM:
        return None
    if length > limit:
        return f"{length:,} / {limit:,}: {length - limit:,} over the limit"
    return f"{length:,} / {limit:,}"


class Form:
    def __init__(self, draft: dict[str, Any], on_input: Callable[[], None] | None = None, defaults: Mapping[str, Any] | None = None) -> None:
        self.draft = draft
        self.defaults = dict(defaults or {})
        """What a field shows and means until the MSL types in it, worked out as the form opens."""
        self.controls: dict[str, ft.Control] = {}
        """Fields by draft key; a control with `show_error(message)` shows its own errors."""
        self.limits: dict[str, int] = {}
        """Text fields' character limits, by draft key: their counters show near them."""
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
        limit: int | None = None,
    ) -> ft.TextField:
        """A text field; a multiline one grows to MAX_LINES and then scrolls, and with a `limit` counts characters near it.

        The limit is never enforced by cutting the text (a paste would lose its end):
        the counter turns red past it and the field model refuses it in words.
        """
        value = str(self.draft.get(name, self.defaults.get(name)) or "")
        if limit is not None:
            self.limits[name] = limit
        field = ft.TextField(
            label=label,
            value=value,
            multiline=multiline,
            min_lines=3 if multiline else None,
            max_lines=MAX_LINES if multiline else None,
            counter=counter_text(len(value), limit) if limit is not None else None,
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
        control = self.controls.get(name)
        if name in self.limits and isinstance(control, ft.TextField):
            control.counter = counter_text(len(str(value or "")), self.limits[name])
        self.touched(name)

    def touched(self, name: str) -> None:
        """A field changed (one of the draft's keys, or a part of one: a row of a list): its error goes, and it counts as input."""
        self._clear(name)
        self._on_input()

    def value(self, name: str, default: Any = None) -> Any:
        value = self.draft.get(name, self.defaults.get(name, default))
        return default if value == "" else value

    def show_error(self, error: LiaisonError) -> None:
        """Put each problem beside the field it names; with several, the banner above the buttons lists them all too.

        A problem about no field on this form goes in the banner, in its own words.
        """
        self.clear_errors()
        problems = error.problems if isinstance(error, ValidationErrors) else [error]
        order = list(self.controls)
        placed: list[tuple[int, str]] = []
        unplaced: list[str] = []
        for problem in problems:
            field = getattr(problem, "field", None) or ""
            message = getattr(problem, "message", None) or str(problem)
            key = field if field in self.controls else _ALIASES.get(field, "")
            target = self.controls.get(key)
            if target is None:
                unplaced.append(str(problem))
                continue
            _set_error(target, message)
            placed.append((order.index(key), f"{_label(target) or getattr(problem, 'label', None) or field}: {message}"))
        if len(problems) > 1 or unplaced:
            lines = unplaced + [line for _, line in sorted(placed)]
            heading = [f"Please correct these {len(lines)} problems:"] if len(lines) > 1 else []
            self.banner.value, self.banner.visible = "\n".join(heading + lines), True

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


_ALIASES = {
    "hcp_id": "hcp",
    "reporter_hcp_id": "hcp",
    "follow_ups.0.text": "follow_up",
    "follow_ups.0.due": "follow_up_due",
    "follow_ups": "follow_up",
}
"""A model's field (or its first list item) → the form field that holds it."""


def _label(control: ft.Control) -> str | None:
    """The words shown on a field, without "(optional)": what a summary line names."""
    inner = control.checkbox if isinstance(control, CheckField) else control
    label = getattr(inner, "label", None)
    return str(label).removesuffix(" (optional)") if isinstance(label, str) and label else None


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
