"""Background sync for the app: never on the UI's thread, never in the MSL's way.

It syncs at start, when the network comes back (a cheap health probe with
exponential backoff and jitter, capped), every few minutes while online, and on
`sync_now()`. Each change of state is published as a `SyncStatus` snapshot.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import col, select

from liaison.core.errors import StoreError
from liaison.device.store import refusals
from liaison.device.store.models import Conflict
from liaison.device.store.queries import pending_changes
from liaison.device.store.store import Store
from liaison.device.sync.api import SyncApi
from liaison.device.sync.engine import SyncEngine
from liaison.device.sync.errors import DeviceRevoked, Offline, SyncError, Untrusted
from liaison.device.sync.status import SyncStatus

BACKOFF_START_S = 2.0
BACKOFF_CAP_S = 300.0
HISTORY = 20

Listener = Callable[[SyncStatus], None]


class SyncService:
    def __init__(
        self,
        store: Store,
        *,
        interval_minutes: float = 5,
        engine: SyncEngine | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.engine = engine or SyncEngine(store)
        self.interval = interval_minutes * 60
        self._rng = rng or random.Random()
        self._listeners: list[Listener] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._status = SyncStatus()
        self._backoff = BACKOFF_START_S
        self.refresh()

    # --- what the UI uses ------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        return self._status

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        listener(self._status)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def sync_now(self) -> None:
        self._backoff = BACKOFF_START_S
        self._wake.set()

    def refresh(self) -> None:
        """Re-read the pending, conflict and refused counts after a local write."""
        if self.store.locked:
            return
        with self.store.repository.session() as session:
            pending = pending_changes(session)
            conflicts = session.exec(select(func.count()).select_from(Conflict).where(col(Conflict.resolved_at).is_(None))).one()
            attention = refusals.count(session)
        state = self.engine.state()
        self._publish(pending=pending, conflicts=conflicts, attention=attention, last_success=state.last_success_at if state else None)

    @property
    def enrolled(self) -> bool:
        return self.engine.state() is not None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="liaison-sync", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    # --- the loop --------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = self.round()
            self._wake.wait(wait)
            self._wake.clear()

    def round(self) -> float:
        """One attempt; returns how long to wait before the next. Never raises: the loop outlives any one round,
        and whatever a failed round did not send is still in the outbox."""
        try:
            return self._attempt()
        except Exception as exc:  # noqa: BLE001 - a bug in one round must not end background sync for the session
            self._publish(running=False, progress=None, error=f"sync failed unexpectedly ({exc.__class__.__name__}); it will try again")
            self._note(f"failed unexpectedly: {exc.__class__.__name__}")
            return self.interval

    def _attempt(self) -> float:
        state = self.engine.state() if not self.store.locked else None
        if state is None:
            self._publish(online=False, error=None if not self.store.locked else self._status.error)
            return self.interval
        with SyncApi(state.server_url) as api:
            unusable = api.probe()
        if unusable is not None:
            # Being offline is the field's normal state and says nothing new; a certificate this device
            # does not trust is something the MSL (a guest Wi-Fi's sign-in page) or IT can act on.
            self._publish(online=False, running=False, progress=None, **({"error": str(unusable)} if isinstance(unusable, Untrusted) else {}))
            return self._back_off()
        self._publish(online=True, running=True, progress=0.0, error=None)
        try:
            report = self.engine.run_once(lambda stage, fraction: self._publish(progress=fraction))
        except DeviceRevoked as exc:
            self._publish(online=True, running=False, progress=None, error=str(exc), revoked=True)
            self._stop.set()
            return 0
        except Offline as exc:
            self._publish(online=False, running=False, progress=None, error=str(exc))
            return self._back_off()
        except (SyncError, StoreError) as exc:  # StoreError: a full device or a damaged store, said as such
            self._publish(running=False, progress=None, error=str(exc))
            self._note(f"failed: {exc}")
            return self.interval
        self._backoff = BACKOFF_START_S
        self._note(
            f"pushed {report.pushed}, received {report.pulled}"
            + (f", {report.conflicts} conflict(s)" if report.conflicts else "")
            + (f", {report.refused} refused" if report.refused else "")
        )
        self._publish(running=False, progress=None)
        self.refresh()
        return self.interval

    def _back_off(self) -> float:
        """The wait before the next probe: doubling from BACKOFF_START_S, jittered by ±50 %, capped.

        It grows whether the probe failed or the server answered it and then
        failed the round (a server returning errors), and starts again only
        after a round succeeds or the MSL asks for one: a fleet of devices
        never hammers a server that is down or struggling.
        """
        cap = min(BACKOFF_CAP_S, self.interval)
        wait = self._backoff * (0.5 + self._rng.random())
        self._backoff = min(self._backoff * 2, cap)
        return min(wait, cap)

    def _note(self, text: str) -> None:
        stamp = datetime.now(UTC).astimezone().strftime("%H:%M")
        self._publish(history=(f"{stamp} {text}", *self._status.history)[:HISTORY])

    def _publish(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)  # type: ignore[arg-type]
            status = self._status
        for listener in list(self._listeners):
            listener(status)
