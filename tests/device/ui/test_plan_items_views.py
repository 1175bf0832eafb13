"""The "Medical plan" choice on the log-interaction and insight forms, without a browser: the current plan's items
for the form's therapeutic area, ticked into the record, and a superseded code kept as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liaison.core.records.models import Hcp, Insight, Interaction, MedicalPlanVersion
from liaison.core.rules.medical_plan import EXAMPLE_FILE
from liaison.device.store import queries
from liaison.device.store.store import Store
from liaison.device.ui.components.plan_items import LABEL
from tests.device.ui.driver import Session, click, labelled, press_enter, shows, texts, tick, type_in

ZENTROLIMAB = "SI-ONC-1 · Establish zentrolimab in 2L NSCLC after chemo-immunotherapy"
SEQUENCING = "LP-ONC-1 · Sequencing after an immunotherapy"
CARDIOSTATIN = "SI-CM-1 · Long-term safety confidence for cardiostatin"


@pytest.fixture
def ui(store: Store, data_dir: Path) -> Session:
    return Session.over(store, data_dir)


@pytest.fixture
def plan(store: Store) -> str:
    """The example plan, as a sync from the server would have stored it, and an oncologist; returns the HCP's id."""
    document = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
    store.repository.create(MedicalPlanVersion, {"version": document["version"], "document": document})
    return store.repository.create(Hcp, {"name": "Dr Rosalind Franklin", "therapeutic_areas": ["Oncology"], "contact_consent": True}).id


def offered(view: object) -> list[str]:
    """The plan items a form shows, as their checkboxes' words."""
    return [line for line in texts(view) if line.startswith(("SI-", "LP-", "KSS-"))]


def test_the_interaction_form_offers_the_plans_items_for_the_hcps_area_and_files_the_ticked_ones(ui: Session, store: Store, plan: str) -> None:
    view = ui.screen("Log interaction")
    assert shows(view, f"{LABEL}: Medical plan 2027 (example), version 1")
    assert CARDIOSTATIN in offered(view), "before an area is set, every item is offered"
    type_in(view, "HCP", "rosal")
    press_enter(view, "HCP")
    assert labelled(view, "Therapeutic area").value == "Oncology"
    assert offered(view) == [ZENTROLIMAB, "SI-ONC-2 · Raise biomarker testing before first-line therapy", SEQUENCING,
                             "LP-ONC-2 · Managing immune-related adverse events", "KSS-ONC-1 · ZEN-301 overall survival"]  # fmt: skip
    tick(view, ZENTROLIMAB)
    tick(view, SEQUENCING)
    type_in(view, "Notes", "Walked through the ZEN-301 results")
    type_in(view, "Insight (optional)", "Oncologists ask what to give after an immunotherapy stops working")
    click(view, "Submit")

    with store.repository.session() as session:
        [logged] = queries.interactions(session, hcp_id=plan, limit=5)
        [insight] = queries.insights_for(session, plan)
    assert logged.plan_items == ["SI-ONC-1", "LP-ONC-1"] and insight.plan_items == ["SI-ONC-1", "LP-ONC-1"]
    assert shows(ui.screen("Interactions", open_id=logged.id), f"Medical plan: {ZENTROLIMAB}; {SEQUENCING}")
    older = store.repository.create(Interaction, {"hcp_id": plan, "occurred_at": logged.occurred_at, "channel": "phone", "plan_items": ["SI-OLD-9"]})
    assert shows(ui.screen("Interactions", open_id=older.id), "Medical plan: SI-OLD-9"), "a code the plan no longer holds reads as itself"


def test_changing_the_area_changes_the_offer_and_a_ticked_item_of_another_area_stays_ticked(ui: Session, plan: str) -> None:
    view = ui.screen("Log interaction")
    type_in(view, "Therapeutic area", "Oncology")
    tick(view, ZENTROLIMAB)
    type_in(view, "Therapeutic area", "Cardiometabolic")
    assert CARDIOSTATIN in offered(view) and SEQUENCING not in offered(view)
    assert labelled(view, ZENTROLIMAB).value is True, "kept, though another area's"
    type_in(view, "Therapeutic area", "Cardio")  # half a word matches no area: everything is offered, nothing vanishes
    assert SEQUENCING in offered(view) and CARDIOSTATIN in offered(view)


def test_the_insight_form_offers_the_items_keeps_a_superseded_code_and_saves_both(ui: Session, store: Store, plan: str) -> None:
    ui.ctx.draft("insight")["plan_items"] = ["SI-OLD-9"]
    view = ui.screen("Insights")
    assert labelled(view, "SI-OLD-9 (not in the current plan)").value is True
    type_in(view, "Therapeutic area", "Oncology")
    assert SEQUENCING in offered(view) and CARDIOSTATIN not in offered(view)
    tick(view, SEQUENCING)
    type_in(view, "Insight", "Teams hesitate to rechallenge after an immune-related adverse event.")
    click(view, "Save insight")
    with store.repository.session() as session:
        [saved] = queries.insights(session, limit=5)
    assert saved.plan_items == ["SI-OLD-9", "LP-ONC-1"]
    assert shows(ui.follow(), "plan: SI-OLD-9, LP-ONC-1")


def test_without_a_published_plan_the_forms_offer_no_plan_items(ui: Session) -> None:
    assert not shows(ui.screen("Log interaction"), LABEL) and not shows(ui.screen("Insights"), LABEL)
    assert Insight.model_fields["plan_items"].default_factory is not None
