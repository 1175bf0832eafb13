"""Lock: first run sets a passphrase (and optionally enrols); later runs unlock. Auto-lock returns here.

Beside the passphrase, once `offer()` has asked the device: "Unlock with
biometrics" on a tablet whose key store holds the key, and "Forget on this
device" wherever a key is remembered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import flet as ft

from liaison.core.errors import LiaisonError
from liaison.device.store import keys
from liaison.device.store.db import db_path
from liaison.device.store.keeper import Keeper, keeper_for
from liaison.device.store.store import Store
from liaison.device.ui import biometrics
from liaison.device.ui.biometrics import LocalAuth
from liaison.device.ui.components.forms import Form
from liaison.device.ui.state import UiContext

Unlocked = Callable[[Store, bool], Awaitable[None] | None]


class LockScreen:
    def __init__(
        self,
        ctx: UiContext,
        on_unlocked: Callable[[Store, str | None, str | None], None],
        demo_passphrase: str | None = None,
        *,
        keeper: Keeper | None = None,
        auth: LocalAuth | None = None,
    ) -> None:
        self.ctx = ctx
        self.on_unlocked = on_unlocked
        self.demo_passphrase = demo_passphrase
        self.form = Form({})
        self.first_run = not keys.key_file_path(ctx.data_dir).exists()
        self.busy = ft.ProgressRing(visible=False, width=20, height=20)
        self.keeper = keeper or keeper_for(ctx.page)
        """Where "Remember on this device" keeps the key: keyring on a desktop, the platform's store on a tablet."""
        self.auth = auth if auth is not None else biometrics.local_auth_for(ctx.page)
        self.choices = biometrics.LockChoices()
        self.biometric_button = ft.FilledTonalButton(
            content="Unlock with biometrics", icon=ft.Icons.FINGERPRINT, on_click=self.unlock_with_biometrics, visible=False
        )
        self.forget_button = ft.TextButton(content="Forget on this device", on_click=self.forget, visible=False)

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
                ft.Row([ft.FilledButton(content="Unlock", on_click=self.unlock), self.biometric_button, self.busy], wrap=True),
                self.forget_button,
            ]
        if self.demo_passphrase:
            rows.append(ft.Text(f"Demo passphrase: {self.demo_passphrase}", italic=True))
        rows.append(self.form.banner)
        return ft.Container(
            ft.Column(rows, spacing=16, width=420, tight=True),
            alignment=ft.Alignment.CENTER,
            expand=True,
            padding=24,
        )

    async def offer(self) -> biometrics.LockChoices:
        """Ask the device what it can do beside the passphrase, and show those buttons (run once the view is up)."""
        if self.first_run:
            if not db_path(self.ctx.data_dir).exists():
                # No store at all, so no key kept for one should be either. With a database but no key
                # file, a kept key may be the one way left to read it: it stays.
                await self.keeper.forget_all()
            return self.choices
        try:
            store_id = keys.store_id(self.ctx.data_dir)
        except LiaisonError:
            return self.choices  # a damaged key file: the passphrase path names it
        self._show(await biometrics.lock_choices(self.keeper, self.auth, store_id))
        return self.choices

    async def unlock_with_biometrics(self, e: object = None) -> None:
        self.form.clear_errors()
        try:
            data_key = await biometrics.unlock_key(self.keeper, self.auth, keys.store_id(self.ctx.data_dir))
        except LiaisonError as refused:  # BiometricRefused, or a key file that cannot name its store
            self.form.show_error(refused)
            self.ctx.refresh()
            return
        await self._run(lambda: Store.open(self.ctx.data_dir, data_key=data_key, settings=self.ctx.settings), remember=None)

    async def forget(self, e: object = None) -> None:
        """Remove the remembered key from this device's key store; the passphrase is all that unlocks now."""
        try:
            await self.keeper.forget(keys.store_id(self.ctx.data_dir))
        except LiaisonError as error:
            self.form.show_error(error)
            self.ctx.refresh()
            return
        self._show(biometrics.LockChoices())
        self.ctx.notify("This device no longer remembers your key: unlock with your passphrase.")

    def _show(self, choices: biometrics.LockChoices) -> None:
        self.choices = choices
        self.biometric_button.visible = choices.biometrics
        self.forget_button.visible = choices.forget
        self.ctx.refresh()

    async def _submit_from_keyboard(self) -> None:
        await (self.create() if self.first_run else self.unlock())

    async def unlock(self, e: object = None) -> None:
        passphrase = self.form.value("passphrase", "")
        if not passphrase:
            self.form.show_error(_field_error("passphrase", "enter your passphrase"))
            return
        await self._run(
            lambda: Store.open(self.ctx.data_dir, passphrase, settings=self.ctx.settings),
            remember=passphrase if self.form.value("remember") else None,
        )

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
                # Unwrapped afresh from the passphrase, as `Store.remember_key` does: the store never hands out its key.
                data_key = await asyncio.to_thread(keys.unlock, self.ctx.data_dir, remember)
                await self.keeper.remember(store.store_id, data_key)
            except LiaisonError as error:
                self.ctx.notify(str(error))
        server, code = self.form.value("server_url"), self.form.value("code")
        self.form.reset()
        self.on_unlocked(store, server, code)


def _field_error(field: str, message: str) -> LiaisonError:
    from liaison.core.errors import ValidationError

    return ValidationError(field, message.removeprefix(f"{field}: "))
