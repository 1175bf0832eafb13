"""Biometric unlock on a tablet: the system checks a face or finger, then the remembered key opens the store.

Offered only where both halves exist: the data key is remembered in the
platform's key store (Keychain / Android Keystore, see `store.keeper`), and the
device has biometrics enrolled (`flet-local-auth`). It sits on top of the
passphrase, never in its place: any refusal leaves the MSL on the passphrase
field with one line saying why. The decisions live here, apart from the
controls, so they can be specified without a tablet.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

import flet as ft
from flet.controls.exceptions import FletException
from flet_local_auth import LocalAuthentication, LocalAuthErrorCode, LocalAuthException

from liaison.core.errors import LiaisonError
from liaison.device.store.keeper import Keeper, on_tablet

REASON = "Unlock your Liaison records"
"""What the system's biometric prompt says."""

CHECK_TIMEOUT = 15.0
"""Seconds to wait for the device to say what it supports; the prompt itself may take as long as the MSL needs."""


class LocalAuth(Protocol):
    """The part of `flet_local_auth.LocalAuthentication` this uses, with its real names."""

    async def can_check_biometrics(self) -> bool: ...

    async def get_available_biometrics(self) -> list[Any]: ...

    async def authenticate(
        self, reason: str, *, biometric_only: bool = False, sensitive_transaction: bool = True, persist_across_backgrounding: bool = False
    ) -> bool: ...


class BiometricRefused(LiaisonError):
    """Biometric unlock did not happen; the message says why in one line and points at the passphrase."""


@dataclass(frozen=True)
class LockChoices:
    """What the lock screen offers beside the passphrase."""

    biometrics: bool = False
    """"Unlock with biometrics": a key in the platform store and biometrics enrolled."""
    forget: bool = False
    """"Forget on this device": a key is remembered here (in whichever key store)."""


CANCELLED = "Biometric unlock cancelled: enter your passphrase."
LOCKED_OUT = "Too many tries: biometrics are locked for now; enter your passphrase."
UNAVAILABLE = "Biometrics are not available on this device just now: enter your passphrase."
NOT_RECOGNISED = "Not recognised: try again or enter your passphrase."
NOTHING_KEPT = "This device no longer holds your key: enter your passphrase."
FAILED = "Biometric unlock failed: enter your passphrase."

_REFUSALS = {
    LocalAuthErrorCode.USER_CANCELED: CANCELLED,
    LocalAuthErrorCode.SYSTEM_CANCELED: CANCELLED,
    LocalAuthErrorCode.USER_REQUESTED_FALLBACK: CANCELLED,
    LocalAuthErrorCode.TIMEOUT: CANCELLED,
    LocalAuthErrorCode.TEMPORARY_LOCKOUT: LOCKED_OUT,
    LocalAuthErrorCode.BIOMETRIC_LOCKOUT: LOCKED_OUT,
    LocalAuthErrorCode.NO_BIOMETRICS_ENROLLED: UNAVAILABLE,
    LocalAuthErrorCode.NO_BIOMETRIC_HARDWARE: UNAVAILABLE,
    LocalAuthErrorCode.NO_CREDENTIALS_SET: UNAVAILABLE,
    LocalAuthErrorCode.BIOMETRIC_HARDWARE_TEMPORARILY_UNAVAILABLE: UNAVAILABLE,
    LocalAuthErrorCode.UI_UNAVAILABLE: UNAVAILABLE,
    LocalAuthErrorCode.AUTH_IN_PROGRESS: "A biometric check is already open: finish it or enter your passphrase.",
}

_SERVICE_FAILURES = (FletException, RuntimeError, TimeoutError)


def local_auth_for(page: ft.Page | None) -> LocalAuth | None:
    """The device's local authentication on a tablet; None elsewhere (Flet refuses it on web and Linux)."""
    if not on_tablet(page):
        return None
    auth: LocalAuth = LocalAuthentication()
    return auth


async def biometrics_ready(auth: LocalAuth | None) -> bool:
    """Biometric hardware and at least one enrolled face or finger; a device that cannot say counts as not ready."""
    if auth is None:
        return False
    try:
        return bool(await asyncio.wait_for(auth.can_check_biometrics(), CHECK_TIMEOUT)) and bool(
            await asyncio.wait_for(auth.get_available_biometrics(), CHECK_TIMEOUT)
        )
    except _SERVICE_FAILURES:
        return False


async def lock_choices(keeper: Keeper, auth: LocalAuth | None, store_id: str) -> LockChoices:
    remembered = await keeper.holds(store_id)
    return LockChoices(biometrics=remembered and keeper.platform and await biometrics_ready(auth), forget=remembered)


async def unlock_key(keeper: Keeper, auth: LocalAuth | None, store_id: str) -> bytes:
    """The remembered data key once the device has recognised its owner; raises `BiometricRefused` otherwise."""
    if auth is None or not keeper.platform:
        raise BiometricRefused(UNAVAILABLE)
    try:
        recognised = await auth.authenticate(REASON, biometric_only=True)
    except LocalAuthException as refusal:
        raise BiometricRefused(_REFUSALS.get(refusal.code, FAILED)) from None
    except _SERVICE_FAILURES:
        raise BiometricRefused(FAILED) from None
    if not recognised:
        raise BiometricRefused(NOT_RECOGNISED)
    data_key = await keeper.recall(store_id)
    if data_key is None:
        raise BiometricRefused(NOTHING_KEPT)
    return data_key
