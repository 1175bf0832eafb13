"""Auto-lock fires once after the idle time, and activity postpones it."""

from __future__ import annotations

import pytest

from liaison.device.domain.autolock import IdleLock


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def test_locks_once_after_the_idle_minutes() -> None:
    clock, locked = FakeMonotonic(), []
    idle = IdleLock(5, lambda: locked.append(True), now=clock)
    clock.value += 5 * 60 - 1
    assert idle.check() is False
    clock.value += 1
    assert idle.check() is True
    assert idle.check() is False
    assert locked == [True]


def test_activity_restarts_the_idle_time() -> None:
    clock, locked = FakeMonotonic(), []
    idle = IdleLock(1, lambda: locked.append(True), now=clock)
    clock.value += 50
    idle.touch()
    clock.value += 50
    assert idle.check() is False
    assert idle.remaining() == pytest.approx(10)


def test_rearm_after_unlock_counts_again() -> None:
    clock, locked = FakeMonotonic(), []
    idle = IdleLock(1, lambda: locked.append(True), now=clock)
    clock.value += 60
    idle.check()
    idle.rearm()
    clock.value += 60
    assert idle.check() is True
    assert locked == [True, True]


def test_zero_minutes_is_refused() -> None:
    with pytest.raises(ValueError, match="auto_lock_minutes"):
        IdleLock(0, lambda: None)


def test_a_locked_store_refuses_reads_and_writes(store) -> None:  # type: ignore[no-untyped-def]
    from liaison.core.errors import Locked
    from liaison.core.records.models import Hcp

    idle = IdleLock(1, store.lock, now=FakeMonotonic())
    idle.timeout = 0
    assert idle.check() is True
    assert store.locked
    with pytest.raises(Locked):
        store.repository.create(Hcp, {"name": "Dr After Lock"})
