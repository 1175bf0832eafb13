"""The compliance review on screen: findings beside the text, a justification to file anyway, blocking findings explained."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from liaison.core.records.models import ComplianceOverride, Hcp, Insight, Interaction, MedicalEvent, MedicalInquiry
from liaison.device.store import queries
from liaison.device.store.store import Store
from liaison.device.ui.components.review import BLOCKED
from tests.device.ui.driver import Session, button, choose, click, error_of, labelled, press_enter, shows, tick, type_in

PROMOTIONAL = "Zentrolimab is the best option for all her patients."
WHY = "HCP's own words at the tumour board, quoted as said."


@pytest.fixture
def ui(territory_store: Store, data_dir: Path) -> Session:
    return Session.over(territory_store, data_dir)


def franklin(store: Store) -> Hcp:
    with store.repository.session() as session:
        [hcp] = queries.search_hcps(session, queries.HcpFilter(search="Rosalind"))
    return hcp


def overrides(store: Store) -> list[ComplianceOverride]:
    with store.repository.session() as session:
        return list(session.exec(select(ComplianceOverride)).all())


def logged(store: Store, hcp: Hcp) -> list[Interaction]:
    with store.repository.session() as session:
        return queries.interactions(session, hcp_id=hcp.id, limit=10)


def log_with(ui: Session, name: str, notes: str):  # type: ignore[no-untyped-def]
    view = ui.screen("Log interaction")
    type_in(view, "HCP", name)
    press_enter(view, "HCP")
    type_in(view, "Notes", notes)
    return view


def test_promotional_notes_show_the_phrase_reason_and_suggestion_and_nothing_is_written(ui: Session, territory_store: Store) -> None:
    view = log_with(ui, "rosal", PROMOTIONAL)
    click(view, "Submit")
    assert logged(territory_store, franklin(territory_store)) == [] and not ui.visits
    assert shows(view, 'Notes: "best"') and shows(view, "superlative claim") and shows(view, "Suggestion: State the data")
    assert shows(view, "Compliance review: 1 finding") and shows(view, "reported to your manager")
    assert labelled(view, "Justification").visible and button(view, "Submit anyway").visible


def test_submit_anyway_works_only_with_a_written_justification_which_is_kept(ui: Session, territory_store: Store) -> None:
    view = log_with(ui, "rosal", PROMOTIONAL)
    click(view, "Submit")
    click(view, "Submit anyway")
    assert "at least 20 characters" in (error_of(view, "Justification") or "")
    type_in(view, "Justification", "because")
    click(view, "Submit anyway")
    assert "at least 20 characters" in (error_of(view, "Justification") or "")
    assert logged(territory_store, franklin(territory_store)) == []
    type_in(view, "Justification", WHY)
    click(view, "Submit anyway")
    [interaction] = logged(territory_store, franklin(territory_store))
    assert interaction.status == "submitted" and ui.notices[-1] == "Interaction submitted; your justification was recorded"
    [override] = overrides(territory_store)
    assert (override.subject_id, override.justification) == (interaction.id, WHY)
    assert labelled(ui.screen("Log interaction"), "Justification").value == "", "the next entry starts clean"


def test_the_consent_finding_names_the_hcp(ui: Session, territory_store: Store) -> None:
    territory_store.repository.create(Hcp, {"name": "Dr Louis Pasteur", "specialty": "Immunology"})
    view = log_with(ui, "pasteur", "Discussed the mechanism of action.")
    click(view, "Submit")
    assert shows(view, "Dr Louis Pasteur has no recorded contact consent")


def test_a_proactive_off_label_discussion_is_explained_and_cannot_be_submitted_anyway(ui: Session, territory_store: Store) -> None:
    view = log_with(ui, "rosal", "Discussed data in adolescents.")
    tick(view, "Off-label use was discussed (only in reply to an attested inquiry)")
    click(view, "Submit")
    assert shows(view, BLOCKED) and shows(view, "never allowed")
    assert not labelled(view, "Justification").visible and not button(view, "Submit anyway").visible
    assert logged(territory_store, franklin(territory_store)) == []


def test_a_reactive_off_label_answer_linked_to_the_hcps_attested_inquiry_is_submitted(ui: Session, territory_store: Store) -> None:
    hcp = franklin(territory_store)
    inquiry = territory_store.repository.create(
        MedicalInquiry,
        {"hcp_id": hcp.id, "received_at": datetime.now(UTC), "question": "Any data in adolescents?", "off_label": True, "unsolicited_attested": True},
    )
    view = log_with(ui, "rosal", "Answered her unsolicited off-label question with the published case series.")
    tick(view, "Unsolicited question from the HCP (reactive)")
    tick(view, "Off-label use was discussed (only in reply to an attested inquiry)")
    choose(view, "Medical inquiry answered", inquiry.id)
    click(view, "Submit")
    [interaction] = logged(territory_store, hcp)
    assert (interaction.status, interaction.off_label, interaction.inquiry_id) == ("submitted", True, inquiry.id)
    assert overrides(territory_store) == []


def test_a_flagged_insight_is_saved_only_with_a_justification(ui: Session, territory_store: Store) -> None:
    before = len(_insights(territory_store))
    view = ui.screen("Insights")
    type_in(view, "Insight", "KOL says it is the gold standard now.")
    click(view, "Save insight")
    assert shows(view, 'Insight: "gold standard"') and len(_insights(territory_store)) == before
    type_in(view, "Justification", "The KOL's own words, recorded as an insight.")
    click(view, "Save anyway")
    assert len(_insights(territory_store)) == before + 1 and ui.notices[-1] == "Insight saved"
    assert [override.subject_table for override in overrides(territory_store)] == ["insight"]


def test_flagged_event_outcomes_are_shown_beside_that_event_and_saved_anyway_with_a_justification(ui: Session, territory_store: Store) -> None:
    event = territory_store.repository.create(MedicalEvent, {"kind": "advisory_board", "title": "Sequencing board", "starts_at": datetime.now(UTC)})
    view = ui.screen("Events")
    type_in(view, "Outcomes of Sequencing board", "Advisors agreed it outperforms docetaxel.")
    click(view, "Save outcomes of Sequencing board")
    assert shows(view, 'Outcomes: "outperforms"') and territory_store.repository.get(MedicalEvent, event.id).outcomes == ""
    type_in(view, "Justification for the outcomes of Sequencing board", "Advisors' opinion, minuted as they said it.")
    click(view, "Save outcomes of Sequencing board anyway")
    assert territory_store.repository.get(MedicalEvent, event.id).outcomes == "Advisors agreed it outperforms docetaxel."


def test_a_flagged_draft_is_submitted_anyway_from_the_interactions_list(ui: Session, territory_store: Store) -> None:
    draft = territory_store.repository.create(
        Interaction, {"hcp_id": franklin(territory_store).id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": PROMOTIONAL}
    )
    view = ui.screen("Interactions", open_id=draft.id)
    click(view, "Submit")
    assert shows(view, 'Notes: "best"') and territory_store.repository.get(Interaction, draft.id).status == "draft"
    type_in(view, "Justification", WHY)
    click(view, "Submit anyway")
    assert territory_store.repository.get(Interaction, draft.id).status == "submitted"


def _insights(store: Store) -> list[Insight]:
    with store.repository.session() as session:
        return queries.insights(session, limit=100_000)
