"""Insight themes across a team: by therapeutic area, product and region over time, emerging themes,
and the verbatim examples that best stand for each theme.

The numbers come from the merged insight records the team's devices pushed.
An insight the MSL linked as the same signal as an earlier one (`duplicate_of`)
is not counted again. Examples are ranked by how many other insights echo them
(near-duplicates by `liaison.core.rules.similar`), so the page quotes what many heard.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from liaison.core.rules.similar import DUPLICATE_THRESHOLD, SimilarityIndex
from liaison.core.rules.taxonomy import Taxonomy
from liaison.server import scope
from liaison.server.models import RecordRow, User
from liaison.server.reports.periods import ReportParams, period_key

DIMENSIONS = ("therapeutic_area", "product", "region")
UNTHEMED = "unthemed"
UNSPECIFIED = "Unspecified"
EMERGING_MIN_COUNT = 3
"""A theme needs at least this many signals this period to be called emerging: one or two is noise."""
EMERGING_RATIO = 2.0
"""…and at least this many times last period's count (a theme new this period counts as rising from one)."""
EXAMPLES_PER_THEME = 3
EXAMPLE_POOL = 300
"""The most recent insights of a theme considered for its examples: bounds the work on a large team."""


@dataclass(frozen=True)
class TeamInsight:
    id: str
    owner_user_id: int
    region: str
    theme: str
    therapeutic_area: str
    product: str
    text: str
    captured_at: datetime
    duplicate_of: str | None


@dataclass(frozen=True)
class Emerging:
    theme: str
    label: str
    therapeutic_area: str
    current: int
    previous: int
    series: list[int]
    """Counts over the whole window, oldest first."""

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def emerging(self) -> bool:
        return self.current >= EMERGING_MIN_COUNT and self.current >= EMERGING_RATIO * max(self.previous, 1)


@dataclass(frozen=True)
class Example:
    theme: str
    rank: int
    text: str
    echoes: int
    """Other insights in the window that say the same (near-duplicates, and those linked as the same signal)."""
    captured_at: datetime
    region: str
    therapeutic_area: str
    product: str


@dataclass
class InsightReport:
    params: ReportParams
    periods: list[str]
    taxonomy_version: int
    labels: dict[str, str]
    theme_areas: dict[str, str]
    msls: int
    reports: int
    """Insights captured in the window."""
    signals: int
    """…less those linked as the same signal as another."""
    counts: dict[str, dict[str, dict[str, dict[str, int]]]] = field(default_factory=dict)
    """dimension → value → theme → period → signals."""
    themes: dict[str, dict[str, int]] = field(default_factory=dict)
    """theme → period → signals, across the team."""
    emerging: list[Emerging] = field(default_factory=list)
    examples: dict[str, list[Example]] = field(default_factory=dict)

    def label(self, theme: str) -> str:
        return self.labels.get(theme, "Unthemed" if theme == UNTHEMED else theme)

    def theme_order(self) -> list[str]:
        """Themes by signals in the window, most first."""
        return sorted(self.themes, key=lambda theme: (-sum(self.themes[theme].values()), self.label(theme)))

    def values(self, dimension: str) -> list[str]:
        """A dimension's values by signals in the window, most first."""
        table = self.counts.get(dimension, {})
        return sorted(table, key=lambda value: (-sum(sum(periods.values()) for periods in table[value].values()), value))

    def rows(self) -> list[dict[str, Any]]:
        """Every count as one flat row: what the CSV and JSON exports carry."""
        return [
            {"dimension": dimension, "value": value, "theme": theme, "theme_label": self.label(theme), "period": period, "count": count}
            for dimension in DIMENSIONS
            for value in self.values(dimension)
            for theme, periods in sorted(self.counts[dimension][value].items())
            for period, count in sorted(periods.items())
        ]


def team_insights(session: Session, owners: Sequence[int]) -> list[TeamInsight]:
    if not owners:
        return []
    rows = session.exec(
        select(RecordRow.record_id, RecordRow.owner_user_id, RecordRow.territory, RecordRow.fields).where(
            RecordRow.table_name == "insight", col(RecordRow.owner_user_id).in_(list(owners))
        )
    ).all()
    found = []
    for record_id, owner, territory, fields in rows:
        if fields.get("deleted") or not fields.get("captured_at") or not str(fields.get("text") or "").strip():
            continue
        found.append(
            TeamInsight(
                id=record_id,
                owner_user_id=owner,
                region=territory or UNSPECIFIED,
                theme=fields.get("theme") or UNTHEMED,
                therapeutic_area=str(fields.get("therapeutic_area") or "").strip(),
                product=str(fields.get("product") or "").strip(),
                text=str(fields["text"]).strip(),
                captured_at=_when(fields["captured_at"]),
                duplicate_of=fields.get("duplicate_of"),
            )
        )
    return found


def build(insights: Iterable[TeamInsight], taxonomy: Taxonomy, params: ReportParams, msls: int) -> InsightReport:
    window = params.window()
    in_window = [item for item in insights if period_key(item.captured_at, params.period) in window]
    known = {item.id for item in in_window}
    signals = [item for item in in_window if not (item.duplicate_of and item.duplicate_of in known)]
    labels = {theme.id: theme.label for theme in taxonomy.themes}
    theme_areas = {theme.id: next((area.label for area in taxonomy.areas if area.id == theme.area), "All areas") for theme in taxonomy.themes}
    report = InsightReport(
        params=params,
        periods=window,
        taxonomy_version=taxonomy.version,
        labels=labels,
        theme_areas=theme_areas,
        msls=msls,
        reports=len(in_window),
        signals=len(signals),
    )
    counts: dict[str, dict[str, dict[str, Counter[str]]]] = {dimension: defaultdict(lambda: defaultdict(Counter)) for dimension in DIMENSIONS}
    themes: dict[str, Counter[str]] = defaultdict(Counter)
    for item in signals:
        period = period_key(item.captured_at, params.period)
        themes[item.theme][period] += 1
        for dimension, value in (("therapeutic_area", _area(item, taxonomy)), ("product", item.product or UNSPECIFIED), ("region", item.region)):
            counts[dimension][value][item.theme][period] += 1
    report.themes = {theme: dict(periods) for theme, periods in themes.items()}
    report.counts = {
        dimension: {value: {theme: dict(periods) for theme, periods in table.items()} for value, table in by_value.items()}
        for dimension, by_value in counts.items()
    }
    report.emerging = _emerging(report, window)
    report.examples = _examples(in_window, report)
    return report


def insight_report(session: Session, viewer: User, taxonomy: Taxonomy, params: ReportParams) -> InsightReport:
    owners = scope.report_owners(session, viewer)
    msls = session.exec(select(User.id).where(col(User.id).in_(owners), User.role == "msl")).all() if owners else []
    return build(team_insights(session, owners), taxonomy, params, msls=len(msls))


def _emerging(report: InsightReport, window: list[str]) -> list[Emerging]:
    if len(window) < 2:
        return []
    current, previous = window[-1], window[-2]
    found = [
        Emerging(
            theme=theme,
            label=report.label(theme),
            therapeutic_area=report.theme_areas.get(theme, "—"),
            current=periods.get(current, 0),
            previous=periods.get(previous, 0),
            series=[periods.get(period, 0) for period in window],
        )
        for theme, periods in report.themes.items()
        if periods.get(current, 0) or periods.get(previous, 0)
    ]
    return sorted(found, key=lambda item: (not item.emerging, -item.change, -item.current, item.label))


def _examples(in_window: list[TeamInsight], report: InsightReport) -> dict[str, list[Example]]:
    """Per theme, the insights most echoed by others, each saying something the ones above it do not."""
    linked = Counter(item.duplicate_of for item in in_window if item.duplicate_of)
    by_theme: dict[str, list[TeamInsight]] = defaultdict(list)
    for item in in_window:
        by_theme[item.theme].append(item)
    examples: dict[str, list[Example]] = {}
    for theme, items in by_theme.items():
        pool = sorted(items, key=lambda item: item.captured_at, reverse=True)[:EXAMPLE_POOL]
        index = SimilarityIndex((item.id, item.text) for item in pool)
        echoes = {item.id: len(index.similar(item.text, limit=len(pool), exclude={item.id})) + linked[item.id] for item in pool}
        chosen: list[TeamInsight] = []
        for item in sorted(pool, key=lambda item: (-echoes[item.id], -item.captured_at.timestamp(), item.id)):
            if item.duplicate_of or any(index.score(item.text, other.text) >= DUPLICATE_THRESHOLD for other in chosen):
                continue
            chosen.append(item)
            if len(chosen) == EXAMPLES_PER_THEME:
                break
        examples[theme] = [
            Example(
                theme,
                rank,
                item.text,
                echoes[item.id],
                item.captured_at,
                item.region,
                item.therapeutic_area or UNSPECIFIED,
                item.product or UNSPECIFIED,
            )
            for rank, item in enumerate(chosen, start=1)
        ]
    return examples


def _area(item: TeamInsight, taxonomy: Taxonomy) -> str:
    """The taxonomy's name for the insight's therapeutic area ("haematology" reads as Oncology); else as typed."""
    area = taxonomy.area_of(item.therapeutic_area)
    return area.label if area else item.therapeutic_area or UNSPECIFIED


def _when(value: Any) -> datetime:
    """A stored ISO time, in UTC: periods are cut in UTC whatever the MSL's time zone."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
