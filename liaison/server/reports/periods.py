"""The reporting window every dashboard section shares: months or ISO weeks, ending with the one containing a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from liaison.core.errors import ValidationError

Granularity = Literal["month", "week"]
MAX_PERIODS = 52


@dataclass(frozen=True)
class ReportParams:
    period: Granularity = "month"
    periods: int = 6
    """How many periods the window spans, the current one included."""
    as_of: date | None = None
    """The day whose period is "this period"; today when not given."""

    @classmethod
    def parse(cls, query: dict[str, str], today: date) -> ReportParams:
        """From a query string; a bad value is refused naming the parameter."""
        period = query.get("period") or "month"
        if period not in ("month", "week"):
            raise ValidationError("period", "must be month or week")
        raw = query.get("periods") or ("6" if period == "month" else "8")
        if not raw.isdigit() or not 2 <= int(raw) <= MAX_PERIODS:
            raise ValidationError("periods", f"must be a whole number from 2 to {MAX_PERIODS}")
        as_of = today
        if query.get("as_of"):
            try:
                as_of = date.fromisoformat(query["as_of"])
            except ValueError:
                raise ValidationError("as_of", "must be a date such as 2026-05-31") from None
        return cls(period=period, periods=int(raw), as_of=as_of)  # type: ignore[arg-type]

    @property
    def day(self) -> date:
        return self.as_of or date.today()

    def window(self) -> list[str]:
        """The period keys of the window, oldest first; the last is this period."""
        keys, day = [], self.day
        for _ in range(self.periods):
            keys.append(period_key(day, self.period))
            day = _start(day, self.period) - timedelta(days=1)
        return keys[::-1]

    def query(self) -> dict[str, str]:
        return {"period": self.period, "periods": str(self.periods), "as_of": self.day.isoformat()}


def period_key(moment: date | datetime, granularity: Granularity) -> str:
    """ "2026-05" for a month, "2026-W19" for an ISO week."""
    day = moment.date() if isinstance(moment, datetime) else moment
    if granularity == "month":
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def period_label(key: str) -> str:
    """How a period reads on an axis: "May 26", "W19"."""
    if "-W" in key:
        return key.split("-", 1)[1]
    return date(int(key[:4]), int(key[5:7]), 1).strftime("%b %y")


def _start(day: date, granularity: Granularity) -> date:
    if granularity == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())
