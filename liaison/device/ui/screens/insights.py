"""Insights: capture what HCPs say, with themes suggested and similar insights shown while typing;
browse by theme, therapeutic area and product; see the MSL's themes over time.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from weakref import WeakKeyDictionary

import flet as ft
import flet_charts as fch

from liaison.core.errors import ComplianceFindings, LiaisonError
from liaison.core.records.models import SHORT_TEXT, Insight
from liaison.core.rules.taxonomy import Taxonomy
from liaison.device.domain.insight_advice import Advice, CapturedInsight, InsightAdvisor, SimilarInsight
from liaison.device.store import medical_plan as plan_queries
from liaison.device.store import queries
from liaison.device.store.queries import UNTHEMED, InsightFilter
from liaison.device.store.repository import Repository
from liaison.device.store.store import Store
from liaison.device.ui.components.forms import Form, MatchList, empty, section
from liaison.device.ui.components.plan_items import PlanItemsField
from liaison.device.ui.components.review import ReviewPanel
from liaison.device.ui.state import UiContext

PALETTE = [
    ft.Colors.TEAL,
    ft.Colors.INDIGO,
    ft.Colors.AMBER,
    ft.Colors.DEEP_ORANGE,
    ft.Colors.PURPLE,
    ft.Colors.GREEN,
    ft.Colors.BLUE_GREY,
    ft.Colors.PINK,
    ft.Colors.CYAN,
    ft.Colors.BROWN,
    ft.Colors.LIME,
    ft.Colors.RED,
]
DEBOUNCE_SECONDS = 0.35
"""Advice is worked out once typing pauses this long, not at every keystroke."""

_advisors: WeakKeyDictionary[Repository, tuple[tuple[object, ...], InsightAdvisor]] = WeakKeyDictionary()
"""One advisor per open store (by its repository), rebuilt only when its insights or taxonomy changed; gone with the store."""


def advisor_for(store: Store) -> InsightAdvisor:
    """What was learnt from this store's insights; slow the first time (call it off the UI's loop)."""
    with store.repository.session() as session:
        taxonomy = queries.insight_taxonomy(session)
        key = (*queries.insight_fingerprint(session), taxonomy.version)
        cached = _advisors.get(store.repository)
        if cached is not None and cached[0] == key:
            return cached[1]
        captured = [
            CapturedInsight(item.id, item.text, item.theme, item.therapeutic_area, item.product, item.captured_at, item.duplicate_of)
            for item in queries.insights(session, limit=100_000)
        ]
    advisor = InsightAdvisor(taxonomy, captured)
    _advisors[store.repository] = (key, advisor)
    return advisor


class InsightsScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.form = Form(ctx.draft("insight"), on_input=ctx.touch)
        self.filters = ctx.draft("insight_filters")
        self.suggestions = MatchList()
        self.similar = MatchList()
        self.advice = Advice([], [])
        self.opened: set[str] = set()
        self.taxonomy: Taxonomy | None = None
        self._typing = 0
        self.review = ReviewPanel(self.form, action="save", on_override=lambda why: self.save(justification=why))
        self.plan_items = PlanItemsField(self.form, None, lambda: self.form.value("therapeutic_area"))

    def criteria(self) -> InsightFilter:
        return InsightFilter(
            theme=self.filters.get("theme") or None, therapeutic_area=self.filters.get("area") or None, product=self.filters.get("product") or None
        )

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            self.taxonomy = taxonomy = queries.insight_taxonomy(session)
            found = queries.insights(session, self.criteria(), limit=100)
            by_month = queries.insight_themes_by_month(session, self.criteria(), today=date.today())
            every = queries.insights(session, limit=100_000)
            self.plan_items.plan = plan_queries.current_plan(session)
        self.plan_items.show()
        themes = [(theme.id, taxonomy.option_text(theme)) for theme in taxonomy.themes]
        areas = sorted({item.therapeutic_area for item in every if item.therapeutic_area})
        products = sorted({item.product for item in every if item.product})
        text = self.form.text("text", "Insight", multiline=True, limit=SHORT_TEXT, hint="What did you hear? One observation per insight.")
        text.on_change = self._typed
        area = self.form.text("therapeutic_area", "Therapeutic area", width=220)
        area.on_change = self._area_typed
        capture = section(
            "Capture an insight",
            text,
            self.suggestions,
            ft.Row([self.form.dropdown("theme", "Theme", themes, width=360), area, self.form.text("product", "Product", width=200)], wrap=True),
            self.plan_items,
            self.similar,
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
        listing: list[ft.Control] = [ft.ListTile(title=ft.Text(item.text), subtitle=ft.Text(self._facts(item))) for item in found]
        self.show(self.advice)
        if self.form.value("text") and self.ctx.page is not None:
            self.ctx.page.run_task(self.advise_now)
        return ft.ListView(
            [
                ft.Card(ft.Container(capture, padding=16)),
                filters,
                section("My themes over time", self.chart(by_month)),
                section("Insights", *(listing or [empty("No insights match.")])),
            ],
            spacing=12,
            padding=16,
            expand=True,
        )

    # --- advice while typing ---------------------------------------------------------

    async def _typed(self, e: ft.Event[ft.TextField]) -> None:
        self.form.set("text", e.control.value)
        await self._pause_then_advise()

    async def _area_typed(self, e: ft.Event[ft.TextField]) -> None:
        self.form.set("therapeutic_area", e.control.value)
        self.plan_items.show()
        await self._pause_then_advise()

    async def _pause_then_advise(self) -> None:
        """Debounce: only the last keystroke of a burst goes on to work out advice."""
        self._typing += 1
        mine = self._typing
        await asyncio.sleep(DEBOUNCE_SECONDS)
        if mine == self._typing:
            await self.advise_now(mine)

    async def advise_now(self, typing: int | None = None) -> Advice:
        """Suggest themes and find similar insights on a worker thread, so the UI never waits on it."""
        text, area = self.form.value("text", ""), self.form.value("therapeutic_area")
        try:
            store = self.ctx.unlocked
            advice = await asyncio.to_thread(lambda: advisor_for(store).advise(text, therapeutic_area=area))
        except LiaisonError:
            return Advice([], [])  # locked meanwhile: the draft is kept, advice comes back after unlocking
        if typing is not None and typing != self._typing:
            return advice  # newer typing has overtaken this answer
        self.show(advice)
        self.ctx.refresh()
        return advice

    def show(self, advice: Advice) -> None:
        self.advice = advice
        chosen = self.form.draft.get("theme")
        chips: list[ft.Control] = [
            ft.Chip(
                label=ft.Text(suggestion.theme.label),
                leading=ft.Icon(ft.Icons.AUTO_AWESOME, size=16),
                selected=suggestion.theme.id == chosen,
                tooltip=f"Use the suggested theme {suggestion.theme.label} ({suggestion.score:.0%} match)",
                on_click=lambda e, theme_id=suggestion.theme.id: self.choose_theme(theme_id),
            )
            for suggestion in advice.suggestions
        ]
        self.suggestions.controls = [ft.Row([ft.Text("Suggested themes:", size=12), *chips], wrap=True, spacing=6)] if chips else []
        rows: list[ft.Control] = []
        for match in advice.similar:
            rows.extend(self._similar_row(match))
        self.similar.controls = [ft.Text("Similar insights already captured", theme_style=ft.TextThemeStyle.TITLE_SMALL), *rows] if rows else []

    def _similar_row(self, match: SimilarInsight) -> list[ft.Control]:
        item, linked = match.insight, self.form.draft.get("duplicate_of") == match.insight.id
        label = self.taxonomy.label(item.theme) if self.taxonomy else item.theme or "Unthemed"
        verdict = "probably the same signal" if match.same_signal else "related"
        opened = item.id in self.opened
        captured = self.ctx.display.date_text(item.captured_at)
        tile = ft.ListTile(
            title=ft.Text(item.text, max_lines=None if opened else 2, overflow=ft.TextOverflow.CLIP if opened else ft.TextOverflow.ELLIPSIS),
            subtitle=ft.Text(f"{label} · {captured} · {match.score:.0%} alike, {verdict}"),
            leading=ft.Icon(ft.Icons.LINK if linked else ft.Icons.CONTENT_COPY_OUTLINED),
            dense=True,
            trailing=ft.Row(
                [
                    ft.TextButton(
                        content="Close" if opened else "Open",
                        tooltip=f"{'Close' if opened else 'Open'} the insight captured {captured}",
                        on_click=lambda e, item_id=item.id: self.toggle_open(item_id),
                    ),
                    ft.TextButton(
                        content="Linked" if linked else "Same signal",
                        tooltip=f"{'Unlink from' if linked else 'Count as the same signal as'} the insight captured {captured}",
                        on_click=lambda e, item_id=item.id: self.link(item_id),
                    ),
                ],
                tight=True,
            ),
        )
        if not opened:
            return [tile]
        details = " · ".join(
            part for part in (item.therapeutic_area, item.product, f"captured {self.ctx.display.datetime_text(item.captured_at)}") if part
        )
        return [tile, ft.Container(ft.Text(details, size=12, selectable=True), padding=ft.Padding.only(left=56, bottom=8))]

    def choose_theme(self, theme_id: str) -> None:
        self.form.set("theme", theme_id)
        dropdown = self.form.controls.get("theme")
        if isinstance(dropdown, ft.Dropdown):
            dropdown.value = theme_id
        self.show(self.advice)
        self.ctx.refresh()

    def link(self, insight_id: str) -> None:
        """Count the new insight as the same signal as one already captured (again: undo)."""
        self.form.set("duplicate_of", None if self.form.draft.get("duplicate_of") == insight_id else insight_id)
        self.show(self.advice)
        self.ctx.refresh()

    def toggle_open(self, insight_id: str) -> None:
        self.opened ^= {insight_id}
        self.show(self.advice)
        self.ctx.refresh()

    # --- themes over time ----------------------------------------------------------

    def chart(self, by_month: dict[str, dict[str, int]]) -> ft.Control:
        if not by_month or not any(by_month.values()):
            return empty("No insights yet to chart.")
        theme_ids = sorted({theme for counts in by_month.values() for theme in counts})
        colours = {theme: PALETTE[index % len(PALETTE)] for index, theme in enumerate(theme_ids)}
        months = list(by_month)
        groups = []
        for index, month in enumerate(months):
            stack, base = [], 0
            for theme in theme_ids:
                count = by_month[month].get(theme, 0)
                if count:
                    stack.append(fch.BarChartRodStackItem(from_y=base, to_y=base + count, color=colours[theme]))
                    base += count
            groups.append(
                fch.BarChartGroup(
                    x=index,
                    rods=[fch.BarChartRod(from_y=0, to_y=base, width=18, stack_items=stack, tooltip=f"{month}: {base} insights", border_radius=2)],
                )
            )
        tallest = max(sum(counts.values()) for counts in by_month.values())
        chart = fch.BarChart(
            groups=groups,
            height=240,
            max_y=tallest + 1,
            interactive=True,
            bottom_axis=fch.ChartAxis(
                labels=[fch.ChartAxisLabel(value=index, label=ft.Text(month[2:], size=10)) for index, month in enumerate(months)], label_size=24
            ),
            left_axis=fch.ChartAxis(label_size=28),
        )
        legend = ft.Row(
            [
                ft.Row([ft.Container(width=12, height=12, bgcolor=colours[theme]), ft.Text(self._label(theme), size=12)], tight=True)
                for theme in theme_ids
            ],
            wrap=True,
        )
        return ft.Semantics(content=ft.Column([chart, legend]), label="Chart of my insight themes by month")

    def _label(self, theme_id: str) -> str:
        if theme_id == UNTHEMED:
            return "Unthemed"
        return self.taxonomy.label(theme_id) if self.taxonomy else theme_id

    def _facts(self, item: Insight) -> str:
        parts = [self._label(item.theme or UNTHEMED), item.therapeutic_area or "—", item.product or "—", self.ctx.display.date_text(item.captured_at)]
        if item.duplicate_of:
            parts.append("same signal as an earlier insight")
        if item.plan_items:
            parts.append(f"plan: {', '.join(item.plan_items)}")
        return " · ".join(parts)

    def _filter(self, name: str, label: str, options: list[tuple[str, str]]) -> ft.Dropdown:
        def chosen(e: ft.Event[ft.Dropdown]) -> None:
            self.filters[name] = e.control.value or ""
            self.ctx.navigate("Insights")

        return ft.Dropdown(
            label=label,
            width=240,
            value=self.filters.get(name) or "",
            options=[ft.DropdownOption(key="", text="Any")] + [ft.DropdownOption(key=key, text=text) for key, text in options],
            on_select=chosen,
        )

    def save(self, justification: str | None = None) -> str | None:
        """Write the insight; flagged wording is refused (nothing written) until saved anyway with a justification."""
        try:
            insight = self.ctx.unlocked.repository.create(
                Insight,
                {
                    "text": self.form.value("text", ""),
                    "theme": self.form.value("theme"),
                    "therapeutic_area": self.form.value("therapeutic_area"),
                    "product": self.form.value("product"),
                    "duplicate_of": self.form.value("duplicate_of"),
                    "captured_at": datetime.now(UTC),
                    "plan_items": list(self.form.draft.get("plan_items") or []),
                },
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
        self.show(Advice([], []))
        self.ctx.changed()
        self.ctx.notify("Insight saved")
        self.ctx.navigate("Insights")
        return insight.id
