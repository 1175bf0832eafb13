"""The adverse-event reporting clock starts at awareness, follows the configured window, and escalates as it runs out."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from liaison.core.rules.safety import (
    EscalationPolicy,
    ReportingWindow,
    Urgency,
    check_awareness,
    reporting_deadline,
    time_left,
    urgency,
)

BERLIN = ZoneInfo("Europe/Berlin")


def test_an_hours_window_counts_from_awareness() -> None:
    aware = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    assert reporting_deadline(aware, ReportingWindow(hours=24)) == datetime(2026, 11, 28, 16, 30, tzinfo=UTC)


def test_business_days_skip_the_weekend_in_the_local_calendar() -> None:
    friday_afternoon = datetime(2026, 11, 27, 15, 0, tzinfo=BERLIN)
    due = reporting_deadline(friday_afternoon, ReportingWindow(hours=None, business_days=1), BERLIN)
    assert due == datetime(2026, 11, 30, 15, 0, tzinfo=BERLIN)


def test_heard_on_a_saturday_the_clock_starts_on_monday() -> None:
    saturday = datetime(2026, 11, 28, 11, 0, tzinfo=BERLIN)
    due = reporting_deadline(saturday, ReportingWindow(hours=None, business_days=1), BERLIN)
    assert due == datetime(2026, 12, 1, 0, 0, tzinfo=BERLIN)


def test_a_naive_awareness_time_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="aware_at"):
        reporting_deadline(datetime(2026, 11, 27, 15, 0), ReportingWindow(hours=24))


@pytest.mark.parametrize("window", [{"hours": None}, {"hours": 24, "business_days": 1}, {"hours": -1}])
def test_a_window_must_be_exactly_one_non_negative_kind(window: dict) -> None:
    with pytest.raises(ValueError, match="ae_window"):
        ReportingWindow(**window)


# --- daylight saving, time zones, business days ------------------------------------

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("aware", "due"),
    [
        (datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN), datetime(2026, 3, 29, 13, 0, tzinfo=BERLIN)),  # clocks go forward
        (datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN), datetime(2026, 10, 25, 11, 0, tzinfo=BERLIN)),  # clocks go back
    ],
)
def test_an_hours_window_is_elapsed_hours_even_when_the_clocks_change(aware: datetime, due: datetime) -> None:
    deadline = reporting_deadline(aware, ReportingWindow(hours=24))
    assert deadline == due
    assert (deadline.astimezone(UTC) - aware.astimezone(UTC)).total_seconds() == 24 * 3600, "Python subtracts wall times within one zone"


def test_a_business_day_keeps_the_wall_clock_time_across_a_clock_change() -> None:
    friday = datetime(2026, 3, 27, 15, 0, tzinfo=BERLIN)
    due = reporting_deadline(friday, ReportingWindow(hours=None, business_days=1), BERLIN)
    assert due.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 30, 15, 0)


@pytest.mark.parametrize(
    ("aware", "days", "due"),
    [
        (datetime(2026, 11, 26, 9, 0, tzinfo=BERLIN), 3, datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN)),  # Thursday + 3
        (datetime(2026, 11, 27, 15, 0, tzinfo=BERLIN), 2, datetime(2026, 12, 1, 15, 0, tzinfo=BERLIN)),  # Friday + 2
        (datetime(2026, 11, 29, 23, 30, tzinfo=BERLIN), 1, datetime(2026, 12, 1, 0, 0, tzinfo=BERLIN)),  # late Sunday
        (datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN), 0, datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN)),  # "same day"
    ],
)
def test_business_days_count_weekdays_only(aware: datetime, days: int, due: datetime) -> None:
    assert reporting_deadline(aware, ReportingWindow(hours=None, business_days=days), BERLIN) == due


def test_business_days_follow_the_msls_calendar_not_utc() -> None:
    friday_evening_in_new_york = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # Friday 20:00 in New York, Saturday in UTC
    window = ReportingWindow(hours=None, business_days=1)
    assert reporting_deadline(friday_evening_in_new_york, window, NEW_YORK) == datetime(2026, 11, 30, 20, 0, tzinfo=NEW_YORK)
    assert reporting_deadline(friday_evening_in_new_york, window, UTC) == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def test_with_no_zone_configured_the_devices_own_zone_counts(device_zone: str) -> None:
    friday_evening_in_new_york = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    due = reporting_deadline(friday_evening_in_new_york, ReportingWindow(hours=None, business_days=1))
    assert due == datetime(2026, 11, 30, 20, 0, tzinfo=NEW_YORK)


@pytest.fixture
def device_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The device's clock set to New York, as the operating system reports it to Python."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield "America/New_York"
    monkeypatch.undo()
    time.tzset()


# --- awareness input -------------------------------------------------------------------


def test_an_awareness_time_in_the_future_is_refused_by_name() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="aware_at: is in the future"):
        check_awareness(now + timedelta(hours=1), now)
    assert check_awareness(now + timedelta(minutes=2), now) == now + timedelta(minutes=2), "a clock a little ahead is fine"
    with pytest.raises(ValueError, match="aware_at: must include a time zone"):
        check_awareness(datetime(2026, 11, 27, 11, 0), now)


# --- escalation --------------------------------------------------------------------------


AWARE = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours_later", "level"),
    [
        (0, Urgency.ON_TRACK),
        (11.9, Urgency.ON_TRACK),
        (12, Urgency.DUE_SOON),
        (17.9, Urgency.DUE_SOON),
        (18, Urgency.URGENT),
        (24, Urgency.URGENT),
        (24.01, Urgency.OVERDUE),
        (80, Urgency.OVERDUE),
    ],
)
def test_a_24_hour_window_escalates_at_half_and_a_quarter_left(hours_later: float, level: Urgency) -> None:
    deadline = AWARE + timedelta(hours=24)
    assert urgency(AWARE, deadline, AWARE + timedelta(hours=hours_later)) is level


def test_thresholds_are_relative_to_the_window_so_a_long_window_escalates_later() -> None:
    deadline = AWARE + timedelta(days=3)
    assert urgency(AWARE, deadline, AWARE + timedelta(hours=30)) is Urgency.ON_TRACK
    assert urgency(AWARE, deadline, AWARE + timedelta(hours=36)) is Urgency.DUE_SOON
    assert urgency(AWARE, deadline, AWARE + timedelta(hours=54)) is Urgency.URGENT


def test_a_zero_window_is_urgent_until_it_is_overdue() -> None:
    assert urgency(AWARE, AWARE, AWARE) is Urgency.URGENT
    assert urgency(AWARE, AWARE, AWARE + timedelta(minutes=1)) is Urgency.OVERDUE


def test_a_stricter_policy_escalates_sooner_and_a_nonsensical_one_is_refused() -> None:
    strict = EscalationPolicy(due_soon=0.75, urgent=0.5)
    deadline = AWARE + timedelta(hours=24)
    assert urgency(AWARE, deadline, AWARE + timedelta(hours=7), strict) is Urgency.DUE_SOON
    assert urgency(AWARE, deadline, AWARE + timedelta(hours=12), strict) is Urgency.URGENT
    with pytest.raises(ValueError, match="escalation"):
        EscalationPolicy(due_soon=0.2, urgent=0.5)


def test_levels_read_as_words_and_order_by_loudness() -> None:
    assert [level.label for level in sorted(Urgency)] == ["on track", "due soon", "urgent", "overdue"]
    assert time_left(AWARE + timedelta(hours=5, minutes=12), AWARE) == "due in 5 h 12 min"


NEW_YORK = ZoneInfo("America/New_York")
US_BUSINESS_DAY = ReportingWindow(hours=None, business_days=1, holidays_country="US")


@pytest.mark.parametrize(
    ("aware", "window", "due"),
    [
        # The day before Thanksgiving (Thu 26 Nov 2026): the holiday does not count.
        (datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK), US_BUSINESS_DAY, datetime(2026, 11, 27, 10, 0, tzinfo=NEW_YORK)),
        # Christmas Eve, a Thursday: Christmas Day and the weekend after it do not count.
        (datetime(2026, 12, 24, 10, 0, tzinfo=NEW_YORK), US_BUSINESS_DAY, datetime(2026, 12, 28, 10, 0, tzinfo=NEW_YORK)),
        (
            datetime(2026, 12, 23, 10, 0, tzinfo=NEW_YORK),
            ReportingWindow(hours=None, business_days=2, holidays_country="US"),
            datetime(2026, 12, 28, 10, 0, tzinfo=NEW_YORK),
        ),
        # Heard on Thanksgiving itself: the clock starts when the next business day opens.
        (datetime(2026, 11, 26, 15, 0, tzinfo=NEW_YORK), US_BUSINESS_DAY, datetime(2026, 11, 30, 0, 0, tzinfo=NEW_YORK)),
        # Without a holiday calendar only weekends are off.
        (
            datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK),
            ReportingWindow(hours=None, business_days=1),
            datetime(2026, 11, 26, 10, 0, tzinfo=NEW_YORK),
        ),
    ],
)
def test_public_holidays_are_not_business_days(aware: datetime, window: ReportingWindow, due: datetime) -> None:
    assert reporting_deadline(aware, window, NEW_YORK) == due


def test_each_country_has_its_own_holidays() -> None:
    german = ReportingWindow(hours=None, business_days=1, holidays_country="DE")
    assert reporting_deadline(datetime(2026, 12, 24, 10, 0, tzinfo=BERLIN), german, BERLIN) == datetime(2026, 12, 28, 10, 0, tzinfo=BERLIN), (
        "25 and 26 December"
    )
    eve_of_labour_day = datetime(2026, 4, 30, 10, 0, tzinfo=BERLIN)  # 1 May 2026 is a Friday
    assert reporting_deadline(eve_of_labour_day, german, BERLIN) == datetime(2026, 5, 4, 10, 0, tzinfo=BERLIN)
    assert reporting_deadline(eve_of_labour_day, US_BUSINESS_DAY, BERLIN) == datetime(2026, 5, 1, 10, 0, tzinfo=BERLIN)
    assert reporting_deadline(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN), german, BERLIN) == datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN), (
        "no Thanksgiving"
    )


def test_an_unknown_holidays_country_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown country 'XX'"):
        ReportingWindow(hours=None, business_days=1, holidays_country="XX")
