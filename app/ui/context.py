"""What every screen shares for one window: the unlocked store, sync, drafts and navigation.

Screens receive this object and never reach for globals; tests build one over
a temporary store with no page at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.config import Settings
from app.store.store import Store
from sync.client.status import SyncStatus


class SyncLike(Protocol):
    """The part of `SyncService` the UI uses."""

    status: SyncStatus

    @property
    def enrolled(self) -> bool: ...

    def sync_now(self) -> None: ...

    def refresh(self) -> None: ...


@dataclass
class UiContext:
    settings: Settings
    data_dir: Path
    store: Store | None = None
    sync: Any | None = None
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Unsaved form input by screen: it survives switching screens."""
    navigate: Callable[..., None] = lambda name, **kwargs: None
    notify: Callable[[str], None] = lambda message: None
    touch: Callable[[], None] = lambda: None
    """Called on every input: postpones auto-lock."""
    lock: Callable[[], None] = lambda: None
    page: Any = None
    """The Flet page, where there is one (tests build screens without)."""

    def draft(self, name: str) -> dict[str, Any]:
        return self.drafts.setdefault(name, {})

    @property
    def unlocked(self) -> Store:
        if self.store is None or self.store.locked:
            from app.errors import Locked

            raise Locked("the store is locked")
        return self.store

    def refresh(self) -> None:
        """Send what changed to the screen now (handlers that already updated once must call this)."""
        if self.page is not None:
            self.page.update()

    def changed(self) -> None:
        """After a local write: the pending count moves at once, and sync tries to send it now."""
        if self.sync is not None:
            self.sync.refresh()
            self.sync.sync_now()
