"""An HCP's engagement history and likely duplicates: what the profile and the Add HCP form read from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from sqlmodel import Session, col, select

from liaison.core.records.models import Hcp, Interaction
from liaison.core.rules.hcp_duplicates import COMPARED, Duplicate, likely_duplicates


@dataclass(frozen=True)
class EngagementHistory:
    """Interactions with one HCP by month (oldest first, every month shown even when empty) and the last one's time."""

    months: list[tuple[date, int]]
    """The first day of each month, and how many interactions fell in it (in the MSL's zone)."""
    last_interaction: datetime | None
    """The latest interaction ever logged with the HCP, inside the window or not."""

    @property
    def total(self) -> int:
        return sum(count for _, count in self.months)


def engagement_history(session: Session, hcp_id: str, months: int = 12, *, today: date | None = None, zone: tzinfo = UTC) -> EngagementHistory:
    """The last `months` months of interactions with the HCP, this month included, drafts and filed alike."""
    today = today or datetime.now(zone).date()
    firsts = _month_starts(today, months)
    since = datetime(firsts[0].year, firsts[0].month, 1, tzinfo=zone)
    alive = (Interaction.hcp_id == hcp_id, col(Interaction.deleted).is_(False))
    times = session.exec(select(Interaction.occurred_at).where(*alive, col(Interaction.occurred_at) >= since)).all()
    counts = dict.fromkeys(firsts, 0)
    for occurred in times:
        local = occurred.astimezone(zone)
        first = date(local.year, local.month, 1)
        if first in counts:
            counts[first] += 1
    last = session.exec(select(Interaction.occurred_at).where(*alive).order_by(col(Interaction.occurred_at).desc()).limit(1)).first()
    return EngagementHistory(list(counts.items()), last)


def _month_starts(today: date, months: int) -> list[date]:
    index = today.year * 12 + today.month - 1
    return [date(number // 12, number % 12 + 1, 1) for number in range(index - max(months, 1) + 1, index + 1)]


def hcp_duplicates(session: Session, values: dict[str, object]) -> list[Duplicate]:
    """The HCPs already in this store that a new one with these values may duplicate (the rule the data steward sees)."""
    held = session.exec(select(Hcp).where(col(Hcp.deleted).is_(False))).all()
    return likely_duplicates(values, ((hcp.id, {name: getattr(hcp, name) for name in COMPARED}) for hcp in held))
