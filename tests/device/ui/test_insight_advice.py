"""The Insights screen while the MSL writes: themes suggested as chips, similar insights shown and linked,
and the MSL's themes over time. Built over a real store and driven through its handlers, no browser."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import flet as ft
import flet_charts as fch
import pytest

from liaison.core.records.models import Insight
from liaison.device.domain.insight_advice import InsightAdvisor
from liaison.device.store import queries
from liaison.device.store.store import Store
from liaison.device.ui.components.forms import MatchList
from tests.device.ui.driver import Session, choose, click, fire, labelled, shows, texts, type_in, walk

PAUSE = "Community oncologists send tissue out for NGS and wait three weeks, so patients start chemotherapy first."
EARLIER = "Community hospitals wait three weeks for NGS results, so many patients start chemotherapy before they are back."


@pytest.fixture
def ui(store: Store, data_dir: Path) -> Session:
    return Session.over(store, data_dir)


def chips(view: ft.Control) -> list[ft.Chip]:
    return [control for control in walk(view) if isinstance(control, ft.Chip)]


def chip_labels(view: ft.Control) -> list[str]:
    return [str(chip.label.value) for chip in chips(view)]  # type: ignore[union-attr]


def similar_shown(view: ft.Control) -> list[str]:
    """What the "Similar insights already captured" panel says, and nothing else on the screen."""
    [panel] = [
        control for control in walk(view) if isinstance(control, MatchList) and any("Similar insights" in line for line in texts(control))
    ] or [None]
    return texts(panel) if panel is not None else []


def saved(store: Store) -> list[Insight]:
    with store.repository.session() as session:
        return queries.insights(session)


def test_typing_an_insight_suggests_themes_as_chips_and_a_chip_sets_the_theme(ui: Session, store: Store) -> None:
    view = ui.screen("Insights")
    assert chips(view) == []
    type_in(view, "Therapeutic area", "Oncology")
    type_in(view, "Insight", PAUSE)
    assert chip_labels(view)[0] == "Biomarker and molecular testing"
    assert all(chip.tooltip and "suggested theme" in str(chip.tooltip) for chip in chips(view))
    [first, *_] = chips(view)
    fire(first, "on_click")
    assert labelled(view, "Theme").value == "onc_biomarker_testing" and chips(view)[0].selected
    click(view, "Save insight")
    [insight] = saved(store)
    assert (insight.theme, insight.therapeutic_area, insight.duplicate_of) == ("onc_biomarker_testing", "Oncology", None)


def test_a_few_words_suggest_nothing_yet(ui: Session) -> None:
    view = ui.screen("Insights")
    type_in(view, "Insight", "NGS delays")
    assert chips(view) == [] and similar_shown(view) == []


def test_a_similar_insight_already_captured_is_shown_opened_and_linked_as_the_same_signal(ui: Session, store: Store) -> None:
    earlier = store.repository.create(
        Insight,
        {"text": EARLIER, "theme": "onc_biomarker_testing", "therapeutic_area": "Oncology", "captured_at": datetime.now(UTC) - timedelta(days=3)},
    )
    store.repository.create(
        Insight, {"text": "Nurses want training on the autoinjector.", "theme": "education_gap", "captured_at": datetime.now(UTC)}
    )
    view = ui.screen("Insights")
    type_in(view, "Insight", PAUSE)
    panel = similar_shown(view)
    assert EARLIER in panel and any("alike, probably the same signal" in line for line in panel)
    assert not any("autoinjector" in line for line in panel)

    click(view, f"Open the insight captured {ui.ctx.display.date_text(earlier.captured_at)}")
    assert any(line.startswith("Oncology · captured") for line in similar_shown(view))
    click(view, f"Count as the same signal as the insight captured {ui.ctx.display.date_text(earlier.captured_at)}")
    assert shows(view, "Linked")
    click(view, "Save insight")
    new = next(item for item in saved(store) if item.text == PAUSE)
    assert new.duplicate_of == earlier.id
    assert shows(ui.follow(), "same signal as an earlier insight")


def test_the_chart_counts_my_themes_by_month_once_per_signal_with_no_month_left_out(ui: Session, store: Store) -> None:
    today = date.today()
    first = store.repository.create(
        Insight, {"text": "Payers deny prior authorization.", "theme": "access_barriers", "captured_at": datetime.now(UTC) - timedelta(days=95)}
    )
    store.repository.create(
        Insight,
        {"text": "Payers deny prior authorization again.", "theme": "access_barriers", "captured_at": datetime.now(UTC), "duplicate_of": first.id},
    )
    store.repository.create(Insight, {"text": "Nothing themed here.", "captured_at": datetime.now(UTC)})
    with store.repository.session() as session:
        by_month = queries.insight_themes_by_month(session, today=today)
    months = list(by_month)
    assert months[-1] == today.strftime("%Y-%m") and len(months) in (4, 5)  # 95 days back: every month between is there
    assert sum(sum(counts.values()) for counts in by_month.values()) == 2  # the linked insight is not counted again
    assert by_month[months[-1]] == {"unthemed": 1}
    view = ui.screen("Insights")
    [chart] = [control for control in walk(view) if isinstance(control, fch.BarChart)]
    assert len(chart.groups) == len(months)
    assert shows(view, "Unthemed") and shows(view, "Access and reimbursement barriers")


def test_typing_quickly_works_out_advice_once_for_the_last_text(ui: Session, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = InsightAdvisor.advise

    def counting(self: InsightAdvisor, text: str, **kwargs: object):  # type: ignore[no-untyped-def]
        asked.append(text)
        return real(self, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(InsightAdvisor, "advise", counting)
    from liaison.device.ui.screens.insights import InsightsScreen

    screen = InsightsScreen(ui.ctx)
    view = screen.view()
    field = labelled(view, "Insight")

    async def burst() -> None:
        typed = []
        for text in ("Prior", "Prior authorization takes", "Prior authorization takes weeks and payers deny it"):
            field.value = text
            typed.append(asyncio.create_task(field.on_change(ft.Event(name="change", control=field))))
            await asyncio.sleep(0)
        await asyncio.gather(*typed)

    with ThreadPoolExecutor(max_workers=1) as fresh_thread:  # a loop of its own: Playwright may hold this thread's
        fresh_thread.submit(asyncio.run, burst()).result()
    assert asked == ["Prior authorization takes weeks and payers deny it"]
    assert chip_labels(view)[0] == "Access and reimbursement barriers"


def test_themes_offered_come_from_the_taxonomy_in_force(ui: Session) -> None:
    view = ui.screen("Insights")
    options = {option.key: option.text for option in labelled(view, "Theme").options}
    assert options["unmet_need"] == "Unmet medical need"
    assert options["wh_menopause"] == "Women's health · Menopause management and HRT perceptions"
    choose(view, "Theme", "wh_menopause")
