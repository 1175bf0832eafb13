"""Where "Remember on this device" keeps the data key: the OS key store on a desktop, the platform's on a tablet.

A desktop (and `--web`, whose Python runs on that desktop) has keyring. A tablet
has no keyring backend, but Flet's `flet-secure-storage` service reaches the
iOS Keychain and the Android Keystore from the app. The service answers over the
page's connection, so every keeper is awaited; the keyring one moves its calls
off the event loop, because a desktop key store may block on a password prompt.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable
from typing import Any, Protocol, TypeVar

import flet as ft
from flet.controls.exceptions import FletException

from liaison.core.errors import KeyringUnavailable
from liaison.device.store import remember

T = TypeVar("T")

ENTRY_PREFIX = "liaison.data-key."

_NO_PLATFORM_STORE = "this device's key store did not answer, so the key cannot be remembered; you will be asked for your passphrase at each unlock"


class Keeper(Protocol):
    """Keeps one data key per store, by store id. Never logs or shows the key."""

    platform: bool
    """True for the tablet's own key store, which is what biometric unlock reads."""

    async def available(self) -> bool: ...

    async def remember(self, store_id: str, data_key: bytes) -> None:
        """Keep the key; raises `KeyringUnavailable` where there is nowhere to keep it."""

    async def recall(self, store_id: str) -> bytes | None:
        """The kept key, or None where nothing is kept or the key store cannot be reached."""

    async def holds(self, store_id: str) -> bool:
        """Whether a key is kept, without reading it."""

    async def forget(self, store_id: str) -> None:
        """Remove the kept key; quiet where there is none."""

    async def forget_all(self) -> None:
        """Remove every key Liaison kept here: on a first run, whatever a wiped or uninstalled store left behind."""


class KeyringKeeper:
    """Desktops: keyring, exactly as `remember` does it (the CLI and `Store.open` use that module directly)."""

    platform = False

    async def available(self) -> bool:
        return await asyncio.to_thread(remember.available)

    async def remember(self, store_id: str, data_key: bytes) -> None:
        await asyncio.to_thread(remember.remember, store_id, data_key)

    async def recall(self, store_id: str) -> bytes | None:
        return await asyncio.to_thread(remember.recall, store_id)

    async def holds(self, store_id: str) -> bool:
        return await self.recall(store_id) is not None

    async def forget(self, store_id: str) -> None:
        await asyncio.to_thread(remember.forget, store_id)

    async def forget_all(self) -> None:
        """Nothing to do: keyring cannot list entries, and `Store.wipe` forgets its own key there."""


class SecureStorageKeeper:
    """Tablets: the Keychain / Android Keystore through a `flet_secure_storage.SecureStorage` on the page.

    The key is stored base64-encoded under `entry_name(store_id)`. Any failure of
    the service (no answer, a platform error) reads as "nothing kept" on the way
    in and as `KeyringUnavailable` on the way out, so the passphrase always works.
    """

    platform = True

    def __init__(self, storage: Any) -> None:
        self.storage = storage
        """The service; held here so Flet keeps it registered while the lock screen lives."""

    async def available(self) -> bool:
        try:
            return await _answer(self.storage.get_availability()) is not False
        except _SERVICE_FAILURES:
            return False

    async def remember(self, store_id: str, data_key: bytes) -> None:
        try:
            await _answer(self.storage.set(entry_name(store_id), base64.b64encode(data_key).decode("ascii")))
        except _SERVICE_FAILURES as exc:
            raise KeyringUnavailable(f"{_NO_PLATFORM_STORE} ({type(exc).__name__})") from None

    async def recall(self, store_id: str) -> bytes | None:
        try:
            value = await _answer(self.storage.get(entry_name(store_id)))
        except _SERVICE_FAILURES:
            return None
        if not value:
            return None
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError, TypeError):
            return None

    async def holds(self, store_id: str) -> bool:
        try:
            return bool(await _answer(self.storage.contains_key(entry_name(store_id))))
        except _SERVICE_FAILURES:
            return False

    async def forget(self, store_id: str) -> None:
        try:
            await _answer(self.storage.remove(entry_name(store_id)))
        except _SERVICE_FAILURES:
            return

    async def forget_all(self) -> None:
        """A wipe runs on the sync thread, away from the page, and the iOS Keychain outlives an uninstall."""
        try:
            entries = await _answer(self.storage.get_all())
            for name in entries or {}:
                if name.startswith(ENTRY_PREFIX):
                    await _answer(self.storage.remove(name))
        except _SERVICE_FAILURES:
            return


async def _answer(call: Awaitable[T]) -> T:
    return await asyncio.wait_for(call, SERVICE_TIMEOUT)


def entry_name(store_id: str) -> str:
    """The secure-storage entry for a store: its (non-secret) id, prefixed so other apps' entries cannot collide."""
    return f"{ENTRY_PREFIX}{store_id}"


def on_tablet(page: ft.Page | None) -> bool:
    """An installed app on Android or iOS; a browser on a tablet (`page.web`) is not one."""
    if page is None or getattr(page, "web", False):
        return False
    return page.platform in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS)


def keeper_for(page: ft.Page | None) -> Keeper:
    """The platform's key store on a tablet, keyring everywhere else (no page, a desktop, `--web`)."""
    if not on_tablet(page):
        return KeyringKeeper()
    from flet_secure_storage import IOSOptions, KeychainAccessibility, SecureStorage

    # Constructed while the page is current, a Flet service registers itself with it.
    # This-device-only: the key never travels in a backup to another iPad.
    storage = SecureStorage(ios_options=IOSOptions(accessibility=KeychainAccessibility.UNLOCKED_THIS_DEVICE))
    return SecureStorageKeeper(storage)


SERVICE_TIMEOUT = 15.0
"""Seconds to wait for the platform's answer; Flet itself would wait for ever."""

_SERVICE_FAILURES = (FletException, RuntimeError, TimeoutError, ValueError, OSError)
"""What a Flet service call raises: RuntimeError for a client-side error, TimeoutError, FletException.
Their messages may quote the call's arguments (the key itself), so none is ever shown or logged."""
