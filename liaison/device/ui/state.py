"""What every screen shares for one window: the unlocked store, sync, drafts, auto-lock and navigation.

Screens receive this object and never reach for globals; tests build one over
a temporary store with no page at all. The session's life (unlock, auto-lock,
lock) lives here rather than in the shell, so it can be driven without a browser.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path
from typing import Any, Protocol

import flet as ft

from liaison.core.errors import Locked
from liaison.device.config import Settings
from liaison.device.domain.autolock import IdleLock
from liaison.device.locale import Display, machine_display
from liaison.device.store.queries import pending_changes
from liaison.device.store.store import Store
from liaison.device.sync.status import SyncStatus
from liaison.device.ui import prefs as preferences
from liaison.device.ui.draft_keeper import DraftKeeper
from liaison.device.ui.prefs import Prefs

IDLE_POLL_SECONDS = 5.0
THEME_MODES = {"light": ft.ThemeMode.LIGHT, "dark": ft.ThemeMode.DARK, "system": ft.ThemeMode.SYSTEM}


SyncFactory = Callable[[Store], Any]
"""Builds the sync service for a store once it is unlocked (tests and the demo pass their own)."""


class SyncLike(Protocol):
    """The part of `SyncService` the UI uses."""

    status: SyncStatus

    @property
    def enrolled(self) -> bool: ...

    def subscribe(self, listener: Callable[[SyncStatus], None]) -> Callable[[], None]: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def sync_now(self) -> None: ...

    def refresh(self) -> None: ...


@dataclass
class UiContext:
    settings: Settings
    data_dir: Path
    store: Store | None = None
    sync: Any | None = None
    """The sync service after unlock; None in offline-only mode."""
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Unsaved form input by screen: it survives switching screens, an auto-lock, and (kept in the store) closing the window."""
    unkept: set[str] = field(default_factory=set)
    """Drafts never written to the store (a passphrase being changed): memory only, gone with the window."""
    keeper: DraftKeeper | None = None
    """Writes the drafts to the unlocked store about once a second (see `liaison.device.ui.draft_keeper`)."""
    navigate: Callable[..., None] = lambda name, **kwargs: None
    notify: Callable[[str], None] = lambda message: None
    lock: Callable[[], None] = lambda: None
    """Lock now and show the lock screen (set by the shell)."""
    show_dialog: Callable[[Any], None] = lambda dialog: None
    close_dialog: Callable[[], Any] = lambda: None
    """Open a dialog over the screen, and close the top one (set by the shell to the page's)."""
    page: Any = None
    """The Flet page, where there is one (tests build screens without)."""
    prefs: Prefs = field(default_factory=Prefs)
    display: Display = field(default_factory=machine_display)
    """How this MSL reads dates, times and numbers: every screen formats through it, never `strftime`."""
    live_status: Any | None = None
    """A control on the current screen with `show(status, enrolled)`, kept current as sync reports."""
    live_deadlines: list[Any] = field(default_factory=list)
    """Countdown badges on the current screen (`tick(now)`), kept moving by the deadline watch."""
    idle: IdleLock | None = None
    _unsubscribe: Callable[[], None] | None = None
    configured_auto_lock: int = 0
    """The deployment profile's auto-lock: the longest the MSL may choose."""
    remote: bool = False
    """Web mode: this process runs on a server, so its clock's zone says nothing about where the MSL is."""

    def __post_init__(self) -> None:
        self.configured_auto_lock = self.configured_auto_lock or self.settings.auto_lock_minutes
        self.settings = self.settings.with_overrides(auto_lock_minutes=self.prefs.effective_auto_lock(self.configured_auto_lock))
        self.display = self.display_for(self.prefs)

    def display_for(self, prefs: Prefs) -> Display:
        """The MSL's region format and zone; "Automatic" is the device's zone, except in web mode, where UTC stands in until they choose.

        Flet tells the server nothing of the browser's zone (see docs/ARCHITECTURE.md, "Locale and time zone"),
        so web mode never takes the server's zone for the MSL's: Home asks them to choose it (`zone_unconfirmed`).
        """
        if prefs.zone is None and self.remote:
            return replace(Display.of(prefs.region), zone=UTC)
        if prefs.zone is None:
            return replace(machine_display(), locale=Display.of(prefs.region).locale)
        return Display.of(prefs.region, prefs.zone)

    @property
    def zone_unconfirmed(self) -> bool:
        """Web mode with no zone chosen yet: times would be shown in UTC, so Home says so and leads to Settings."""
        return self.remote and self.prefs.zone is None

    def choose_display(self, *, region: str | None = None, zone: str | None = None, automatic_zone: bool = False) -> Display:
        """A region format or time zone chosen in Settings: saved, and every screen built from now on shows it."""
        self.prefs = replace(
            self.prefs,
            region=region if region is not None else self.prefs.region,
            zone=None if automatic_zone else zone if zone is not None else self.prefs.zone,
        )
        preferences.save(self.data_dir, self.prefs)
        self.display = self.display_for(self.prefs)
        return self.display

    @classmethod
    def load(cls, settings: Settings, data_dir: Path, **kwargs: Any) -> UiContext:
        """A window's context with the MSL's saved display choices applied."""
        return cls(settings=settings, data_dir=data_dir, prefs=preferences.load(data_dir), **kwargs)

    def draft(self, name: str, *, keep: bool = True) -> dict[str, Any]:
        """The form's unsaved input; `keep=False` for secrets, which stay in memory only."""
        if not keep:
            self.unkept.add(name)
        return self.drafts.setdefault(name, {})

    def discard_draft(self, name: str) -> None:
        """The MSL gave up this form's input: gone from memory and from the store at once."""
        self.drafts.pop(name, None)
        self.save_drafts()

    def save_drafts(self) -> None:
        """Write the drafts now rather than at the next tick: after a save, so a crash never brings back what was filed."""
        if self.keeper is not None:
            self.keeper.flush()

    def forget_drafts(self) -> None:
        """The store was wiped (a revoked device): nothing typed for it outlives it, in memory either."""
        if self.keeper is not None:
            self.keeper.usable = lambda: False
        self.drafts.clear()

    @property
    def unlocked(self) -> Store:
        if self.store is None or self.store.locked:
            raise Locked("the store is locked")
        return self.store

    # --- the session's life ------------------------------------------------------

    def begin(
        self,
        store: Store,
        sync: Any | None,
        *,
        on_status: Callable[[SyncStatus], None],
        on_idle: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """After an unlock: hold the store, start sync (if any) and the idle clock."""
        self.store, self.sync = store, sync
        self.display = self.display_for(self.prefs)
        self.keeper = DraftKeeper(store.repository.drafts, self.drafts, kept=lambda key: key not in self.unkept, usable=self._store_usable)
        self.keeper.restore()
        self.keeper.start()
        if sync is not None:
            self._unsubscribe = sync.subscribe(on_status)
            sync.start()
        self.idle = IdleLock(self.settings.auto_lock_minutes, on_idle, now=clock, poll_seconds=IDLE_POLL_SECONDS)
        self.idle.start()

    def end(self) -> None:
        """Write the drafts, stop sync, drop the key. Drafts stay in memory too, so an auto-lock loses no typing."""
        if self.keeper is not None:
            self.keeper.stop()
            self.keeper = None
        if self.idle is not None:
            self.idle.stop()
            self.idle = None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.sync is not None:
            threading.Thread(target=self.sync.stop, name="liaison-sync-stop", daemon=True).start()
            self.sync = None
        if self.store is not None:
            self.store.lock()
            self.store = None

    def _store_usable(self) -> bool:
        return self.store is not None and not self.store.locked

    def touch(self) -> None:
        """Called on every input: postpones auto-lock."""
        if self.idle is not None:
            self.idle.touch()

    def choose_auto_lock(self, minutes: int) -> int:
        """A shorter auto-lock chosen in Settings: saved, and applied at once. Returns the minutes in force."""
        self.prefs = replace(self.prefs, auto_lock_minutes=minutes)
        preferences.save(self.data_dir, self.prefs)
        effective = self.prefs.effective_auto_lock(self.configured_auto_lock)
        self.settings = self.settings.with_overrides(auto_lock_minutes=effective)
        if self.idle is not None:
            self.idle.timeout = effective * 60
            self.idle.touch()
        return effective

    def choose_theme(self, theme: str) -> None:
        """Light, dark or the system's; saved, so the lock screen opens in it next time."""
        self.prefs = replace(self.prefs, theme=theme)
        preferences.save(self.data_dir, self.prefs)
        if self.page is not None:
            self.page.theme_mode = THEME_MODES[theme]

    # --- what the screens read -----------------------------------------------------

    def sync_status(self) -> tuple[SyncStatus, bool]:
        """The status to show and whether the device is enrolled; offline-only counts the outbox itself."""
        if self.sync is not None:
            return self.sync.status, bool(self.sync.enrolled)
        pending = 0
        if self.store is not None and not self.store.locked:
            with self.store.repository.session() as session:
                pending = pending_changes(session)
        return SyncStatus(pending=pending), False

    def refresh(self) -> None:
        """Send what changed to the screen now (handlers that already updated once must call this)."""
        if self.page is not None:
            self.page.update()

    def changed(self) -> None:
        """After a local write: its draft leaves the store now, the pending count moves at once, and sync tries to send it."""
        self.save_drafts()
        if self.sync is not None:
            self.sync.refresh()
            self.sync.sync_now()
