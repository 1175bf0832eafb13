"""Dates, times and numbers follow the MSL's chosen locale and their own time zone, not the machine's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from liaison.device.locale import DEFAULT_LOCALE, LOCALES, Display, locale_named, zone_named

AFTERNOON_UTC = datetime(2026, 12, 3, 13, 30, tzinfo=UTC)


def test_a_british_msl_in_paris_reads_day_month_year_and_a_24_hour_clock_in_paris_time() -> None:
    display = Display.of("en_GB", "Europe/Paris")
    assert display.date_text(AFTERNOON_UTC) == "3 Dec 2026"
    assert display.time_text(AFTERNOON_UTC) == "14:30"
    assert display.datetime_text(AFTERNOON_UTC) == "3 Dec 2026, 14:30"


def test_an_american_msl_in_new_york_reads_month_first_and_am_pm_in_new_york_time() -> None:
    display = Display.of("en_US", "America/New_York")
    assert display.date_text(AFTERNOON_UTC) == "Dec 3, 2026"
    assert display.time_text(AFTERNOON_UTC).replace("\u202f", " ") == "8:30 AM"


def test_the_date_shown_is_the_msls_local_day_not_the_utc_one() -> None:
    late_evening_in_los_angeles = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    assert Display.of("en_US", "America/Los_Angeles").date_text(late_evening_in_los_angeles) == "Dec 3, 2026"


def test_numbers_group_thousands_as_the_locale_does() -> None:
    assert Display.of("en_US").number_text(1234567.5) == "1,234,567.5"
    assert Display.of("en_GB").number_text(1500, decimals=2) == "1,500.00"


def test_a_calendar_day_heading_names_the_weekday() -> None:
    assert Display.of("en_GB").day_heading(date(2026, 12, 3)) == "Thursday 3 December"


def test_an_unknown_locale_or_zone_falls_back_rather_than_failing() -> None:
    assert locale_named("xx_NOPE") == DEFAULT_LOCALE
    assert locale_named(None) == DEFAULT_LOCALE
    assert zone_named("Mars/Olympus") is not None
    assert Display.of("en_GB", "Europe/Paris").zone_name() == "Europe/Paris"


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)), st.sampled_from(LOCALES))
def test_every_offered_locale_shows_every_instant_without_failing(instant: datetime, code: str) -> None:
    display = Display.of(code, "Asia/Tokyo")
    assert display.datetime_text(instant)
    assert display.local(instant).utcoffset() is not None
