"""The hybrid logical clock orders every write after everything its device has seen."""

from __future__ import annotations

from sync.clock import HybridLogicalClock, Stamp


class Wall:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_stamps_round_trip_and_sort_as_text_the_way_they_compare() -> None:
    stamps = [Stamp(5, 0, "b"), Stamp(5, 1, "a"), Stamp(12, 0, "a"), Stamp(1_000_000_000_000, 0, "a")]
    assert [Stamp.decode(stamp.encode()) for stamp in stamps] == stamps
    assert sorted(stamp.encode() for stamp in stamps) == [stamp.encode() for stamp in sorted(stamps)]


def test_ticks_increase_even_when_the_wall_clock_goes_back() -> None:
    wall = Wall(10_000)
    clock = HybridLogicalClock("dev-a", wall=wall)
    first = clock.tick()
    wall.ms = 4_000
    second = clock.tick()
    assert second > first and second.wall_ms == 10_000


def test_a_device_hours_behind_still_orders_its_next_write_after_what_it_saw() -> None:
    ahead = HybridLogicalClock("ahead", wall=Wall(10 * 3_600_000))
    behind = HybridLogicalClock("behind", wall=Wall(7 * 3_600_000))
    seen = ahead.tick()
    behind.observe(seen)
    assert behind.tick() > seen


def test_observing_an_older_stamp_never_moves_the_clock_back() -> None:
    clock = HybridLogicalClock("dev", wall=Wall(50_000))
    latest = clock.tick()
    clock.observe(Stamp(10, 3, "other"))
    assert clock.tick() > latest
