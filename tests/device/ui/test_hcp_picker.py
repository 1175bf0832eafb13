"""Enter picks an HCP only beyond doubt: two of the same first name are shown, told apart, and chosen by the MSL."""

from __future__ import annotations

from pathlib import Path

import flet as ft
import pytest

from liaison.core.records.models import Hcp, MedicalEvent, MedicalInquiry
from liaison.device.store import queries
from liaison.device.store.store import Store
from liaison.device.ui.components.hcp_picker import HINT, the_one
from tests.device.ui.driver import Session, click, fire, labelled, press_enter, shows, texts, tick, tile, type_in


@pytest.fixture
def ui(territory_store: Store, data_dir: Path) -> Session:
    return Session.over(territory_store, data_dir)


@pytest.fixture
def marias(territory_store: Store) -> tuple[Hcp, Hcp]:
    """Two HCPs whose first name and title are the same, at different hospitals."""
    create = territory_store.repository.create
    return (
        create(Hcp, {"name": "Dr Maria Zabaleta", "specialty": "Oncology", "institution": "Hospital Clínic", "city": "Barcelona"}),
        create(Hcp, {"name": "Dr Maria Zabalza", "specialty": "Haematology", "institution": "St James's Hospital", "city": "Dublin"}),
    )


def prompts(view: ft.Control) -> list[str]:
    return [line for line in texts(view) if "match" in line and "“" in line]


def test_enter_with_two_matches_picks_neither_and_shows_what_tells_them_apart(ui: Session, marias: tuple[Hcp, Hcp]) -> None:
    view = ui.screen("Log interaction")
    type_in(view, "HCP", "maria zabal")
    press_enter(view, "HCP")
    assert shows(view, "No HCP chosen yet"), "Enter did not guess"
    assert prompts(view) == ["2 HCPs match “maria zabal”: choose one"]
    assert shows(view, "Oncology · Hospital Clínic · Barcelona") and shows(view, "Haematology · St James's Hospital · Dublin")

    fire(tile(view, "Dr Maria Zabalza"), "on_click")
    assert shows(view, "With Dr Maria Zabalza, St James's Hospital") and not prompts(view)
    type_in(view, "Notes", "Discussed dosing")
    click(view, "Save draft")
    [draft] = [item for item in _interactions(ui) if item.notes == "Discussed dosing"]
    assert draft.hcp_id == marias[1].id


def test_enter_picks_the_only_match_or_the_one_whose_full_name_was_typed(ui: Session, marias: tuple[Hcp, Hcp]) -> None:
    view = ui.screen("Log interaction")
    type_in(view, "HCP", "zabaleta")
    press_enter(view, "HCP")
    assert shows(view, "With Dr Maria Zabaleta, Hospital Clínic")

    type_in(view, "HCP", "  dr maria ZABALZA ")
    assert shows(view, "No HCP chosen yet"), "typing again drops the choice until one is made"
    press_enter(view, "HCP")
    assert shows(view, "With Dr Maria Zabalza, St James's Hospital")


def test_enter_with_no_match_says_so(ui: Session, marias: tuple[Hcp, Hcp]) -> None:
    view = ui.screen("Log interaction")
    type_in(view, "HCP", "zzyzx")
    press_enter(view, "HCP")
    assert prompts(view) == ["No HCP matches “zzyzx”"] and shows(view, "No HCP chosen yet")


def test_the_hint_no_longer_promises_the_first_match(ui: Session) -> None:
    assert labelled(ui.screen("Log interaction"), "HCP").hint_text == labelled(ui.screen("Inquiries"), "HCP").hint_text == HINT
    assert "only one" in HINT and "first" not in HINT
    assert "first" not in (labelled(ui.screen("Events"), "Add attendee").hint_text or "")


def test_the_chosen_hcp_is_shown_again_when_the_form_is_reopened(ui: Session, marias: tuple[Hcp, Hcp]) -> None:
    view = ui.screen("Log interaction")
    type_in(view, "HCP", "zabaleta")
    press_enter(view, "HCP")
    assert shows(ui.screen("Log interaction"), "With Dr Maria Zabaleta, Hospital Clínic")


def test_an_inquiry_asks_which_maria_and_files_under_the_one_chosen(ui: Session, territory_store: Store, marias: tuple[Hcp, Hcp]) -> None:
    view = ui.screen("Inquiries")
    type_in(view, "HCP", "maria zabal")
    press_enter(view, "HCP")
    assert prompts(view) == ["2 HCPs match “maria zabal”: choose one"] and shows(view, "No HCP chosen yet")
    fire(tile(view, "Dr Maria Zabaleta"), "on_click")
    assert shows(view, "Asked by Dr Maria Zabaleta, Hospital Clínic")
    type_in(view, "Question (verbatim)", "What is the dose in renal impairment?")
    tick(view, "The HCP attests this request is unsolicited")
    click(view, "Save inquiry")
    with territory_store.repository.session() as session:
        [inquiry] = [item for item in queries.inquiries(session, limit=50) if item.question.startswith("What is the dose in renal")]
    assert isinstance(inquiry, MedicalInquiry) and inquiry.hcp_id == marias[0].id


def test_an_event_adds_only_the_attendee_chosen_and_shows_their_institution(ui: Session, territory_store: Store, marias: tuple[Hcp, Hcp]) -> None:
    view = ui.screen("Events")
    type_in(view, "Add attendee", "maria zabal")
    press_enter(view, "Add attendee")
    assert prompts(view) == ["2 HCPs match “maria zabal”: choose whom to add"] and shows(view, "No attendees yet.")
    fire(tile(view, "Dr Maria Zabalza"), "on_click")
    assert shows(view, "Dr Maria Zabalza, St James's Hospital")
    type_in(view, "Title", "Haematology advisory board")
    type_in(view, "Starts at", "2026-12-10 09:00")
    click(view, "Save event")
    with territory_store.repository.session() as session:
        [event] = [item for item in queries.medical_events(session) if item.title == "Haematology advisory board"]
    assert isinstance(event, MedicalEvent) and event.attendee_ids == [marias[1].id]


def test_two_hcps_of_the_very_same_name_are_never_settled_by_enter() -> None:
    twins = [Hcp(name="Dr Maria Lopez", institution="A"), Hcp(name="Dr Maria Lopez", institution="B")]
    assert the_one("Dr Maria Lopez", twins) is None
    assert the_one("dr maria lopez", [twins[0], Hcp(name="Dr Maria Lopez Garcia")]) is twins[0]


def _interactions(ui: Session) -> list:  # type: ignore[type-arg]
    with ui.ctx.unlocked.repository.session() as session:
        return queries.interactions(session, limit=500)


def test_an_adverse_event_reporter_is_linked_only_to_the_hcp_chosen(ui: Session, territory_store: Store, marias: tuple[Hcp, Hcp]) -> None:
    view = ui.screen("Safety")
    type_in(view, "Reported by an HCP (optional)", "maria zabal")
    press_enter(view, "Reported by an HCP (optional)")
    assert prompts(view) == ["2 HCPs match “maria zabal”: choose one"] and shows(view, "Reporter not linked to an HCP")
    fire(tile(view, "Dr Maria Zabaleta"), "on_click")
    assert shows(view, "Reported by Dr Maria Zabaleta, Hospital Clínic")
    assert labelled(view, "Reporter").value == "Dr Maria Zabaleta", "an empty reporter is filled in with the HCP's name"
    type_in(view, "Product", "zentrolimab")
    type_in(view, "Event description", "Rash after the second dose")
    click(view, "Save draft")
    with territory_store.repository.session() as session:
        [event] = [item for item in queries.adverse_events(session, limit=50) if item.description == "Rash after the second dose"]
    assert event.reporter_hcp_id == marias[0].id
    reopened = ui.screen("Safety", ae_id=event.id)
    assert shows(reopened, "Reported by Dr Maria Zabaleta, Hospital Clínic")
