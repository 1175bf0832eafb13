"""The compliance review's findings, shown beside the text they concern before anything is filed.

Each finding reads in plain words: where, the phrase, why a reviewer objects,
and what to write instead. Below them, a "Justification" field and an
"… anyway" button: the write goes ahead only with a written justification,
which the repository keeps as an override reported to the manager. Blocking
findings get neither: they are explained and the button is not offered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

from liaison.core.errors import ValidationError
from liaison.core.findings import Finding
from liaison.core.records.models import MIN_JUSTIFICATION
from liaison.device.ui.components.forms import Form

OVERRIDABLE = "Revise the text, or {action} anyway with a written justification. It is kept with the record and reported to your manager."
BLOCKED = "This cannot be filed as it stands: no justification overrides it."


class ReviewPanel(ft.Column):
    """Findings plus the way to file anyway; hidden until a review finds something."""

    def __init__(
        self,
        form: Form,
        *,
        action: str,
        on_override: Callable[[str], Any],
        button: str | None = None,
        label: str = "Justification",
        name: str = "justification",
    ) -> None:
        """`action` is the verb the MSL was doing ("submit", "save"); `button` and `label` name the controls
        where a screen shows several panels (one per event) and each needs its own name."""
        self.form = form
        self.name = name
        self.on_override = on_override
        self.action = action
        self.title = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_SMALL, color=ft.Colors.ERROR)
        self.advice = ft.Text("")
        self.items = ft.Column(spacing=8)
        self.justification = form.text(
            name,
            label,
            multiline=True,
            hint=f"Why is this text appropriate? At least {MIN_JUSTIFICATION} characters; your manager will read it.",
        )
        self.button = ft.FilledTonalButton(content=button or f"{action.capitalize()} anyway", on_click=lambda e: self.override())
        # The findings are their own accessibility node: otherwise Flutter folds every line of them
        # into the Justification field's label, and a screen reader reads the lot as the field's name.
        findings = ft.Semantics(content=ft.Column([self.title, self.advice, self.items], spacing=8), container=True)
        super().__init__(
            [findings, self.justification, ft.Row([self.button])],
            spacing=8,
            visible=False,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    def show(self, findings: Sequence[Finding]) -> None:
        blocked = any(finding.blocking for finding in findings)
        self.title.value = f"Compliance review: {len(findings)} finding{'s' if len(findings) != 1 else ''}"
        self.advice.value = BLOCKED if blocked else OVERRIDABLE.format(action=self.action)
        self.items.controls = [_finding(finding) for finding in findings]
        self.justification.visible = self.button.visible = not blocked
        self.visible = True

    def hide(self) -> None:
        self.visible = False
        self.items.controls = []

    def override(self) -> Any:
        """The "… anyway" button: only with a justification written out."""
        written = " ".join(str(self.form.draft.get(self.name) or "").split())
        if len(written) < MIN_JUSTIFICATION:
            message = f"write at least {MIN_JUSTIFICATION} characters saying why this text is appropriate"
            self.form.show_error(ValidationError(self.name, message))
            return None
        return self.on_override(written)


def _finding(finding: Finding) -> ft.Control:
    """One finding as one accessibility node: where and what, why, and what to write instead."""
    colour = ft.Colors.ERROR if finding.blocking else None
    heading = f'{finding.where}: "{finding.phrase}"' if finding.field not in ("hcp_id", "off_label") else finding.where
    kind = "not allowed" if finding.blocking else finding.category.replace("_", " ")
    lines = ft.Column(
        [
            ft.Text(f"{heading} · {kind} ({finding.rule_id})", weight=ft.FontWeight.BOLD, color=colour),
            ft.Text(finding.reason, color=colour),
            ft.Text(f"Suggestion: {finding.suggestion}", italic=True),
        ],
        spacing=2,
        tight=True,
    )
    edge = ft.BorderSide(3, ft.Colors.ERROR if finding.blocking else ft.Colors.AMBER)
    return ft.Semantics(container=True, content=ft.Container(lines, padding=ft.Padding.only(left=8), border=ft.Border.only(left=edge)))
