"""Key stores for specs: keyring backends that keep secrets in memory or a file, and the tablet's platform services.

A tablet cannot exist on this machine, so its two Flet services are the one
thing faked: `FakeSecureStorage` and `FakeLocalAuth` answer with the real
services' method names and signatures (a spec checks them against
`flet_secure_storage.SecureStorage` and `flet_local_auth.LocalAuthentication`).
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import keyring.backend
from flet_local_auth import BiometricType, LocalAuthErrorCode, LocalAuthException
from flet_secure_storage import AndroidOptions, IOSOptions, MacOsOptions, WebOptions, WindowsOptions
from keyring.compat import properties

KEYRING_FILE_ENV = "LIAISON_TEST_KEYRING_FILE"


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


class FileKeyring(keyring.backend.KeyringBackend):
    """A JSON file named by LIAISON_TEST_KEYRING_FILE: a served app (`PYTHON_KEYRING_BACKEND=tests.keystores.FileKeyring`) and its test share it.

    keyring offers every imported backend class that is viable as a default: without the variable this
    one is not, or a spec that never chose it would meet it (and a `KeyError`) when it forgets a key.
    """

    @properties.classproperty
    def priority(cls) -> float:
        if KEYRING_FILE_ENV not in os.environ:
            raise RuntimeError(f"{KEYRING_FILE_ENV} is not set")
        return 1

    @property
    def path(self) -> Path:
        return Path(os.environ[KEYRING_FILE_ENV])

    def secrets(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.path.write_text(json.dumps({**self.secrets(), f"{service}/{username}": password}))

    def delete_password(self, service: str, username: str) -> None:
        secrets = self.secrets()
        secrets.pop(f"{service}/{username}", None)
        self.path.write_text(json.dumps(secrets))


class FakeSecureStorage:
    """The Keychain / Android Keystore behind `flet_secure_storage.SecureStorage`: a dict, or a failure on demand."""

    def __init__(self, *, availability: bool | None = None) -> None:
        self.entries: dict[str, str] = {}
        self.availability = availability
        """What `get_availability` answers: None on Android (unsupported there), True/False on iOS."""
        self.failure: Exception | None = None
        """Raised by every call while set, as Flet raises a client-side error."""
        self.silent = False
        """Never answer, as a client that has gone away."""

    async def _call(self) -> None:
        if self.silent:
            await asyncio.Event().wait()
        if self.failure is not None:
            raise self.failure

    async def get_availability(self) -> bool | None:
        await self._call()
        return self.availability

    async def set(
        self,
        key: str,
        value: Any,
        *,
        web: WebOptions | None = None,
        ios: IOSOptions | None = None,
        macos: MacOsOptions | None = None,
        android: AndroidOptions | None = None,
        windows: WindowsOptions | None = None,
    ) -> None:
        if value is None:
            raise ValueError("value can't be None")
        await self._call()
        self.entries[key] = value

    async def get(
        self,
        key: str,
        *,
        web: WebOptions | None = None,
        ios: IOSOptions | None = None,
        macos: MacOsOptions | None = None,
        android: AndroidOptions | None = None,
        windows: WindowsOptions | None = None,
    ) -> str | None:
        await self._call()
        return self.entries.get(key)

    async def get_all(
        self,
        *,
        web: WebOptions | None = None,
        ios: IOSOptions | None = None,
        macos: MacOsOptions | None = None,
        android: AndroidOptions | None = None,
        windows: WindowsOptions | None = None,
    ) -> dict[str, str]:
        await self._call()
        return dict(self.entries)

    async def contains_key(
        self,
        key: str,
        *,
        web: WebOptions | None = None,
        ios: IOSOptions | None = None,
        macos: MacOsOptions | None = None,
        android: AndroidOptions | None = None,
        windows: WindowsOptions | None = None,
    ) -> bool:
        await self._call()
        return key in self.entries

    async def remove(
        self,
        key: str,
        *,
        web: WebOptions | None = None,
        ios: IOSOptions | None = None,
        macos: MacOsOptions | None = None,
        android: AndroidOptions | None = None,
        windows: WindowsOptions | None = None,
    ) -> None:
        await self._call()
        self.entries.pop(key, None)


class FakeLocalAuth:
    """A tablet's biometrics behind `flet_local_auth.LocalAuthentication`: enrolled or not, and how the next prompt ends."""

    def __init__(self, *, hardware: bool = True, enrolled: tuple[BiometricType, ...] = (BiometricType.FACE,)) -> None:
        self.hardware = hardware
        self.enrolled = list(enrolled)
        self.outcome: bool | LocalAuthErrorCode = True
        """True: recognised; False: not; an error code: the plugin's refusal."""
        self.prompts: list[dict[str, Any]] = []

    async def is_device_supported(self) -> bool:
        return self.hardware

    async def can_check_biometrics(self) -> bool:
        return self.hardware

    async def get_available_biometrics(self) -> list[BiometricType]:
        return list(self.enrolled)

    async def authenticate(
        self,
        reason: str,
        *,
        biometric_only: bool = False,
        sensitive_transaction: bool = True,
        persist_across_backgrounding: bool = False,
        android_messages: Any = None,
        ios_messages: Any = None,
        windows_messages: Any = None,
    ) -> bool:
        self.prompts.append({"reason": reason, "biometric_only": biometric_only})
        if isinstance(self.outcome, LocalAuthErrorCode):
            raise LocalAuthException(code=self.outcome)
        return self.outcome
