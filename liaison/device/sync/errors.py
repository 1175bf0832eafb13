"""What can go wrong in a sync round, in words an MSL can act on."""

from __future__ import annotations

from liaison.core.errors import LiaisonError


class SyncError(LiaisonError):
    """A sync round failed; the message is for people, never a stack trace."""


class Offline(SyncError):
    """The server could not be reached; try again later, nothing is lost."""


class Untrusted(Offline):
    """The server's certificate did not verify: a captive portal on a guest network, or a server IT must fix."""


class TokenRefused(SyncError):
    """The server does not accept this device's token."""


class DeviceRevoked(SyncError):
    """An administrator revoked this device; its local store has been wiped."""


class ChangesRefused(SyncError):
    """The server refused a batch (scope, size, shape); the changes stay in the outbox."""


class NotEnrolled(SyncError):
    """This device has no server yet."""


class NotOffered(SyncError):
    """The server has no such route (an older server): the device carries on without it."""
