"""The Trials screen warns when a site enrols past its target, and closes and reopens the issues of its log."""

from __future__ import annotations

from pathlib import Path

import flet as ft
import pytest

from liaison.core.records.models import TrialSite
from liaison.device.store.store import Store
from tests.device.ui.driver import Session, button, click, error_of, shows, type_in, walk


@pytest.fixture
def ui(territory_store: Store, data_dir: Path) -> Session:
    return Session.over(territory_store, data_dir)


@pytest.fixture
def site(territory_store: Store) -> TrialSite:
    return territory_store.repository.create(
        TrialSite,
        {
            "study": "ZEN-302",
            "protocol": "ZEN-302",
            "site_name": "Hôpital Necker",
            "enrolment_target": 10,
            "enrolment_actual": 4,
            "issues": [{"text": "Courier missed the cold chain", "opened": "2026-10-01", "closed": None}],
        },
    )


def only(view: ft.Control, site: TrialSite) -> ft.Card:
    """The card of this site (the demo territory has others)."""
    cards = [card for card in walk(view) if isinstance(card, ft.Card) and shows(card, f"{site.protocol} · {site.site_name}")]
    assert len(cards) == 1
    return cards[0]


def test_enrolling_past_the_target_is_saved_and_warned_about_on_the_card(ui: Session, territory_store: Store, site: TrialSite) -> None:
    card = only(ui.screen("Trials"), site)
    assert not shows(card, "above the target")
    type_in(card, "Enrolled", "500")
    click(card, "Update site")
    assert territory_store.repository.get(TrialSite, site.id).enrolment_actual == 500, "warned, not refused"
    assert "Enrolled 500 is above the target of 10 (490 over)" in ui.notices[-1]
    assert shows(only(ui.follow(), site), "Enrolled 500 is above the target of 10 (490 over)")


def test_a_figure_that_is_no_number_is_refused_beside_the_field(ui: Session, site: TrialSite) -> None:
    card = only(ui.screen("Trials"), site)
    type_in(card, "Enrolled", "many")
    click(card, "Update site")
    assert error_of(card, "Enrolled") == "use a whole number of patients, like 12"


def test_an_issue_closes_and_reopens_saying_who_and_when(ui: Session, territory_store: Store, site: TrialSite) -> None:
    card = only(ui.screen("Trials"), site)
    button(card, f"Close issue 1 of {site.site_name}").on_click(None)
    assert ui.notices[-1] == "Issue 1 closed"
    [issue] = territory_store.repository.get(TrialSite, site.id).issues
    assert issue["closed_by"] == territory_store.user and issue["closed_at"]
    card = only(ui.follow(), site)
    assert shows(card, f"closed by {territory_store.user} on ")

    button(card, f"Reopen issue 1 of {site.site_name}").on_click(None)
    [issue] = territory_store.repository.get(TrialSite, site.id).issues
    assert issue["closed"] is None and issue["reopened_by"] == territory_store.user
    assert shows(only(ui.follow(), site), f"reopened by {territory_store.user} on ")
