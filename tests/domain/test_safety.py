"""The adverse-event reporting clock starts at awareness and follows the configured window."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain.safety import ReportingWindow, reporting_deadline

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
