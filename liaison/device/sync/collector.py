"""Pausing Python's cyclic garbage collector while a sync round runs.

A round parses and writes hundreds of thousands of short-lived dicts and
lists. Reference counting frees them as soon as a page is done; the cyclic
collector only finds them alive, yet every collection they trigger traverses
every container still alive: the page being parsed, the page being applied,
and (unless frozen) the app's whole long-lived heap. Measured on a new
device's first pull of 100,000 records, that was half of the download
thread's time. The cycles a round does make (a few per page: sessions,
transactions) wait for the one collection at its end.

Rounds may overlap (two stores in one process, as the tests and the demo
have), so the pause is counted: the collector comes back when the last round
leaves, and only if it was running when the first one came in.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collection inside; the collector as it was found once the last holder leaves."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            resume = _holders == 0 and _was_enabled
            if resume:
                gc.enable()
        if resume:
            gc.collect(1)  # what the round left in cycles, without traversing the whole long-lived heap
