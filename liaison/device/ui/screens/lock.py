"""Lock: first run sets a passphrase (and optionally enrols); later runs unlock. Auto-lock returns here."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import flet as ft

from liaison.core.errors import LiaisonError
from liaison.device.store import keys
from liaison.device.store.store import Store
from liaison.device.ui.components.forms import Form
from liaison.device.ui.state import UiContext

Unlocked = Callable[[Store, bool], Awaitable[None] | None]


class LockScreen:
    def __init__(self, ctx: UiContext, on_unlocked: Callable[[Store, str | None, str | None], None], demo_passphrase: str | None = None) -> None:
        self.ctx = ctx
        self.on_unlocked = on_unlocked
        self.demo_passphrase = demo_passphrase
        self.form = Form({})
        self.first_run = not keys.key_file_path(ctx.data_dir).exists()
        self.busy = ft.ProgressRing(visible=False, width=20, height=20)

    def view(self) -> ft.Control:
        title = "Set up Liaison" if self.first_run else "Liaison is locked"
        intro = (
            "Choose a passphrase. It encrypts everything you record on this device; it cannot be recovered."
            if self.first_run
            else "Enter your passphrase to unlock your records."
        )
        passphrase = self.form.text("passphrase", "Passphrase", password=True, autofocus=True, on_submit=self._submit_from_keyboard)
        rows: list[ft.Control] = [ft.Text(title, theme_style=ft.TextThemeStyle.HEADLINE_SMALL), ft.Text(intro), passphrase]
        if self.first_run:
            rows += [
                self.form.text("confirm", "Confirm passphrase", password=True),
                ft.Text("Connect to your company's server now, or later from Sync (optional):"),
                self.form.text("server_url", "Server URL", hint=self.ctx.settings.server_url or "https://liaison.example.com"),
                self.form.text("code", "Enrolment code"),
                ft.Row([ft.FilledButton(content="Create store", on_click=self.create), self.busy]),
            ]
        else:
            rows += [
                self.form.checkbox("remember", "Remember on this device"),
                ft.Row([ft.FilledButton(content="Unlock", on_click=self.unlock), self.busy]),
            ]
        if self.demo_passphrase:
            rows.append(ft.Text(f"Demo passphrase: {self.demo_passphrase}", italic=True))
        rows.append(self.form.banner)
        return ft.Container(
            ft.Column(rows, spacing=16, width=420, tight=True),
            alignment=ft.Alignment.CENTER, expand=True, padding=24,
        )

    async def _submit_from_keyboard(self) -> None:
        await (self.create() if self.first_run else self.unlock())

    async def unlock(self, e: object = None) -> None:
        passphrase = self.form.value("passphrase", "")
        if not passphrase:
            self.form.show_error(_field_error("passphrase", "enter your passphrase"))
            return
        await self._run(lambda: Store.open(self.ctx.data_dir, passphrase, settings=self.ctx.settings), remember=passphrase if self.form.value("remember") else None)

    async def create(self, e: object = None) -> None:
        passphrase, confirm = self.form.value("passphrase", ""), self.form.value("confirm", "")
        if passphrase != confirm:
            self.form.show_error(_field_error("confirm", "does not match the passphrase"))
            return
        try:
            keys.validate_new_passphrase(passphrase)
        except LiaisonError as error:
            self.form.show_error(error)
            return
        await self._run(lambda: Store.init(self.ctx.data_dir, passphrase, settings=self.ctx.settings), remember=None)

    async def _run(self, opener: Callable[[], Store], remember: str | None) -> None:
        self.busy.visible = True
        self.form.clear_errors()
        self.ctx.refresh()
        try:
            store = await asyncio.to_thread(opener)
        except LiaisonError as error:
            self.busy.visible = False
            message = str(error)
            self.form.show_error(_field_error("passphrase", message) if "passphrase" in message else error)
            self.ctx.refresh()
            return
        if remember:
            try:
                store.remember_key(remember)
            except LiaisonError as error:
                self.ctx.notify(str(error))
        server, code = self.form.value("server_url"), self.form.value("code")
        self.form.reset()
        self.on_unlocked(store, server, code)


def _field_error(field: str, message: str) -> LiaisonError:
    from liaison.core.errors import ValidationError

    return ValidationError(field, message.removeprefix(f"{field}: "))
