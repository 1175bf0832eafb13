"""A checkbox whose label wraps onto more lines instead of running off a narrow screen.

Flet's own checkbox label sits beside the box in a row that cannot wrap, so on a
390-px phone a long label ("Off-label use was discussed (only in reply to …") is
cut off mid-word. Here the box carries the label for screen readers and the
words beside it wrap; tapping the words ticks the box, as tapping a label does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft


class WrappingCheckbox(ft.Row):
    def __init__(self, label: str, value: bool, on_change: Callable[..., Any]) -> None:
        """`on_change(event)` runs when the box is ticked or cleared, by the box or by its words."""
        self._on_change = on_change
        self.checkbox = ft.Checkbox(semantics_label=label, value=value, on_change=on_change)
        words = ft.Container(ft.Text(label), padding=ft.Padding.only(top=10), expand=True, on_click=lambda e: self.toggle())
        super().__init__([self.checkbox, words], spacing=0, vertical_alignment=ft.CrossAxisAlignment.START)

    def toggle(self) -> None:
        self.checkbox.value = not self.checkbox.value
        self._on_change(ft.Event(name="change", control=self.checkbox))
        self.checkbox.update()
