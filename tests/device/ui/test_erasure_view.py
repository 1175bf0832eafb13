"""Erasing an HCP from their profile: the dialog says what will happen, asks for a reason, and only then erases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from liaison.core.erasure import receipt_id
from liaison.core.records.models import AdverseEvent, Hcp, HcpErasure
from liaison.device.store import queries
from liaison.device.store.store import Store
from tests.device.ui.driver import Session, button, click, error_of, labelled, shows, type_in


@pytest.fixture
def ui(territory_store: Store, data_dir: Path) -> Session:
    return Session.over(territory_store, data_dir)


@pytest.fixture
def franklin(territory_store: Store) -> Hcp:
    with territory_store.repository.session() as session:
        [hcp] = queries.search_hcps(session, queries.HcpFilter(search="Rosalind"))
    territory_store.repository.create(
        AdverseEvent,
        {"reporter": "Dr Rosalind Franklin", "reporter_hcp_id": hcp.id, "aware_at": datetime.now(UTC), "product": "x", "description": "rash"},
    )
    return hcp


def test_the_profile_offers_erasure_and_the_dialog_says_what_will_happen(ui: Session, territory_store: Store, franklin: Hcp) -> None:
    territory_store.repository.submit(AdverseEvent, _draft_event(territory_store, franklin))
    click(ui.screen("HCPs", hcp_id=franklin.id), "Erase personal data")
    [dialog] = ui.dialogs
    assert dialog.modal and shows(dialog, "Erase the personal data of Dr Rosalind Franklin?")
    assert shows(dialog, "1 adverse event kept for pharmacovigilance, with the reporter pseudonymized.")
    assert shows(dialog, "This cannot be undone.")
    assert labelled(dialog, "Reason for erasure") is not None and button(dialog, "Cancel") is not None

    click(dialog, "Erase")
    assert "must say why" in (error_of(dialog, "Reason for erasure") or "") and not ui.visits
    type_in(dialog, "Reason for erasure", "Dr Rosalind Franklin asked by e-mail")
    click(dialog, "Erase")
    assert "must not contain the HCP's name" in (error_of(dialog, "Reason for erasure") or "")

    type_in(dialog, "Reason for erasure", "Request by e-mail of 20 Nov, GDPR art. 17")
    click(dialog, "Erase")
    assert ui.dialogs == [] and ui.last_visit == ("HCPs", {})
    assert ui.notices[-1].startswith("Personal data erased; the HCP's records now say Erased HCP ")
    assert territory_store.repository.get(HcpErasure, receipt_id(franklin.id)).reason == "Request by e-mail of 20 Nov, GDPR art. 17"
    type_in(ui.screen("HCPs"), "Search HCPs", "rosal")
    assert shows(ui.screen("HCPs"), "No HCP matches.")


def test_cancel_closes_the_dialog_and_erases_nothing(ui: Session, territory_store: Store, franklin: Hcp) -> None:
    territory_store.repository.submit(AdverseEvent, _draft_event(territory_store, franklin))
    click(ui.screen("HCPs", hcp_id=franklin.id), "Erase personal data")
    type_in(ui.dialogs[-1], "Reason for erasure", "changed my mind")
    click(ui.dialogs[-1], "Cancel")
    assert ui.dialogs == [] and territory_store.repository.get(Hcp, franklin.id).name == "Dr Rosalind Franklin"


def test_an_unfiled_adverse_event_blocks_erasure_and_the_dialog_says_why(ui: Session, franklin: Hcp) -> None:
    click(ui.screen("HCPs", hcp_id=franklin.id), "Erase personal data")
    [dialog] = ui.dialogs
    assert shows(dialog, "is still a draft: submit it to pharmacovigilance first")
    assert button(dialog, "Erase").disabled


def _draft_event(store: Store, hcp: Hcp) -> str:
    with store.repository.session() as session:
        [event] = [item for item in queries.adverse_events(session) if item.reporter_hcp_id == hcp.id and item.status == "draft"]
    return event.id
