"""Hybrid logical clock (HLC) shared by the client store, the merge and the server.

A stamp orders every field write across devices. It is the pair (physical
milliseconds, logical counter) plus the device id as the final tie-break, so two
stamps are never equal unless they are the same write. Because a clock never
goes backwards and always moves past every stamp it has *seen*, a device whose
wall clock runs hours slow still stamps its next edit after any remote edit it
has already received: a stale edit cannot win over a newer one it knew about.

Stamps are serialised as fixed-width strings so that plain string comparison
(in Python, SQL or JSON consumers) gives the same order as the tuple.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

_WALL_DIGITS = 15
_COUNTER_DIGITS = 6
MAX_COUNTER = 16**_COUNTER_DIGITS - 1


@dataclass(frozen=True, order=True, slots=True)
class Stamp:
    """One point on the hybrid logical clock; ordering is (wall_ms, counter, device)."""

    wall_ms: int
    counter: int
    device: str

    def encode(self) -> str:
        return f"{self.wall_ms:0{_WALL_DIGITS}d}-{self.counter:0{_COUNTER_DIGITS}x}-{self.device}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        try:
            wall, counter, device = text.split("-", 2)
            return cls(int(wall), int(counter, 16), device)
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"not a clock stamp: {text!r}") from exc

    def __str__(self) -> str:
        return self.encode()


ZERO = Stamp(0, 0, "")

STAMP_PATTERN = rf"^[0-9]{{{_WALL_DIGITS}}}-[0-9a-f]{{{_COUNTER_DIGITS}}}-.{{0,64}}$"
"""What `Stamp.encode` writes, and so the only stamp text the wire accepts: anything else
(a shorter wall, an upper-case counter) would decode, yet sort wrongly as text."""

ALL_FIELDS = "*"
"""Key of a record's base stamp. A record's clocks map is `{"*": stamp}` plus one
entry per field written after the rest, which keeps the map small: most
records are written once."""


def field_stamp(clocks: dict[str, str], field: str) -> Stamp:
    """The stamp of the last write to `field`, given a record's (or change's) clocks map."""
    text = clocks.get(field) or clocks.get(ALL_FIELDS)
    return _decoded(text) if text else ZERO


@lru_cache(maxsize=4096)
def _decoded(text: str) -> Stamp:
    """Most fields of a record share its "*" stamp: decode each text once, not once per field."""
    return Stamp.decode(text)


class HybridLogicalClock:
    """A device's clock: `tick()` for a local write, `observe()` for a remote stamp.

    Thread-safe, because the UI and the background sync share one clock.
    """

    def __init__(
        self,
        device: str,
        last: Stamp | None = None,
        wall: Callable[[], int] | None = None,
    ) -> None:
        if not device:
            raise ValueError("device id must be non-empty")
        self.device = device
        self._wall = wall or _wall_ms
        self._wall_ms = last.wall_ms if last else 0
        self._counter = last.counter if last else 0
        self._lock = threading.Lock()

    @property
    def last(self) -> Stamp:
        return Stamp(self._wall_ms, self._counter, self.device)

    def tick(self) -> Stamp:
        """Stamp a local event: strictly after every stamp issued or observed so far."""
        with self._lock:
            now = self._wall()
            if now > self._wall_ms:
                self._wall_ms, self._counter = now, 0
            else:
                self._advance_counter()
            return Stamp(self._wall_ms, self._counter, self.device)

    def observe(self, remote: Stamp) -> None:
        """Move past a stamp received from another device so later ticks order after it."""
        with self._lock:
            now = self._wall()
            top = max(now, self._wall_ms, remote.wall_ms)
            if top == self._wall_ms == remote.wall_ms:
                self._counter = max(self._counter, remote.counter)
                self._advance_counter()
            elif top == self._wall_ms:
                self._advance_counter()
            elif top == remote.wall_ms:
                self._wall_ms, self._counter = top, remote.counter
                self._advance_counter()
            else:
                self._wall_ms, self._counter = top, 0

    def _advance_counter(self) -> None:
        if self._counter >= MAX_COUNTER:
            self._wall_ms += 1
            self._counter = 0
        else:
            self._counter += 1


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000

