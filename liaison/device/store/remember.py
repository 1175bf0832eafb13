"""'Remember on this device': keep the data key in the OS key store through keyring.

Where no key store exists (a headless Linux box, a locked-down tablet) this
degrades to a clear `KeyringUnavailable`, and the MSL simply types the
passphrase at each unlock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.core.errors import KeyringUnavailable

if TYPE_CHECKING:
    import keyring.backend

# keyring is imported on first use, in each function: it costs a tenth of a second
# of the app's start-up, and only "remember on this device" needs it.

SERVICE = "liaison"
_NO_KEYRING = "no OS key store is available on this device, so the key cannot be remembered; you will be asked for your passphrase at each unlock"


def _backend() -> keyring.backend.KeyringBackend:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        raise KeyringUnavailable(_NO_KEYRING)
    return backend


def available() -> bool:
    """Whether this device has an OS key store to remember the key in."""
    try:
        _backend()
    except KeyringUnavailable:
        return False
    return True


def remember(store_id: str, data_key: bytes) -> None:
    import keyring.errors

    try:
        _backend().set_password(SERVICE, store_id, data_key.hex())
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"{_NO_KEYRING} ({exc})") from None


def recall(store_id: str) -> bytes | None:
    """The remembered data key, or None where nothing is remembered or no key store exists."""
    import keyring.errors

    try:
        secret = _backend().get_password(SERVICE, store_id)
    except (KeyringUnavailable, keyring.errors.KeyringError):
        return None
    return bytes.fromhex(secret) if secret else None


def forget(store_id: str) -> None:
    import keyring.errors

    try:
        _backend().delete_password(SERVICE, store_id)
    except (KeyringUnavailable, keyring.errors.KeyringError):
        return
