"""One record whose changes the server refused: why, in plain words, and what the MSL can do about it here.

Where the refusal names a field that holds plain text or a number, the card
offers it for correction, so "correct and resend" is one step on a tablet; the
correction is an ordinary edit through the repository, checked like any other.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import flet as ft

from liaison.core.errors import LiaisonError
from liaison.core.records.kinds import kind_for
from liaison.device.store.refusals import Refusal
from liaison.device.ui.state import UiContext


class RefusalCard(ft.Card):
    def __init__(self, ctx: UiContext, refusal: Refusal, subject: str) -> None:
        self.ctx, self.refusal = ctx, refusal
        self.correction = self._correction_field()
        title = subject + (f" · {refusal.field.replace('_', ' ')}" if refusal.field else "")
        waiting = f"{refusal.waiting} change{'s' if refusal.waiting != 1 else ''} waiting to be sent"
        actions: list[ft.Control] = [
            ft.FilledButton(
                content="Save and resend" if self.correction is not None else "Resend", icon=ft.Icons.SEND, on_click=lambda e: self.resend()
            )
        ]
        if not refusal.safety:
            actions.append(ft.OutlinedButton(content="Discard", icon=ft.Icons.DELETE_OUTLINE, on_click=lambda e: self.discard()))
        hint = (
            "Correct it and resend: an adverse event or inquiry is never discarded."
            if refusal.safety
            else "Correct it and resend, or discard its changes."
        )
        super().__init__(
            ft.Container(
                ft.Column(
                    [
                        ft.Text(title, weight=ft.FontWeight.BOLD),
                        ft.Text(refusal.reason, color=ft.Colors.ERROR),
                        ft.Text(f"{waiting}. {hint}", color=ft.Colors.ON_SURFACE_VARIANT),
                        *([self.correction] if self.correction is not None else []),
                        ft.Row(actions, wrap=True),
                    ],
                    spacing=6,
                ),
                padding=12,
            )
        )

    def _correction_field(self) -> ft.TextField | None:
        """A field for the refused value, when it is one a person types (text, a number, a date or time)."""
        name = self.refusal.field
        model = kind_for(self.refusal.table).model
        if not name or name not in model.model_fields:
            return None
        try:
            value = getattr(self.ctx.unlocked.repository.get(model, self.refusal.record_id), name)
        except LiaisonError:
            return None
        if not _typed_by_hand(value):
            return None
        shown = "" if value is None else value.isoformat() if isinstance(value, (date, datetime)) else str(value)
        return ft.TextField(label=f"Correct {name.replace('_', ' ')}", value=shown)

    def resend(self) -> None:
        repository = self.ctx.unlocked.repository
        model = kind_for(self.refusal.table).model
        try:
            if self.correction is not None and self.refusal.field:
                typed = (self.correction.value or "").strip()
                repository.update(model, self.refusal.record_id, {self.refusal.field: typed or None})
            repository.resend_refused(self.refusal.change_id)
        except LiaisonError as error:
            if self.correction is not None:
                self.correction.error = getattr(error, "message", None) or str(error)
            self.ctx.notify(str(error))
            return
        self._done("Sent again at the next sync")

    def discard(self) -> None:
        try:
            self.ctx.unlocked.repository.discard_refused(self.refusal.change_id)
        except LiaisonError as error:
            self.ctx.notify(str(error))
            return
        self._done("Discarded; the audit log keeps what it said")

    def _done(self, notice: str) -> None:
        self.ctx.changed()
        self.ctx.notify(notice)
        self.ctx.navigate("Sync")


def _typed_by_hand(value: Any) -> bool:
    return value is None or (isinstance(value, (str, int, float, date, datetime)) and not isinstance(value, bool))
