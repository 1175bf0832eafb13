"""Auto-lock: after N idle minutes the store is locked and the UI returns to the lock screen.

An unattended laptop in a clinic corridor must not stay open on patient data.
The UI calls `touch()` on every input; a daemon thread calls `check()` and fires
`on_lock` once when the idle time runs out. Time comes from a monotonic clock,
so changing the wall clock cannot keep a store open.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class IdleLock:
    def __init__(
        self,
        minutes: float,
        on_lock: Callable[[], None],
        *,
        now: Callable[[], float] = time.monotonic,
        poll_seconds: float = 5.0,
    ) -> None:
        if minutes <= 0:
            raise ValueError("auto_lock_minutes: must be more than zero")
        self.timeout = minutes * 60
        self._on_lock = on_lock
        self._now = now
        self._poll = poll_seconds
        self._last = now()
        self._armed = True
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def touch(self) -> None:
        """The MSL did something: the idle time starts again."""
        with self._guard:
            self._last = self._now()

    def rearm(self) -> None:
        """After an unlock: count idle time again from now."""
        with self._guard:
            self._last = self._now()
            self._armed = True

    def remaining(self) -> float:
        with self._guard:
            return max(0.0, self.timeout - (self._now() - self._last))

    def check(self) -> bool:
        """Lock if the idle time ran out; True when this call locked."""
        with self._guard:
            due = self._armed and self._now() - self._last >= self.timeout
            if due:
                self._armed = False
        if due:
            self._on_lock()
        return due

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="liaison-autolock", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._poll):
            self.check()
