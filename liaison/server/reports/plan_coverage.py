"""Coverage of the medical plan across a team: for each strategic imperative and listening priority, the filed
interactions and the insights tagged with it, by region (the MSL's territory) and period, and the items nobody has
brought back an insight on.

Counted against the plan in force (the newest published). Interactions count once
filed (a draft may yet change); an insight linked as the same signal as another in
the window counts once, as on the insight section. Tags of codes the plan no
longer holds are left out of the items' rows and counted apart as `other_tags`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlmodel import Session, col, select

from liaison.core.enums import Status
from liaison.core.rules.medical_plan import COVERED_KINDS, KIND_LABELS, MedicalPlan, PlanItem
from liaison.server import scope
from liaison.server.models import RecordRow, User
from liaison.server.reports.periods import ReportParams, period_key

Source = Literal["interaction", "insight"]
SOURCES: tuple[Source, ...] = ("interaction", "insight")
UNSPECIFIED = "Unspecified"


@dataclass(frozen=True)
class Tagged:
    """A team record tagged with plan items, where and when it happened."""

    source: Source
    id: str
    region: str
    moment: datetime
    codes: tuple[str, ...]
    duplicate_of: str | None = None


@dataclass
class ItemCoverage:
    item: PlanItem
    counts: dict[Source, dict[str, dict[str, int]]] = field(default_factory=lambda: {source: {} for source in SOURCES})
    """source → region → period → records tagged with the item."""

    def total(self, source: Source) -> int:
        return sum(sum(periods.values()) for periods in self.counts[source].values())

    def by_period(self, source: Source, period: str) -> int:
        return sum(periods.get(period, 0) for periods in self.counts[source].values())

    def by_region(self, source: Source, region: str) -> int:
        return sum(self.counts[source].get(region, {}).values())

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.item.kind]


@dataclass
class PlanCoverage:
    params: ReportParams
    periods: list[str]
    plan_version: int | None
    plan_title: str | None
    items: list[ItemCoverage] = field(default_factory=list)
    """The strategic imperatives and listening priorities, in the plan's order."""
    regions: list[str] = field(default_factory=list)
    other_tags: int = 0
    """Tags in the window naming codes the plan in force does not hold (a superseded version's)."""

    @property
    def without_insights(self) -> list[PlanItem]:
        """The items no insight in the window is tagged with: what the field has not yet heard about."""
        return [coverage.item for coverage in self.items if coverage.total("insight") == 0]

    def rows(self) -> list[dict[str, Any]]:
        """Every non-zero count as one flat row: item, region, period, interactions, insights (what the exports carry)."""
        found = []
        for coverage in self.items:
            for region in self.regions:
                for period in self.periods:
                    counts = {source: coverage.counts[source].get(region, {}).get(period, 0) for source in SOURCES}
                    if any(counts.values()):
                        found.append(
                            {
                                "code": coverage.item.code,
                                "kind": coverage.item.kind.value,
                                "title": coverage.item.title,
                                "therapeutic_area": coverage.item.therapeutic_area,
                                "region": region,
                                "period": period,
                                "interactions": counts["interaction"],
                                "insights": counts["insight"],
                            }
                        )
        return found


def team_tagged(session: Session, owners: Sequence[int]) -> list[Tagged]:
    """The owners' filed interactions and insights that carry plan item codes."""
    if not owners:
        return []
    rows = session.exec(
        select(RecordRow.table_name, RecordRow.record_id, RecordRow.territory, RecordRow.fields).where(
            col(RecordRow.table_name).in_(SOURCES), col(RecordRow.owner_user_id).in_(list(owners))
        )
    ).all()
    found = []
    for table, record_id, territory, fields in rows:
        codes = tuple(code for code in fields.get("plan_items") or [] if isinstance(code, str))
        if fields.get("deleted") or not codes:
            continue
        if table == "interaction":
            raw, filed = fields.get("occurred_at"), fields.get("status") == Status.SUBMITTED
        else:
            raw, filed = fields.get("captured_at"), True
        if not raw or not filed:
            continue
        found.append(Tagged(table, record_id, territory or UNSPECIFIED, _when(raw), codes, fields.get("duplicate_of")))  # type: ignore[arg-type]
    return found


def build(tagged: Iterable[Tagged], plan: MedicalPlan | None, params: ReportParams) -> PlanCoverage:
    window = params.window()
    report = PlanCoverage(params=params, periods=window, plan_version=plan.version if plan else None, plan_title=plan.title if plan else None)
    if plan is None:
        return report
    in_window = [record for record in tagged if period_key(record.moment, params.period) in window]
    insights = {record.id for record in in_window if record.source == "insight"}
    counted = [record for record in in_window if not (record.duplicate_of and record.duplicate_of in insights)]
    followed = {item.code: item for item in plan.items if item.kind in COVERED_KINDS}
    counts: dict[str, dict[Source, dict[str, Counter[str]]]] = {code: {source: defaultdict(Counter) for source in SOURCES} for code in followed}
    regions: Counter[str] = Counter()
    for record in counted:
        period = period_key(record.moment, params.period)
        for code in dict.fromkeys(record.codes):
            if code in followed:
                counts[code][record.source][record.region][period] += 1
                regions[record.region] += 1
            elif plan.item(code) is None:
                report.other_tags += 1
    report.regions = sorted(regions, key=lambda region: (-regions[region], region))
    report.items = [
        ItemCoverage(item, {source: {region: dict(periods) for region, periods in counts[code][source].items()} for source in SOURCES})
        for code, item in followed.items()
    ]
    return report


def plan_coverage(session: Session, viewer: User, plan: MedicalPlan | None, params: ReportParams) -> PlanCoverage:
    return build(team_tagged(session, scope.report_owners(session, viewer)), plan, params)


def _when(value: Any) -> datetime:
    """A stored ISO time, in UTC: periods are cut in UTC whatever the MSL's time zone."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
