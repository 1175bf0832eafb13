"""Dates, times and numbers as the MSL reads them: in their chosen locale and their own time zone.

Records keep UTC-aware instants; only what is shown is local. The web mode
runs on a server whose clock zone is not the MSL's, so the zone is an explicit
value carried with the locale rather than the process's `TZ`. Babel holds the
CLDR patterns; it is pure Python, so it installs on a tablet like the rest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

DEFAULT_LOCALE = "en_US"
LOCALES = ("en_US", "en_GB", "en_IE", "en_CA", "en_AU")
"""The locales offered in Settings: English words everywhere for now, their dates, times and numbers."""


def _local_zone() -> tzinfo:
    """The machine's zone, as a named zone when `TZ` names one, else the offset the OS reports."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo or UTC


def zone_named(name: str | None) -> tzinfo:
    """An IANA zone by name; an unknown or empty name is the machine's zone (a display choice never blocks start-up)."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return _local_zone()


def locale_named(code: str | None) -> str:
    """A CLDR locale code Babel knows, else the default."""
    if code:
        try:
            Locale.parse(code.replace("-", "_"))
            return code.replace("-", "_")
        except (UnknownLocaleError, ValueError):
            pass
    return DEFAULT_LOCALE


@dataclass(frozen=True)
class Display:
    """How one MSL reads dates, times and numbers."""

    locale: str = DEFAULT_LOCALE
    zone: tzinfo = UTC

    @classmethod
    def of(cls, locale: str | None = None, zone: str | None = None) -> Display:
        return cls(locale=locale_named(locale), zone=zone_named(zone))

    def local(self, instant: datetime) -> datetime:
        """An aware instant in the MSL's zone; a naive one is taken as already local."""
        return instant.replace(tzinfo=self.zone) if instant.tzinfo is None else instant.astimezone(self.zone)

    def now(self) -> datetime:
        return datetime.now(self.zone)

    def today(self) -> date:
        return self.now().date()

    def date_text(self, day: date | datetime) -> str:
        """'Dec 3, 2026' in en_US, '3 Dec 2026' in en_GB."""
        if isinstance(day, datetime):
            day = self.local(day).date()
        return babel_dates.format_date(day, format="medium", locale=self.locale)

    def day_heading(self, day: date) -> str:
        """'Thursday, December 3' in en_US: a calendar's day heading."""
        return babel_dates.format_skeleton("MMMMEEEEd", datetime(day.year, day.month, day.day), locale=self.locale)

    def month_text(self, day: date) -> str:
        """'Dec 2026' in en_US: a month's heading in a compact history."""
        return babel_dates.format_skeleton("yMMM", datetime(day.year, day.month, 1), locale=self.locale)

    def time_text(self, instant: datetime) -> str:
        """'2:30 PM' in en_US, '14:30' in en_GB."""
        return babel_dates.format_time(self.local(instant), format="short", locale=self.locale)

    def datetime_text(self, instant: datetime) -> str:
        """Date and time together, in the MSL's zone."""
        local = self.local(instant)
        return f"{self.date_text(local.date())}, {self.time_text(local)}"

    def number_text(self, value: float, *, decimals: int | None = None) -> str:
        """'1,234.5' in en_US; `decimals` fixes the digits after the separator."""
        if decimals is None:
            return babel_numbers.format_decimal(value, locale=self.locale)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return babel_numbers.format_decimal(value, format=pattern, locale=self.locale)

    def zone_name(self) -> str:
        """The zone as the MSL would recognise it ('Europe/Paris' or 'UTC+01:00')."""
        key = getattr(self.zone, "key", None)
        if isinstance(key, str):
            return key
        offset = datetime.now(self.zone).strftime("%z")
        return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def machine_display(locale: str | None = None) -> Display:
    """The CLI's display: the given locale (else `LC_ALL`/`LANG`), the machine's zone."""
    code = locale or (os.environ.get("LC_ALL") or os.environ.get("LANG") or "").split(".")[0]
    return Display(locale=locale_named(code or None), zone=_local_zone())


ENTRY_FORMAT = "%Y-%m-%d %H:%M"
"""How a date and time is typed into a form ('2026-12-31 14:30'): one form for every locale, so nothing typed is read two ways."""


def known_zone(name: str) -> bool:
    """Whether `name` is an IANA zone this machine's tzdata knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def all_zones() -> list[str]:
    """Every IANA zone name, sorted: what the time-zone search offers."""
    return sorted(name for name in available_timezones() if "/" in name or name == "UTC")


def entry_text(display: Display, instant: datetime) -> str:
    """An instant as a form's field holds it, in the MSL's zone."""
    return display.local(instant).strftime(ENTRY_FORMAT)


def parse_entry(display: Display, text: str) -> datetime:
    """A typed '2026-12-31 14:30' read in the MSL's zone (not the machine's: in web mode that is the server's); ValueError if it is not one."""
    return datetime.strptime(text.strip(), ENTRY_FORMAT).replace(tzinfo=display.zone)


def example_text(locale: str, zone: tzinfo = UTC) -> str:
    """One line showing how a locale writes a date, a time and a number: what Settings lists beside each choice."""
    sample = Display(locale=locale, zone=zone)
    instant = datetime(2026, 12, 31, 14, 30, tzinfo=zone)
    return f"{sample.date_text(instant)} · {sample.time_text(instant)} · {sample.number_text(1234.5, decimals=1)}"
