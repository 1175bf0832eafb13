"""Erasing an HCP's personal data from their profile: a dialog that says what will happen before it happens."""

from __future__ import annotations

import flet as ft

from liaison.core.errors import LiaisonError
from liaison.core.records.models import Hcp
from liaison.device.domain.erasure import consequences
from liaison.device.ui.components.forms import Form
from liaison.device.ui.state import UiContext


class ErasureDialog:
    """Opened by "Erase personal data"; the erasure runs only on "Erase", with a reason that does not name the HCP."""

    def __init__(self, ctx: UiContext, hcp: Hcp) -> None:
        self.ctx, self.hcp = ctx, hcp
        self.form = Form(ctx.draft(f"erase:{hcp.id}"), on_input=ctx.touch)
        blocked: str | None = None
        try:
            lines = consequences(ctx.unlocked.repository.erasure_impact(hcp.id))
        except LiaisonError as error:
            lines, blocked = [], str(error)
        self.erase_button = ft.FilledButton(
            content="Erase",
            icon=ft.Icons.DELETE_FOREVER,
            style=ft.ButtonStyle(bgcolor=ft.Colors.ERROR, color=ft.Colors.ON_ERROR),
            disabled=blocked is not None,
            on_click=self.erase,
        )
        reason = self.form.text(
            "reason",
            "Reason for erasure",
            multiline=True,
            width=520,
            hint="The request and its basis, e.g. e-mail of 3 March, GDPR art. 17; not the HCP's name",
        )
        if blocked is not None:
            self.form.banner.value, self.form.banner.visible = blocked, True
        self.dialog = ft.AlertDialog(
            modal=True,
            title=ft.Text(f"Erase the personal data of {hcp.name}?"),
            content=ft.Column(
                [*[ft.Text(f"• {line}") for line in lines], reason, self.form.banner],
                tight=True,
                spacing=8,
                width=520,
            ),
            actions=[ft.TextButton(content="Cancel", on_click=self.cancel), self.erase_button],
            semantics_label=f"Erase the personal data of {hcp.name}",
        )

    def open(self) -> None:
        self.ctx.show_dialog(self.dialog)

    def cancel(self, e: object = None) -> None:
        self.form.reset()
        self.ctx.close_dialog()

    def erase(self, e: object = None) -> None:
        try:
            receipt = self.ctx.unlocked.repository.erase_hcp(self.hcp.id, self.form.value("reason", ""))
        except LiaisonError as error:
            self.form.show_error(error)
            self.ctx.refresh()
            return
        self.form.reset()
        self.ctx.close_dialog()
        self.ctx.changed()
        self.ctx.notify(f"Personal data erased; the HCP's records now say {receipt.pseudonym}")
        self.ctx.navigate("HCPs")
