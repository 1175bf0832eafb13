"""Hybrid logical clock (HLC) shared by the client store, the merge and the server.

A stamp orders every field write across devices. It is the pair (physical
milliseconds, logical counter) plus the device id as the final tie-break, so two
stamps are never equal unless they are the same write. Because a clock never
goes backwards and always moves past every stamp it has *seen*, a device whose
wall clock runs hours slow still stamps its next edit after any remote edit it
has already received: a stale edit cannot win over a newer one it knew about.

Stamps are serialised as fixed-width strings so that plain string comparison
(in Python, SQL or JSON consumers) gives the same order as the tuple.

Moving past every stamp seen has one danger: a stamp from a device whose date is
years ahead would drag every clock that sees it along, for good, and past what
the wire format can write. So a clock adopts no stamp further ahead of its own
wall clock than `MAX_AHEAD_MS`, the server refuses such stamps, and a tick that
the wire format could not carry fails loudly instead of wrapping.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

_WALL_DIGITS = 15
_COUNTER_DIGITS = 6
MAX_COUNTER: int = 16**_COUNTER_DIGITS - 1
MAX_WALL_MS: int = 10**_WALL_DIGITS - 1
"""The last millisecond the wire format can write (the year 33658): a clock never goes past it."""
HOUR_MS = 3_600_000
MAX_AHEAD_MS = 24 * HOUR_MS
"""How far ahead of the receiver's wall clock a stamp may be and still be adopted: 24 hours.

Wide enough for a device whose date is right but whose time zone or AM/PM is set
wrongly (no zone is more than 14 hours from UTC), whose stamps are ordinary HLC
skew the clock already absorbs; narrow enough that a date set days or years
ahead is refused. A stamp let through can hold the clocks that adopt it at most
a day ahead of real time, and the wall clock catches up with it within that day.
The server refuses a change stamped further ahead of its own clock; a device
merges such a stamp as it is but does not move its clock to it.
"""


class ClockOverflow(ValueError):
    """The clock would issue a stamp the wire format cannot write: refused rather than wrapped."""


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

_WIRE = re.compile(STAMP_PATTERN)


def fits_wire(stamp: Stamp) -> bool:
    """Whether the wire format can carry this stamp (a wall of 15 digits, a counter of 6 hex digits)."""
    return _fits(stamp.wall_ms, stamp.counter) and _WIRE.fullmatch(stamp.encode()) is not None


def _fits(wall_ms: int, counter: int) -> bool:
    return 0 <= wall_ms <= MAX_WALL_MS and 0 <= counter <= MAX_COUNTER


def is_acceptable(stamp: Stamp, now_ms: int) -> bool:
    """Whether a clock whose wall reads `now_ms` may adopt this stamp: it fits the wire and is at most
    `MAX_AHEAD_MS` ahead."""
    return stamp.wall_ms <= now_ms + MAX_AHEAD_MS and fits_wire(stamp)


def resumable(text: str, now_ms: int) -> Stamp | None:
    """A stored clock a device may carry on from, or None when it is unreadable, past the wire
    format or further ahead of the wall clock than `MAX_AHEAD_MS` (a poisoned clock)."""
    try:
        stamp = Stamp.decode(text)
    except ValueError:
        return None
    return stamp if _fits(stamp.wall_ms, stamp.counter) and stamp.wall_ms <= now_ms + MAX_AHEAD_MS else None


def describe_ahead(ms: int) -> str:
    """A span in the unit a person would use: "30 hours", "3 days", "31688 years"."""
    hours = ms // HOUR_MS
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = hours // 24
    if days < 730:
        return f"{days} days"
    return f"{days * 4 // 1461} years"  # 1461 days in four years


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
        if last is not None and not _fits(last.wall_ms, last.counter):
            raise ClockOverflow(f"clock {last.encode()!r} is past what the wire format can write")
        self.device = device
        self._wall = wall or wall_ms
        self._wall_ms = last.wall_ms if last else 0
        self._counter = last.counter if last else 0
        self._lock = threading.Lock()

    @property
    def last(self) -> Stamp:
        return Stamp(self._wall_ms, self._counter, self.device)

    def tick(self) -> Stamp:
        """Stamp a local event: strictly after every stamp issued or adopted so far.

        Raises `ClockOverflow` rather than issue a stamp the wire format cannot write.
        """
        with self._lock:
            now = self._wall()
            wall, counter = (now, 0) if now > self._wall_ms else _advanced(self._wall_ms, self._counter)
            if not _fits(wall, counter):
                raise ClockOverflow(f"the clock has reached {Stamp(wall, counter, self.device).encode()!r}, past what the wire format can write")
            self._wall_ms, self._counter = wall, counter
            return Stamp(wall, counter, self.device)

    def observe(self, remote: Stamp) -> bool:
        """Move past a stamp received from another device so later ticks order after it.

        A stamp further ahead of this device's wall clock than `MAX_AHEAD_MS`, or
        one the wire format cannot carry, is not adopted: the clock stays where it
        is (the record it came with still merges by it). Says whether it was adopted.
        """
        with self._lock:
            now = self._wall()
            if not is_acceptable(remote, now):
                return False
            wall, counter = _past(now, self._wall_ms, self._counter, remote)
            if not _fits(wall, counter):
                return False
            self._wall_ms, self._counter = wall, counter
            return True

    def observe_newest(self, texts: Iterable[str]) -> bool:
        """Observe the newest of many stamp texts (a pulled page's) that the clock may adopt.

        Wire stamps sort as text the way they compare, so the newest acceptable
        one is found without decoding the others; a text the wire would refuse is passed over.
        """
        bound = f"{min(self._wall() + MAX_AHEAD_MS, MAX_WALL_MS):0{_WALL_DIGITS}d}"
        newest = max((text for text in texts if text[:_WALL_DIGITS] <= bound and _WIRE.fullmatch(text)), default=None)
        return newest is not None and self.observe(Stamp.decode(newest))


def _advanced(wall_ms: int, counter: int) -> tuple[int, int]:
    """The next point after (wall, counter) on the same wall reading: the counter, or the next millisecond."""
    return (wall_ms + 1, 0) if counter >= MAX_COUNTER else (wall_ms, counter + 1)


def _past(now: int, wall_ms: int, counter: int, remote: Stamp) -> tuple[int, int]:
    """The point after the local clock, the remote stamp and the wall clock, whichever is latest."""
    top = max(now, wall_ms, remote.wall_ms)
    if top == wall_ms == remote.wall_ms:
        return _advanced(wall_ms, max(counter, remote.counter))
    if top == wall_ms:
        return _advanced(wall_ms, counter)
    if top == remote.wall_ms:
        return _advanced(top, remote.counter)
    return top, 0


def wall_ms() -> int:
    """This machine's wall clock, in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000
