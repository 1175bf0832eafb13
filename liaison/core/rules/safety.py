"""The adverse-event reporting clock: when pharmacovigilance must have the report, and how loudly to say so.

The window comes from the deployment profile: a number of hours from awareness
(commonly 24), or a number of business days, where Saturdays, Sundays and the
public holidays of the configured country (the `holidays` package's calendar,
observed days included) do not count. Hours are elapsed hours, so a night when the clocks change still gives
the full window. Business days are counted in the MSL's own time zone, because
"one business day" means the local calendar where the MSL heard of the event;
with no zone configured that is the device's own (daylight saving included).

As the deadline nears, an event's urgency rises through fixed levels whose
thresholds are fractions of its window, so a 24-hour and a 3-business-day
window both escalate at the same point of their course.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import IntEnum
from functools import cache

FUTURE_TOLERANCE = timedelta(minutes=5)
"""How far ahead of the device clock an awareness time may be (clocks drift a little)."""


@dataclass(frozen=True)
class ReportingWindow:
    hours: int | None = 24
    business_days: int | None = None
    holidays_country: str | None = None
    """ISO 3166 code of the country whose public holidays are not business days; None: only weekends are off."""

    def __post_init__(self) -> None:
        if (self.hours is None) == (self.business_days is None):
            raise ValueError("ae_window: give either hours or business_days")
        if (self.hours or 0) < 0 or (self.business_days or 0) < 0:
            raise ValueError("ae_window: must not be negative")
        if self.holidays_country is not None:
            check_country(self.holidays_country)

    def describe(self) -> str:
        if self.hours is not None:
            return f"{self.hours} hours"
        return f"{self.business_days} business day{'s' if self.business_days != 1 else ''}"


def reporting_deadline(aware_at: datetime, window: ReportingWindow, local_tz: tzinfo | None = None) -> datetime:
    """The moment the report is due, for an event the MSL became aware of at `aware_at`.

    `local_tz` is the zone whose calendar counts business days; None means the device's own.
    """
    if aware_at.tzinfo is None:
        raise ValueError("aware_at: must include a time zone")
    if window.hours is not None:
        return (aware_at.astimezone(UTC) + timedelta(hours=window.hours)).astimezone(aware_at.tzinfo)
    wall = _wall_time(aware_at, local_tz)
    if not is_business_day(wall.date(), window.holidays_country):
        # Heard on a weekend or holiday: the clock starts at the opening of the next business day.
        while not is_business_day(wall.date(), window.holidays_country):
            wall += timedelta(days=1)
        wall = wall.replace(hour=0, minute=0, second=0, microsecond=0)
    remaining = window.business_days or 0
    while remaining:
        wall += timedelta(days=1)
        if is_business_day(wall.date(), window.holidays_country):
            remaining -= 1
    return _from_wall_time(wall, local_tz).astimezone(aware_at.tzinfo)


def is_business_day(day: date, holidays_country: str | None) -> bool:
    """A weekday that is no public holiday of `holidays_country` (None: every weekday)."""
    return day.weekday() < 5 and (holidays_country is None or day not in _public_holidays(holidays_country, day.year))


def check_country(code: str) -> str:
    """`code` when the holidays calendar knows that country; ValueError naming it otherwise."""
    import holidays  # loaded on first use: its calendars cost a noticeable start-up time that only business-day windows need

    try:
        holidays.country_holidays(code)
    except NotImplementedError:
        raise ValueError(f"unknown country {code!r}; give an ISO 3166 code such as US, DE or FR") from None
    return code


@cache
def _public_holidays(country: str, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, years=year))


def _wall_time(moment: datetime, zone: tzinfo | None) -> datetime:
    """What the clock on the wall read at `moment` in `zone` (None: the device's zone), without a zone."""
    return (moment.astimezone(zone) if zone is not None else moment.astimezone()).replace(tzinfo=None)


def _from_wall_time(wall: datetime, zone: tzinfo | None) -> datetime:
    """The instant the wall clock of `zone` reads `wall`; a time skipped by a clock change moves past the gap."""
    placed = wall.replace(tzinfo=zone) if zone is not None else wall.astimezone()
    return placed.astimezone(UTC)


def check_awareness(aware_at: datetime, now: datetime | None = None) -> datetime:
    """Refuse an awareness time the clock cannot start from: without a zone, or in the future."""
    if aware_at.tzinfo is None:
        raise ValueError("aware_at: must include a time zone, e.g. 2026-11-27T15:00+01:00")
    now = now or datetime.now(UTC)
    if aware_at - now > FUTURE_TOLERANCE:
        raise ValueError("aware_at: is in the future; give the moment you became aware")
    return aware_at


# --- seriousness ---------------------------------------------------------------------

SERIOUS, NON_SERIOUS = "serious", "non_serious"


def settled_seriousness(seriousness: str, criteria: Collection[str]) -> str:
    """The one rule tying seriousness to its ICH E2B criteria: naming a criterion makes an event serious,
    and a serious event names at least one. An unknown seriousness with criteria becomes serious;
    a contradiction raises ValueError in words the MSL can act on."""
    if criteria and seriousness == NON_SERIOUS:
        raise ValueError("a non-serious event meets no seriousness criterion: mark it serious or remove the criteria")
    if criteria:
        return SERIOUS
    if seriousness == SERIOUS:
        raise ValueError("a serious event names at least one seriousness criterion (e.g. hospitalisation)")
    return seriousness


def latest_date(moment: datetime) -> date:
    """The latest calendar date anywhere on Earth at `moment` (UTC+14): a date that is after it is after it everywhere."""
    return (moment.astimezone(UTC) + timedelta(hours=14)).date()


# --- escalation ----------------------------------------------------------------------


class Urgency(IntEnum):
    """How loudly an unreported event asks for attention; higher is louder."""

    ON_TRACK = 0
    DUE_SOON = 1
    URGENT = 2
    OVERDUE = 3

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", " ")


@dataclass(frozen=True)
class EscalationPolicy:
    """Thresholds as the fraction of the window still left: due soon at half, urgent at a quarter."""

    due_soon: float = 0.5
    urgent: float = 0.25

    def __post_init__(self) -> None:
        if not 0 <= self.urgent <= self.due_soon <= 1:
            raise ValueError("escalation: need 0 <= urgent <= due_soon <= 1")


DEFAULT_POLICY = EscalationPolicy()


def urgency(aware_at: datetime, deadline: datetime, now: datetime, policy: EscalationPolicy = DEFAULT_POLICY) -> Urgency:
    """The level of an event not yet reported: from the time left against the whole window."""
    aware_at, deadline, now = (moment.astimezone(UTC) for moment in (aware_at, deadline, now))
    left = deadline - now
    if left < timedelta(0):
        return Urgency.OVERDUE
    window = deadline - aware_at
    if window <= timedelta(0) or left <= window * policy.urgent:
        return Urgency.URGENT
    if left <= window * policy.due_soon:
        return Urgency.DUE_SOON
    return Urgency.ON_TRACK


def time_left(deadline: datetime, now: datetime | None = None) -> str:
    """ "due in 5 h 12 min", "due in 2 d 3 h" or "overdue by 40 min", as a person reads a countdown."""
    now = now or datetime.now(UTC)
    seconds = int((deadline.astimezone(UTC) - now.astimezone(UTC)).total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    span = f"{days} d {hours} h" if days else f"{hours} h {minutes} min"
    return f"overdue by {span}" if overdue else f"due in {span}"
