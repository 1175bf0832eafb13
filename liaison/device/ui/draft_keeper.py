"""Keeps a window's drafts in the encrypted store, off the UI path, so closing the window or a crash loses at most a second of typing.

Forms change their draft dicts in place on every keystroke (and pick, toggle,
pop or clear them in many ways), so the keeper does not hook each change: once
a second, on its own thread, it compares the drafts with what it last wrote and
writes only the ones that moved. A draft emptied or removed (its record saved,
the MSL discarding it) is deleted from the store; `flush` runs the same at once,
after a save and before a lock.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from typing import Any

from liaison.device.store.drafts import Drafts

FLUSH_SECONDS = 1.0
"""How much typing a crash may lose, at most; also the longest a keystroke waits to be written."""


class DraftKeeper:
    """Writes the drafts that changed since the last flush; `kept` says which drafts may be written at all."""

    def __init__(
        self,
        book: Drafts,
        drafts: dict[str, dict[str, Any]],
        *,
        kept: Callable[[str], bool] = lambda key: True,
        usable: Callable[[], bool] = lambda: True,
        interval: float = FLUSH_SECONDS,
    ) -> None:
        self.book = book
        self.drafts = drafts
        self.kept = kept
        self.usable = usable
        """False once the store is locked or wiped: nothing is written after that."""
        self.interval = interval
        self._written: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def restore(self) -> None:
        """Bring back the drafts kept in the store; one already in memory (typed before an auto-lock) is newer and wins."""
        for key, fields in self.book.all().items():
            self._written[key] = _text(fields)
            self.drafts.setdefault(key, fields)

    def flush(self) -> None:
        """Write what changed since the last flush, and delete what was emptied or dropped."""
        with self._lock:
            if not self.usable():
                return
            snapshot = _snapshot(self.drafts)
            if snapshot is None:
                return
            kept = {key: fields for key, fields in snapshot.items() if self.kept(key) and fields}
            now = {key: _text(fields) for key, fields in kept.items()}
            changed = {key: kept[key] for key, text in now.items() if self._written.get(key) != text}
            gone = set(self._written) - set(now)
            if not changed and not gone:
                return
            self.book.save(changed, gone)
            self._written = now

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="liaison-drafts", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and write what is left, while the store is still open."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None
        self._flush_quietly()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._flush_quietly()

    def _flush_quietly(self) -> None:
        """A draft that cannot be written now (the store just locked, was wiped or filled up) is tried again at the next flush.

        Whatever went wrong, this thread must not die: the drafts it keeps are what the MSL typed.
        """
        try:
            self.flush()
        except Exception:  # noqa: BLE001 (see above)
            return


def _snapshot(drafts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]] | None:
    """A copy taken while the UI may be changing the dicts; None if they kept changing mid-copy (the next flush tries again)."""
    for _ in range(3):
        try:
            return copy.deepcopy(dict(drafts))
        except RuntimeError:
            continue
    return None


def _text(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, default=str)
