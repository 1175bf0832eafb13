"""Settings: server, auto-lock, theme, passphrase change and export."""

from __future__ import annotations

from pathlib import Path

import flet as ft

from liaison.core.errors import LiaisonError, ValidationError
from liaison.device.domain.export import export_to_file
from liaison.device.store import keys
from liaison.device.ui.components.forms import Form, section
from liaison.device.ui.prefs import THEMES, auto_lock_choices
from liaison.device.ui.state import UiContext


class SettingsScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.passphrase = Form(ctx.draft("passphrase_change", keep=False), on_input=ctx.touch)
        self.export = Form(ctx.draft("export"), on_input=ctx.touch)
        self.export.draft.setdefault("format", "jsonl")
        self.export.draft.setdefault("path", str(Path.home() / "liaison-export.jsonl"))

    def view(self) -> ft.Control:
        sync = self.ctx.sync
        state = sync.engine.state() if sync is not None and hasattr(sync, "engine") else None
        theme = ft.Dropdown(
            label="Theme",
            width=200,
            value=self.ctx.prefs.theme,
            options=[ft.DropdownOption(key=key, text=key.capitalize()) for key in THEMES],
            on_select=lambda e: self.set_theme(e.control.value or "light"),
        )
        auto_lock = ft.Dropdown(
            label="Auto-lock after",
            width=200,
            value=str(self.ctx.settings.auto_lock_minutes),
            options=[ft.DropdownOption(key=str(minutes), text=f"{minutes} min idle") for minutes in auto_lock_choices(self.ctx.configured_auto_lock)],
            on_select=lambda e: self.set_auto_lock(int(e.control.value or self.ctx.configured_auto_lock)),
        )
        return ft.ListView(
            [
                section(
                    "Server",
                    ft.Text(f"{state.server_url} as {state.user_email}" if state else "Not enrolled: this device works offline only (see Sync)."),
                    ft.Text(f"Organisation: {self.ctx.settings.organisation}"),
                ),
                section(
                    "Security",
                    ft.Text(f"Your IT department allows at most {self.ctx.configured_auto_lock} idle minutes; you may choose less."),
                    auto_lock,
                    ft.FilledTonalButton(content="Lock now", icon=ft.Icons.LOCK, on_click=lambda e: self.ctx.lock()),
                ),
                section("Appearance", theme),
                section(
                    "Change passphrase",
                    self.passphrase.text("current", "Current passphrase", password=True),
                    self.passphrase.text("new", "New passphrase", password=True),
                    self.passphrase.text("confirm", "Confirm new passphrase", password=True),
                    self.passphrase.banner,
                    ft.OutlinedButton(content="Change passphrase", on_click=lambda e: self.change_passphrase()),
                ),
                section(
                    "Export",
                    ft.Text("Everything you hold, one record a line. The file is plain text: keep it safe."),
                    ft.Row(
                        [
                            self.export.dropdown("format", "Format", [("jsonl", "JSON lines"), ("csv", "CSV")], width=180),
                            self.export.text("path", "Export to file", width=420),
                        ],
                        wrap=True,
                    ),
                    self.export.banner,
                    ft.OutlinedButton(content="Export", icon=ft.Icons.DOWNLOAD, on_click=lambda e: self.run_export()),
                ),
            ],
            spacing=16,
            padding=16,
            expand=True,
        )

    def set_theme(self, theme: str) -> None:
        self.ctx.choose_theme(theme)
        self.ctx.refresh()

    def set_auto_lock(self, minutes: int) -> None:
        effective = self.ctx.choose_auto_lock(minutes)
        self.ctx.notify(f"Liaison now locks after {effective} idle minutes")

    def change_passphrase(self) -> bool:
        form = self.passphrase
        try:
            if form.value("new", "") != form.value("confirm", ""):
                raise ValidationError("confirm", "does not match the new passphrase")
            keys.change_passphrase(self.ctx.unlocked.data_dir, form.value("current", ""), form.value("new", ""))
        except LiaisonError as error:
            if "wrong passphrase" in str(error):
                error = ValidationError("current", "wrong passphrase")
            form.show_error(error)
            return False
        form.reset()
        self.ctx.notify("Passphrase changed")
        return True

    def run_export(self) -> int | None:
        form = self.export
        try:
            path = Path(form.value("path", "")).expanduser()
            if not form.value("path") or not path.parent.is_dir():
                raise ValidationError("path", "choose a file in an existing folder")
            count = export_to_file(self.ctx.unlocked.repository, form.value("format", "jsonl"), path)
        except (LiaisonError, OSError) as error:
            form.show_error(error if isinstance(error, LiaisonError) else ValidationError("path", str(error)))
            return None
        self.ctx.notify(f"Exported {count} records to {path}")
        return count
