"""'Remember on this device': keep the data key in the OS key store through keyring.

Where no key store exists (a headless Linux box, a locked-down tablet) this
degrades to a clear `KeyringUnavailable`, and the MSL simply types the
passphrase at each unlock.
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backends import fail

from app.errors import KeyringUnavailable

SERVICE = "liaison"
_NO_KEYRING = (
    "no OS key store is available on this device, so the key cannot be remembered; "
    "you will be asked for your passphrase at each unlock"
)


def _backend() -> keyring.backend.KeyringBackend:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        raise KeyringUnavailable(_NO_KEYRING)
    return backend


def remember(store_id: str, data_key: bytes) -> None:
    try:
        _backend().set_password(SERVICE, store_id, data_key.hex())
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"{_NO_KEYRING} ({exc})") from None


def recall(store_id: str) -> bytes | None:
    """The remembered data key, or None where nothing is remembered or no key store exists."""
    try:
        secret = _backend().get_password(SERVICE, store_id)
    except (KeyringUnavailable, keyring.errors.KeyringError):
        return None
    return bytes.fromhex(secret) if secret else None


def forget(store_id: str) -> None:
    try:
        _backend().delete_password(SERVICE, store_id)
    except (KeyringUnavailable, keyring.errors.KeyringError):
        return
