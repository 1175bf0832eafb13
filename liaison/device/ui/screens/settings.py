"""Settings: server, auto-lock, theme, language, region format and time zone, passphrase change and export."""

from __future__ import annotations

from pathlib import Path

import flet as ft
from babel import Locale

from liaison.core.errors import LiaisonError, ValidationError
from liaison.device.domain.export import export_to_file
from liaison.device.locale import LOCALES, all_zones, example_text
from liaison.device.store import keys
from liaison.device.ui.components.forms import Form, MatchList, empty, section
from liaison.device.ui.prefs import LANGUAGES, THEMES, auto_lock_choices
from liaison.device.ui.state import UiContext


class SettingsScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.passphrase = Form(ctx.draft("passphrase_change", keep=False), on_input=ctx.touch)
        self.export = Form(ctx.draft("export"), on_input=ctx.touch)
        self.export.draft.setdefault("format", "jsonl")
        self.export.draft.setdefault("path", str(Path.home() / "liaison-export.jsonl"))
        self.zone_matches = MatchList()
        self.zone_shown = ft.Text(self._zone_line())

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
                self.region_section(),
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

    def region_section(self) -> ft.Control:
        """Language (English only for now), how dates, times and numbers read, and the zone times are shown in."""
        language = ft.Dropdown(
            label="Language",
            width=260,
            value=self.ctx.prefs.language,
            options=[ft.DropdownOption(key=key, text=name) for key, name in LANGUAGES.items()],
        )
        region = ft.Dropdown(
            label="Region format",
            width=420,
            value=self.ctx.display.locale,
            options=[ft.DropdownOption(key=code, text=f"{Locale.parse(code).display_name}: {example_text(code)}") for code in LOCALES],
            on_select=lambda e: self.set_region(e.control.value or LOCALES[0]),
        )
        search = ft.TextField(
            label="Search time zones", hint_text="A city or region, e.g. Tokyo", width=420, on_change=lambda e: self.find_zones(e.control.value or "")
        )
        return section(
            "Language and region",
            language,
            region,
            self.zone_shown,
            search,
            self.zone_matches,
            ft.OutlinedButton(content="Use the device's time zone", icon=ft.Icons.MY_LOCATION, on_click=lambda e: self.set_zone(None)),
        )

    def _zone_line(self) -> str:
        if self.ctx.zone_unconfirmed:
            return "Time zone: not chosen yet. Times show in UTC until you choose yours below (this browser's zone is not known here)."
        automatic = " (automatic, the device's)" if self.ctx.prefs.zone is None else ""
        return f"Time zone: {self.ctx.display.zone_name()}{automatic}. Now {self.ctx.display.datetime_text(self.ctx.display.now())}."

    def find_zones(self, typed: str) -> list[str]:
        """Zones whose name holds what was typed ('tokyo', 'new york'), at most 8."""
        self.ctx.touch()
        words = typed.strip().lower().replace(" ", "_")
        found = [name for name in all_zones() if words and words in name.lower()][:8]
        self.zone_matches.controls = [
            ft.ListTile(title=ft.Text(name), dense=True, on_click=lambda e, name=name: self.set_zone(name)) for name in found
        ] or ([empty("No time zone by that name.")] if words else [])
        self.ctx.refresh()
        return found

    def set_region(self, code: str) -> None:
        display = self.ctx.choose_display(region=code)
        self.zone_shown.value = self._zone_line()
        self.ctx.notify(f"Dates now read like {display.date_text(display.today())}")

    def set_zone(self, name: str | None) -> None:
        """A zone from the search, or None for the device's own; every screen shows times in it from now on."""
        display = self.ctx.choose_display(zone=name, automatic_zone=name is None)
        self.zone_matches.controls = []
        self.zone_shown.value = self._zone_line()
        self.ctx.notify(
            f"Times now shown in {display.zone_name()}" if not self.ctx.zone_unconfirmed else "Times show in UTC until you choose your time zone"
        )
        self.ctx.refresh()

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
