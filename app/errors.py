"""Errors a person can act on. Each message is one line and names the field, row or file."""

from __future__ import annotations


class LiaisonError(Exception):
    """Base for every error shown to a user as a single line."""


class ValidationError(LiaisonError):
    """Input that breaks a rule; `field` names where, so the UI can show it beside the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(LiaisonError):
    """A record id that does not exist (or was deleted)."""


class ImmutableRecord(LiaisonError):
    """A write to a submitted record, which may only be amended."""


class WrongPassphrase(LiaisonError):
    """The passphrase does not unwrap the data key."""


class KeyFileError(LiaisonError):
    """The key file is missing, unreadable or corrupt; the message names the file."""


class KeyringUnavailable(LiaisonError):
    """No OS key store exists, so the data key cannot be remembered on this device."""


class StoreError(LiaisonError):
    """The encrypted database cannot be opened or is damaged."""


class Locked(LiaisonError):
    """The store is locked: the data key is not in memory."""
