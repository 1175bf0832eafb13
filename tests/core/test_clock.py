"""The hybrid logical clock orders every write after everything its device has seen."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from liaison.core.clock import (
    HOUR_MS,
    MAX_AHEAD_MS,
    MAX_COUNTER,
    MAX_WALL_MS,
    STAMP_PATTERN,
    ClockOverflow,
    HybridLogicalClock,
    Stamp,
    describe_ahead,
    fits_wire,
    is_acceptable,
    resumable,
)


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


# --- for every input (hypothesis) ---------------------------------------------------------

NOW = 1_750_000_000_000
"""A wall reading in 2025: the properties hold for any, and most devices live near this one."""

walls = st.integers(min_value=0, max_value=MAX_WALL_MS)
counters = st.integers(min_value=0, max_value=MAX_COUNTER)
devices = st.text(alphabet="abcdef0123456789-", min_size=1, max_size=64)
wire_stamps = st.builds(Stamp, walls, counters, devices)
any_stamps = st.builds(Stamp, st.integers(min_value=-(10**17), max_value=10**17), st.integers(min_value=-5, max_value=2**40), devices)
"""Whatever a decoded text could hold, a stamp past the wire format or negative included."""
readings = st.lists(st.integers(min_value=NOW - 10 * HOUR_MS, max_value=NOW + 10 * HOUR_MS), min_size=1, max_size=30)
"""A wall clock that wanders (NTP steps back and forth) over hours."""


class Readings:
    """A wall clock that returns the given readings in turn, then stays on the last one."""

    def __init__(self, values: list[int]) -> None:
        self.values = list(values)

    def __call__(self) -> int:
        return self.values.pop(0) if len(self.values) > 1 else self.values[0]


@given(readings, st.lists(st.one_of(st.none(), wire_stamps), max_size=30))
def test_every_tick_is_strictly_after_the_one_before_whatever_the_wall_clock_does(values: list[int], seen: list[Stamp | None]) -> None:
    clock = HybridLogicalClock("dev", wall=Readings(values))
    previous = clock.tick()
    for remote in seen:
        if remote is not None:
            clock.observe(remote)
        stamp = clock.tick()
        assert stamp > previous
        previous = stamp


@given(st.integers(min_value=0, max_value=MAX_WALL_MS - MAX_AHEAD_MS), wire_stamps)
def test_after_observing_an_acceptable_stamp_the_next_tick_orders_after_it(now: int, remote: Stamp) -> None:
    assume(remote.wall_ms <= now + MAX_AHEAD_MS)
    clock = HybridLogicalClock("dev", wall=Wall(now))
    assert clock.observe(remote)
    stamp = clock.tick()
    assert (stamp.wall_ms, stamp.counter) > (remote.wall_ms, remote.counter)


@given(st.integers(min_value=0, max_value=MAX_WALL_MS), any_stamps)
def test_a_stamp_further_ahead_than_the_tolerance_never_moves_the_clock(now: int, remote: Stamp) -> None:
    assume(not is_acceptable(remote, now))
    clock = HybridLogicalClock("dev", last=Stamp(min(now, MAX_WALL_MS - 1), 0, "dev"), wall=Wall(now))
    before = clock.last
    assert not clock.observe(remote)
    assert clock.last == before


@given(wire_stamps)
def test_every_wire_stamp_round_trips_and_matches_the_wire_pattern(stamp: Stamp) -> None:
    text = stamp.encode()
    assert Stamp.decode(text) == stamp
    assert re.fullmatch(STAMP_PATTERN, text)


@given(wire_stamps, wire_stamps)
def test_text_order_is_stamp_order_for_every_pair_of_wire_stamps(first: Stamp, second: Stamp) -> None:
    assume((first.wall_ms, first.counter) != (second.wall_ms, second.counter) or first.device == second.device)
    assert (first.encode() < second.encode()) == (first < second)


@given(st.lists(st.integers(min_value=NOW - 10 * HOUR_MS, max_value=NOW + 10 * HOUR_MS), min_size=1, max_size=20), st.lists(any_stamps, max_size=40))
def test_no_stamp_ever_exceeds_the_wire_format_whatever_is_observed(values: list[int], seen: list[Stamp]) -> None:
    clock = HybridLogicalClock("dev", wall=Readings(values))
    for remote in seen:
        clock.observe(remote)
        assert fits_wire(clock.tick())
    clock.observe_newest(stamp.encode() for stamp in seen)
    assert fits_wire(clock.tick()) and fits_wire(clock.last)


@given(st.lists(wire_stamps, min_size=1, max_size=40), st.integers(min_value=0, max_value=MAX_WALL_MS - MAX_AHEAD_MS))
def test_a_page_moves_the_clock_past_its_newest_acceptable_stamp(page: list[Stamp], now: int) -> None:
    acceptable = [stamp for stamp in page if is_acceptable(stamp, now)]
    clock = HybridLogicalClock("dev", wall=Wall(now))
    assert clock.observe_newest(stamp.encode() for stamp in page) == bool(acceptable)
    stamp = clock.tick()
    for remote in acceptable:
        assert (stamp.wall_ms, stamp.counter) > (remote.wall_ms, remote.counter)


# --- the edge of the wire format ----------------------------------------------------------


def test_the_issue_stamp_is_not_adopted_and_the_clock_stays_within_the_wire_format() -> None:
    clock = HybridLogicalClock("tablet", wall=Wall(NOW))
    assert not clock.observe(Stamp.decode("999999999999999-ffffff-laptop"))
    assert clock.tick() == Stamp(NOW, 0, "tablet")


def test_a_tick_past_the_wire_format_fails_loudly_instead_of_wrapping() -> None:
    clock = HybridLogicalClock("dev", last=Stamp(MAX_WALL_MS, MAX_COUNTER - 1, "dev"), wall=Wall(MAX_WALL_MS))
    assert clock.tick() == Stamp(MAX_WALL_MS, MAX_COUNTER, "dev")
    with pytest.raises(ClockOverflow, match="past what the wire format can write"):
        clock.tick()
    assert clock.last == Stamp(MAX_WALL_MS, MAX_COUNTER, "dev")


def test_a_clock_cannot_start_from_a_stamp_past_the_wire_format() -> None:
    with pytest.raises(ClockOverflow):
        HybridLogicalClock("dev", last=Stamp.decode("1000000000000000-000000-dev"))


@pytest.mark.parametrize(
    ("text", "usable"),
    [
        (Stamp(NOW + MAX_AHEAD_MS, 0, "d").encode(), True),
        (Stamp(NOW - 5 * HOUR_MS, 3, "d").encode(), True),
        (Stamp(NOW + MAX_AHEAD_MS + 1, 0, "d").encode(), False),
        ("999999999999999-ffffff-d", False),
        ("1000000000000000-000000-d", False),
        ("not a stamp", False),
    ],
)
def test_a_stored_clock_is_resumed_only_when_readable_within_the_wire_format_and_the_tolerance(text: str, usable: bool) -> None:
    assert (resumable(text, NOW) is not None) == usable


@pytest.mark.parametrize(
    ("ms", "said"),
    [(25 * HOUR_MS, "25 hours"), (3 * 24 * HOUR_MS + 5, "3 days"), (MAX_WALL_MS - NOW, "31632 years")],
)
def test_how_far_ahead_is_said_in_the_unit_a_person_would_use(ms: int, said: str) -> None:
    assert describe_ahead(ms) == said
