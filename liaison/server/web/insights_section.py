"""The dashboard's insight section: themes by therapeutic area, product and region over time,
emerging themes and top verbatim examples, drawn from `reports.insights`."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqlmodel import Session

from liaison.server import taxonomy
from liaison.server.models import User
from liaison.server.reports.insights import (
    DIMENSIONS,
    EMERGING_MIN_COUNT,
    EMERGING_RATIO,
    InsightReport,
    insight_report,
)
from liaison.server.reports.periods import ReportParams, period_label
from liaison.server.settings import ServerSettings
from liaison.server.web.charts import OTHER, Series, colours, sparkline, stacked_bars
from liaison.server.web.html import fragment

COLOURED_THEMES = 8
"""Themes with a colour of their own in the charts; the rest are drawn together as "Other themes"."""
CHARTS_PER_DIMENSION = 6
EXAMPLE_THEMES = 8
DIMENSION_TITLES = {"therapeutic_area": "By therapeutic area", "product": "By product", "region": "By region (territory)"}
CSV_HEADER = ["kind", "dimension", "value", "theme", "theme_label", "period", "count", "previous", "emerging", "rank", "echoes", "text"]


class InsightsSection:
    slug = "insights"
    title = "Insight themes"

    def numbers(self, session: Session, viewer: User, params: ReportParams, settings: ServerSettings) -> InsightReport:
        return insight_report(session, viewer, taxonomy.current(session), params)

    # --- HTML ------------------------------------------------------------------------------

    def html(self, report: InsightReport) -> Markup:
        labels = [period_label(period) for period in report.periods]
        context: dict[str, Any] = {"report": report, "labels": labels, "emerging": [item for item in report.emerging if item.emerging]}
        if report.reports:
            top = report.theme_order()[:COLOURED_THEMES]
            palette = colours(top)
            context["legend"] = [(report.label(theme), palette[theme]) for theme in top] + (
                [("Other themes", OTHER)] if len(report.themes) > len(top) else []
            )
            context["overall"] = stacked_bars(
                "Signals per theme over time, whole team",
                report.periods,
                labels,
                self._series(report.themes, report, top, palette),
                width=720,
                height=220,
            )
            context["dimensions"] = [self._dimension(report, dimension, labels, top, palette) for dimension in DIMENSIONS]
            context["current"], context["previous"] = (period_label(period) for period in report.periods[-1:-3:-1])
            context["rule"] = f"flagged when this period has at least {EMERGING_MIN_COUNT} signals and {EMERGING_RATIO:g}× the previous period's"
            context["trends"] = [(item, sparkline(f"{item.label}: signals per period", item.series)) for item in report.emerging[:15]]
            context["examples"] = [(report.label(theme), report.examples.get(theme, [])) for theme in report.theme_order()[:EXAMPLE_THEMES]]
        return fragment("sections/insights.html", **context)

    def _dimension(self, report: InsightReport, dimension: str, labels: list[str], top: list[str], palette: dict[str, str]) -> dict[str, Any]:
        """One dimension's small charts (the largest values first) and how many more only the exports hold."""
        figures = []
        for value in report.values(dimension)[:CHARTS_PER_DIMENSION]:
            by_theme = report.counts[dimension][value]
            total = sum(sum(periods.values()) for periods in by_theme.values())
            chart = stacked_bars(f"Signals per theme over time, {value}", report.periods, labels, self._series(by_theme, report, top, palette))
            figures.append((value, total, chart))
        return {"title": DIMENSION_TITLES[dimension], "figures": figures, "hidden": len(report.values(dimension)) - len(figures)}

    def _series(self, by_theme: dict[str, dict[str, int]], report: InsightReport, top: list[str], palette: dict[str, str]) -> list[Series]:
        series = [Series(report.label(theme), palette[theme], [by_theme.get(theme, {}).get(period, 0) for period in report.periods]) for theme in top]
        rest = [sum(periods.get(period, 0) for theme, periods in by_theme.items() if theme not in top) for period in report.periods]
        if any(rest):
            series.append(Series("Other themes", OTHER, rest))
        return series

    # --- exports --------------------------------------------------------------------------

    def export(self, report: InsightReport) -> dict[str, Any]:
        return {
            "section": self.slug,
            "period": report.params.period,
            "as_of": report.params.day.isoformat(),
            "periods": report.periods,
            "taxonomy_version": report.taxonomy_version,
            "msls": report.msls,
            "insights": report.reports,
            "signals": report.signals,
            "themes": [
                {"theme": theme, "label": report.label(theme), "therapeutic_area": report.theme_areas.get(theme), "counts": report.themes[theme]}
                for theme in report.theme_order()
            ],
            "counts": report.rows(),
            "emerging": [
                {
                    "theme": item.theme,
                    "label": item.label,
                    "therapeutic_area": item.therapeutic_area,
                    "previous": item.previous,
                    "current": item.current,
                    "change": item.change,
                    "emerging": item.emerging,
                }
                for item in report.emerging
            ],
            "examples": [
                {
                    "theme": example.theme,
                    "rank": example.rank,
                    "text": example.text,
                    "echoes": example.echoes,
                    "captured_at": example.captured_at.isoformat(),
                    "region": example.region,
                    "therapeutic_area": example.therapeutic_area,
                    "product": example.product,
                }
                for theme in report.theme_order()
                for example in report.examples.get(theme, [])
            ],
        }

    def table(self, report: InsightReport) -> tuple[list[str], list[list[Any]]]:
        rows: list[list[Any]] = [
            ["count", row["dimension"], row["value"], row["theme"], row["theme_label"], row["period"], row["count"], "", "", "", "", ""]
            for row in report.rows()
        ]
        current = report.periods[-1]
        rows += [
            ["emerging", "", "", item.theme, item.label, current, item.current, item.previous, "yes" if item.emerging else "no", "", "", ""]
            for item in report.emerging
        ]
        rows += [
            ["example", "", "", example.theme, report.label(example.theme), "", "", "", "", example.rank, example.echoes, example.text]
            for theme in report.theme_order()
            for example in report.examples.get(theme, [])
        ]
        return CSV_HEADER, rows
