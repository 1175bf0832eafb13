"""Insights: capture what HCPs say, browse by theme, therapeutic area and product, see themes over time."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft
import flet_charts as fch

from app.domain.taxonomy import insight_themes, theme_label
from app.errors import ComplianceFindings, LiaisonError
from app.store import queries
from app.store.models import Insight
from app.store.queries import InsightFilter
from app.ui.components.forms import Form, empty, section
from app.ui.components.review import ReviewPanel
from app.ui.state import UiContext

PALETTE = [ft.Colors.TEAL, ft.Colors.INDIGO, ft.Colors.AMBER, ft.Colors.DEEP_ORANGE, ft.Colors.PURPLE, ft.Colors.GREEN,
           ft.Colors.BLUE_GREY, ft.Colors.PINK, ft.Colors.CYAN, ft.Colors.BROWN, ft.Colors.LIME, ft.Colors.RED]


class InsightsScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.form = Form(ctx.draft("insight"), on_input=ctx.touch)
        self.filters = ctx.draft("insight_filters")
        self.review = ReviewPanel(self.form, action="save", on_override=lambda why: self.save(justification=why))

    def criteria(self) -> InsightFilter:
        return InsightFilter(theme=self.filters.get("theme") or None, therapeutic_area=self.filters.get("area") or None, product=self.filters.get("product") or None)

    def view(self) -> ft.Control:
        themes = [(theme.id, theme.label) for theme in insight_themes()]
        with self.ctx.unlocked.repository.session() as session:
            found = queries.insights(session, self.criteria(), limit=100)
            by_month = queries.insight_themes_by_month(session, self.criteria())
            every = queries.insights(session, limit=100_000)
        areas = sorted({item.therapeutic_area for item in every if item.therapeutic_area})
        products = sorted({item.product for item in every if item.product})
        capture = section(
            "Capture an insight",
            self.form.text("text", "Insight", multiline=True, hint="What did you hear? One observation per insight."),
            ft.Row([self.form.dropdown("theme", "Theme", themes), self.form.text("therapeutic_area", "Therapeutic area", width=220), self.form.text("product", "Product", width=200)], wrap=True),
            self.review,
            self.form.banner,
            ft.FilledButton(content="Save insight", on_click=lambda e: self.save()),
        )
        filters = ft.Row(
            [
                self._filter("theme", "Filter by theme", themes),
                self._filter("area", "Filter by therapeutic area", [(area, area) for area in areas]),
                self._filter("product", "Filter by product", [(product, product) for product in products]),
            ],
            wrap=True,
        )
        listing = [ft.ListTile(title=ft.Text(item.text), subtitle=ft.Text(f"{theme_label(item.theme)} · {item.therapeutic_area or '—'} · {item.product or '—'} · {item.captured_at:%d %b %Y}")) for item in found]
        return ft.ListView(
            [ft.Card(ft.Container(capture, padding=16)), filters, section("Themes over time", self.chart(by_month)), section("Insights", *(listing or [empty("No insights match.")]))],
            spacing=12, padding=16, expand=True,
        )

    def chart(self, by_month: dict[str, dict[str, int]]) -> ft.Control:
        if not by_month:
            return empty("No insights yet to chart.")
        theme_ids = sorted({theme for counts in by_month.values() for theme in counts})
        colours = {theme: PALETTE[index % len(PALETTE)] for index, theme in enumerate(theme_ids)}
        months = list(by_month)[-12:]
        groups = []
        for index, month in enumerate(months):
            stack, base = [], 0
            for theme in theme_ids:
                count = by_month[month].get(theme, 0)
                if count:
                    stack.append(fch.BarChartRodStackItem(from_y=base, to_y=base + count, color=colours[theme]))
                    base += count
            groups.append(fch.BarChartGroup(x=index, rods=[fch.BarChartRod(from_y=0, to_y=base, width=18, stack_items=stack, tooltip=f"{month}: {base} insights", border_radius=2)]))
        tallest = max(sum(counts.values()) for counts in by_month.values())
        chart = fch.BarChart(
            groups=groups, height=240, max_y=tallest + 1, interactive=True,
            bottom_axis=fch.ChartAxis(labels=[fch.ChartAxisLabel(value=index, label=ft.Text(month[2:], size=10)) for index, month in enumerate(months)], label_size=24),
            left_axis=fch.ChartAxis(label_size=28),
        )
        legend = ft.Row([ft.Row([ft.Container(width=12, height=12, bgcolor=colours[theme]), ft.Text(theme_label(theme), size=12)], tight=True) for theme in theme_ids], wrap=True)
        return ft.Semantics(content=ft.Column([chart, legend]), label="Chart of insight themes by month")

    def _filter(self, name: str, label: str, options: list[tuple[str, str]]) -> ft.Dropdown:
        def chosen(e: ft.ControlEvent) -> None:
            self.filters[name] = e.control.value or ""
            self.ctx.navigate("Insights")

        return ft.Dropdown(label=label, width=240, value=self.filters.get(name) or "", options=[ft.DropdownOption(key="", text="Any")] + [ft.DropdownOption(key=key, text=text) for key, text in options], on_select=chosen)

    def save(self, justification: str | None = None) -> str | None:
        """Write the insight; flagged wording is refused (nothing written) until saved anyway with a justification."""
        try:
            insight = self.ctx.unlocked.repository.create(
                Insight,
                {"text": self.form.value("text", ""), "theme": self.form.value("theme"), "therapeutic_area": self.form.value("therapeutic_area"),
                 "product": self.form.value("product"), "captured_at": datetime.now(UTC)},
                justification=justification,
            )
        except ComplianceFindings as error:
            self.form.clear_errors()
            self.review.show(error.findings)
            return None
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        self.review.hide()
        self.form.reset()
        self.ctx.changed()
        self.ctx.notify("Insight saved")
        self.ctx.navigate("Insights")
        return insight.id
