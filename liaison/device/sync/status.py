"""What the sync engine tells the UI: a snapshot the UI can render without waiting on the network."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SyncStatus:
    online: bool = False
    pending: int = 0
    running: bool = False
    progress: float | None = None
    """0.0–1.0 while a sync runs; None when idle or unknown."""
    last_success: datetime | None = None
    conflicts: int = 0
    attention: int = 0
    """Records whose changes the server refused: they wait for the MSL to correct and resend, or discard."""
    error: str | None = None
    """The last failure in plain words ("server refused the device token"), never a stack trace."""
    history: tuple[str, ...] = field(default_factory=tuple)
    revoked: bool = False
    """The server revoked this device and its store was wiped: the UI must return to the lock screen."""
