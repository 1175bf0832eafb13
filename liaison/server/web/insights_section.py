"""The dashboard's insight section: themes by therapeutic area, product and region over time,
emerging themes and top verbatim examples, drawn from `reports.insights`."""

from __future__ import annotations

from typing import Any

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
from liaison.server.web.charts import OTHER, Series, colours, legend, sparkline, stacked_bars
from liaison.server.web.html import esc

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

    def html(self, report: InsightReport) -> str:
        labels = [period_label(period) for period in report.periods]
        emerging = [item for item in report.emerging if item.emerging]
        intro = (
            f'<p class="lead">{report.msls} MSLs · {esc(labels[0])} to {esc(labels[-1])} by {report.params.period} · '
            f"taxonomy version {report.taxonomy_version}. Insights linked by the MSL as the same signal are counted once.</p>"
        )
        cards = (
            '<div class="cards">'
            f'<div class="card"><b>{report.reports}</b>insights captured</div>'
            f'<div class="card"><b>{report.signals}</b>distinct signals</div>'
            f'<div class="card"><b>{len(report.themes)}</b>themes heard</div>'
            f'<div class="card"><b>{len(emerging)}</b>emerging themes</div>'
            "</div>"
        )
        if not report.reports:
            return intro + cards + '<p class="muted">No insights from the team in this window yet.</p>'
        top = report.theme_order()[:COLOURED_THEMES]
        palette = colours(top)
        key = legend([(report.label(theme), palette[theme]) for theme in top] + ([("Other themes", OTHER)] if len(report.themes) > len(top) else []))
        overall = stacked_bars("Signals per theme over time, whole team", report.periods, labels, self._series(report.themes, report, top, palette), width=720, height=220)
        parts = [intro, cards, self._emerging(report), "<h3>Themes over time</h3>", key, f"<figure>{overall}</figure>"]
        for dimension in DIMENSIONS:
            figures = []
            for value in report.values(dimension)[:CHARTS_PER_DIMENSION]:
                by_theme = report.counts[dimension][value]
                total = sum(sum(periods.values()) for periods in by_theme.values())
                chart = stacked_bars(f"Signals per theme over time, {value}", report.periods, labels, self._series(by_theme, report, top, palette))
                figures.append(f"<figure><figcaption>{esc(value)} <span class=\"muted\">· {total} signals</span></figcaption>{chart}</figure>")
            hidden = len(report.values(dimension)) - len(figures)
            more = f'<p class="muted">{hidden} more in the exports.</p>' if hidden > 0 else ""
            parts.append(f'<h3>{DIMENSION_TITLES[dimension]}</h3><div class="grid">{"".join(figures)}</div>{more}')
        parts.append(self._examples(report))
        return "".join(parts)

    def _series(self, by_theme: dict[str, dict[str, int]], report: InsightReport, top: list[str], palette: dict[str, str]) -> list[Series]:
        series = [Series(report.label(theme), palette[theme], [by_theme.get(theme, {}).get(period, 0) for period in report.periods]) for theme in top]
        rest = [sum(periods.get(period, 0) for theme, periods in by_theme.items() if theme not in top) for period in report.periods]
        if any(rest):
            series.append(Series("Other themes", OTHER, rest))
        return series

    def _emerging(self, report: InsightReport) -> str:
        current, previous = (period_label(period) for period in report.periods[-1:-3:-1])
        rule = f"flagged when this period has at least {EMERGING_MIN_COUNT} signals and {EMERGING_RATIO:g}× the previous period's"
        rows = "".join(
            f"<tr><td>{esc(item.label)}</td><td>{esc(item.therapeutic_area)}</td><td class=\"num\">{item.previous}</td>"
            f"<td class=\"num\">{item.current}</td><td class=\"num\">{item.change:+d}</td>"
            f"<td>{sparkline(f'{item.label}: signals per period', item.series)}</td>"
            f"<td>{'<span class=flag>▲ emerging</span>' if item.emerging else ''}</td></tr>"
            for item in report.emerging[:15]
        )
        table = (
            f'<table><thead><tr><th>Theme</th><th>Therapeutic area</th><th class="num">{esc(previous)}</th>'
            f'<th class="num">{esc(current)} (this period)</th><th class="num">Change</th><th>Trend</th><th></th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
        return f'<h3>Emerging themes</h3><p class="muted">This period against the previous one; {rule}.</p>{table}'

    def _examples(self, report: InsightReport) -> str:
        blocks = []
        for theme in report.theme_order()[:EXAMPLE_THEMES]:
            quotes = "".join(
                f"<blockquote>“{esc(example.text)}”<footer>{esc(example.therapeutic_area)} · {esc(example.product)} · "
                f"{esc(example.region)} · {example.captured_at:%d %b %Y}"
                f"{f' · echoed by {example.echoes} other insight' + ('s' if example.echoes != 1 else '') if example.echoes else ''}</footer></blockquote>"
                for example in report.examples.get(theme, [])
            )
            blocks.append(f"<h4>{esc(report.label(theme))}</h4>{quotes}")
        return "<h3>Top verbatim examples</h3>" + "".join(blocks)

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
                {"theme": item.theme, "label": item.label, "therapeutic_area": item.therapeutic_area, "previous": item.previous,
                 "current": item.current, "change": item.change, "emerging": item.emerging}
                for item in report.emerging
            ],
            "examples": [
                {"theme": example.theme, "rank": example.rank, "text": example.text, "echoes": example.echoes,
                 "captured_at": example.captured_at.isoformat(), "region": example.region,
                 "therapeutic_area": example.therapeutic_area, "product": example.product}
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
