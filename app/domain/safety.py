"""The adverse-event reporting clock: when pharmacovigilance must have the report.

The window comes from the deployment profile: a number of hours from awareness
(commonly 24), or a number of business days, where Saturdays and Sundays do not
count. Business days are counted in the MSL's own time zone, because "one
business day" means the local calendar where the MSL heard of the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo


@dataclass(frozen=True)
class ReportingWindow:
    hours: int | None = 24
    business_days: int | None = None

    def __post_init__(self) -> None:
        if (self.hours is None) == (self.business_days is None):
            raise ValueError("ae_window: give either hours or business_days")
        if (self.hours or 0) < 0 or (self.business_days or 0) < 0:
            raise ValueError("ae_window: must not be negative")

    def describe(self) -> str:
        if self.hours is not None:
            return f"{self.hours} hours"
        return f"{self.business_days} business day{'s' if self.business_days != 1 else ''}"


def reporting_deadline(aware_at: datetime, window: ReportingWindow, local_tz: tzinfo | None = None) -> datetime:
    """The moment the report is due, for an event the MSL became aware of at `aware_at`."""
    if aware_at.tzinfo is None:
        raise ValueError("aware_at: must include a time zone")
    if window.hours is not None:
        return aware_at + timedelta(hours=window.hours)
    local = aware_at.astimezone(local_tz) if local_tz else aware_at
    if local.weekday() >= 5:
        # Heard on a weekend: the clock starts at the opening of the next business day.
        while local.weekday() >= 5:
            local += timedelta(days=1)
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    remaining = window.business_days or 0
    while remaining:
        local += timedelta(days=1)
        if local.weekday() < 5:
            remaining -= 1
    return local.astimezone(aware_at.tzinfo)
