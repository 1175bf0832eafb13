"""The brief screen without a browser: reached from the profile, its cards, dates in the MSL's locale, every entry leading to its record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import flet as ft
import pytest

from liaison.device.locale import Display
from liaison.device.store.store import Store
from liaison.device.ui.components.follow_up import OVERDUE
from tests.device.domain.test_brief import NOW, Curie, fill_curie
from tests.device.ui.driver import Session, button, click, fire, shows, texts, tile, walk


@pytest.fixture
def curie(store: Store) -> Curie:
    return fill_curie(store)


@pytest.fixture
def ui(store: Store, data_dir: Path) -> Session:
    session = Session.over(store, data_dir)
    session.ctx.display = Display.of("en_GB", "UTC")
    return session


def cards(view: ft.Control) -> list[str]:
    """Each card's heading, in the order shown."""
    return [
        str(control.content.content.controls[0].value)  # type: ignore[union-attr]
        for control in walk(view)
        if isinstance(control, ft.Card)
    ]


def test_the_profile_has_a_brief_button_that_opens_the_brief(ui: Session, curie: Curie) -> None:
    click(ui.screen("HCPs", hcp_id=curie.hcp.id), "Brief")
    assert ui.last_visit == ("Brief", {"hcp_id": curie.hcp.id})
    assert shows(ui.follow(), "Last interactions")


def test_the_brief_is_one_card_a_section_under_the_hcps_name_tier_and_consent(ui: Session, curie: Curie) -> None:
    view = ui.screen("Brief", hcp_id=curie.hcp.id)
    assert isinstance(view, ft.ListView), "one scrollable screen"
    assert cards(view) == [
        "Next planned visit",
        "Last interactions (5 of 9)",
        "Open inquiries",
        "Open follow-ups (1 overdue)",
        "Insights",
        "Trials at their site",
        "Events attended",
        "Content already shared",
        "Medical plan not yet covered with them",
    ]
    lines = texts(view)
    assert lines[:2] == ["Dr Marie Curie", "Oncology · Institut Curie · KOL tier 1"]
    assert lines[2].startswith("Consents to contact (recorded ")


def test_the_next_planned_visit_shows_when_and_where_and_opens_its_day_in_the_calendar(ui: Session, store: Store, curie: Curie) -> None:
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    store.repository.plan_visit({"hcp_ids": [curie.hcp.id], "starts_at": starts, "place": "Institut Curie", "objectives": ["Renal dosing"]})
    view = ui.screen("Brief", hcp_id=curie.hcp.id)
    assert shows(view, f"{ui.ctx.display.datetime_text(starts)} · Institut Curie") and shows(view, "Renal dosing")
    fire(tile(view, f"{ui.ctx.display.datetime_text(starts)} · Institut Curie"), "on_click")
    assert ui.last_visit == ("Calendar", {"view": "day", "day": ui.ctx.display.local(starts).date()})


def test_dates_are_in_the_msls_locale(ui: Session, curie: Curie) -> None:
    view = ui.screen("Brief", hcp_id=curie.hcp.id)
    today = ui.ctx.display.date_text(NOW)
    assert tile(view, f"{today} · in person · draft"), "en_GB reads day month year"
    assert shows(view, f"{ui.ctx.display.date_text(curie.congress.starts_at)} · ESMO 2026 · congress")


def test_each_interaction_opens_itself(ui: Session, curie: Curie) -> None:
    view = ui.screen("Brief", hcp_id=curie.hcp.id)
    first = tile(view, f"{ui.ctx.display.date_text(NOW)} · in person · draft")
    assert isinstance(first.subtitle, ft.Text) and str(first.subtitle.value).startswith("dosing, renal\nVisit 0: discussed")
    fire(first, "on_click")
    assert ui.last_visit == ("Interactions", {"open_id": curie.latest.id})


def test_an_open_inquiry_says_how_long_it_has_waited_and_opens_the_inquiries(ui: Session, curie: Curie) -> None:
    view = ui.screen("Brief", hcp_id=curie.hcp.id)
    inquiry = tile(view, "Is dose adjustment needed in CKD stage 4?")
    assert isinstance(inquiry.subtitle, ft.Text) and "6 days open" in str(inquiry.subtitle.value)
    fire(inquiry, "on_click")
    assert ui.last_visit == ("Inquiries", {})


def test_the_overdue_follow_up_is_marked_in_words_and_red_and_leads_to_its_interaction(ui: Session, curie: Curie) -> None:
    view = ui.screen("Brief", hcp_id=curie.hcp.id)
    late = tile(view, "Send the renal data")
    assert isinstance(late.subtitle, ft.Text) and str(late.subtitle.value).startswith(f"{OVERDUE} · due ")
    assert late.subtitle.color == ft.Colors.ERROR and late.leading is not None
    assert tile(view, "Book the ad board").leading is None
    fire(late, "on_click")
    assert ui.last_visit[0] == "Interactions" and ui.last_visit[1]["open_id"]


def test_log_interaction_opens_the_form_with_this_hcp_and_profile_goes_back(ui: Session, curie: Curie) -> None:
    view = ui.screen("Brief", hcp_id=curie.hcp.id)
    click(view, "Log interaction")
    assert ui.last_visit == ("Log interaction", {"hcp_id": curie.hcp.id})
    click(view, "Profile")
    assert ui.last_visit == ("HCPs", {"hcp_id": curie.hcp.id})


def test_content_trials_and_insights_are_listed(ui: Session, curie: Curie) -> None:
    view = ui.screen("Brief", hcp_id=curie.hcp.id)
    assert shows(view, "Renal dosing booklet · MED-0042 · v3 · last shared ")
    assert shows(view, "ON-001 · ONCO-1 · Institut Curie · feasibility · principal investigator")
    assert shows(view, "Insight 0: wants renal subgroup data") and not shows(view, "Insight 10:")


def test_a_new_hcp_has_every_card_saying_there_is_nothing_yet(ui: Session, store: Store) -> None:
    from liaison.core.records.models import Hcp

    new = store.repository.create(Hcp, {"name": "Dr Ada Lovelace"})
    view = ui.screen("Brief", hcp_id=new.id)
    assert shows(view, "No interactions yet.") and shows(view, "Nothing shared yet.") and shows(view, "No contact consent on file")


def test_an_erased_hcp_is_said_to_be_erased_with_nothing_else(ui: Session, store: Store, curie: Curie) -> None:
    store.repository.erase_hcp(curie.hcp.id, "request by e-mail of 3 March, GDPR art. 17")
    view = ui.screen("Brief", hcp_id=curie.hcp.id)
    lines = texts(view)
    assert lines[0].startswith("Erased HCP ") and "erased on request" in lines[1]
    assert not any("Curie" in line or "renal" in line.lower() for line in lines)
    assert cards(view) == []
    button(view, "Back to HCPs")
