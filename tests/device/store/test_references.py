"""Specs: every reference a kind declares (`liaison.core.records.kinds`) is checked on every local write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from liaison.core.errors import ValidationError
from liaison.core.records.kinds import kind_of
from liaison.core.records.models import Hcp, Insight, Interaction, MedicalEvent, TrialSite
from liaison.device.store.models import AuditEntry, OutboxEntry
from liaison.device.store.repository import BatchValidationError
from liaison.device.store.store import Store

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

INSIGHT = {"text": "Clinicians want real-world data on elderly patients.", "captured_at": NOW}
SITE = {"study": "ONC-301", "protocol": "P-301", "site_name": "Charité Oncology"}
EVENT = {"kind": "advisory_board", "title": "Oncology advisory board", "starts_at": NOW}


def counts(store: Store, *models: type[SQLModel]) -> dict[str, int]:
    with store.repository.session() as session:
        return {str(model.__tablename__): session.exec(select(func.count()).select_from(model)).one() for model in (*models, OutboxEntry, AuditEntry)}


@pytest.fixture
def hcp(store: Store) -> Hcp:
    return store.repository.create(Hcp, {"name": "Dr Marie Curie", "specialty": "Oncology"})


@pytest.mark.parametrize(
    ("model", "values", "field", "message"),
    [
        (Insight, {**INSIGHT, "hcp_id": "no-such-hcp"}, "hcp_id", "no HCP with id no-such-hcp"),
        (Insight, {**INSIGHT, "interaction_id": "no-such-visit"}, "interaction_id", "no interaction with id no-such-visit"),
        (Insight, {**INSIGHT, "medical_event_id": "no-such-event"}, "medical_event_id", "no medical event with id no-such-event"),
        (Insight, {**INSIGHT, "duplicate_of": "no-such-insight"}, "duplicate_of", "no insight with id no-such-insight"),
        (TrialSite, {**SITE, "pi_hcp_id": "no-such-hcp"}, "pi_hcp_id", "no HCP with id no-such-hcp"),
        (MedicalEvent, {**EVENT, "attendee_ids": ["no-such-hcp"]}, "attendee_ids", "no HCP with id no-such-hcp"),
    ],
)
def test_a_record_naming_one_that_is_not_here_is_refused_naming_the_field_and_nothing_is_written(
    store: Store, model: type, values: dict[str, Any], field: str, message: str
) -> None:
    before = counts(store, model)
    with pytest.raises(ValidationError) as caught:
        store.repository.create(model, values)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert str(caught.value) == f"{field}: {message}"
    assert counts(store, model) == before


def test_an_insight_and_a_trial_site_naming_records_that_are_here_are_written(store: Store, hcp: Hcp) -> None:
    visit = store.repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": NOW, "channel": "in_person"})
    first = store.repository.create(Insight, {**INSIGHT, "hcp_id": hcp.id, "interaction_id": visit.id})
    again = store.repository.create(Insight, {**INSIGHT, "hcp_id": hcp.id, "duplicate_of": first.id})
    site = store.repository.create(TrialSite, {**SITE, "pi_hcp_id": hcp.id})
    assert (again.duplicate_of, site.pi_hcp_id) == (first.id, hcp.id)


def test_a_deleted_hcp_can_no_longer_be_named(store: Store, hcp: Hcp) -> None:
    store.repository.delete(Hcp, hcp.id)
    with pytest.raises(ValidationError) as caught:
        store.repository.create(TrialSite, {**SITE, "pi_hcp_id": hcp.id})
    assert caught.value.field == "pi_hcp_id"


def test_an_edit_to_an_unknown_reference_is_refused_and_the_record_stays_as_it_was(store: Store, hcp: Hcp) -> None:
    site = store.repository.create(TrialSite, {**SITE, "pi_hcp_id": hcp.id})
    before = counts(store, TrialSite)
    with pytest.raises(ValidationError) as caught:
        store.repository.update(TrialSite, site.id, {"pi_hcp_id": "no-such-hcp", "site_name": "Renamed"})
    assert caught.value.field == "pi_hcp_id"
    assert counts(store, TrialSite) == before
    kept = store.repository.get(TrialSite, site.id)
    assert (kept.pi_hcp_id, kept.site_name) == (hcp.id, SITE["site_name"])


def test_a_batch_with_a_row_naming_an_unknown_hcp_writes_no_row(store: Store, hcp: Hcp) -> None:
    before = counts(store, TrialSite)
    rows = [{**SITE, "pi_hcp_id": hcp.id}, {**SITE, "pi_hcp_id": "no-such-hcp"}]
    with pytest.raises(BatchValidationError) as caught:
        store.repository.create_many(TrialSite, rows)
    assert [(row, error.field) for row, error in caught.value.errors] == [(2, "pi_hcp_id")]
    assert counts(store, TrialSite) == before


@pytest.mark.parametrize("model", [Insight, TrialSite, MedicalEvent, Interaction])
def test_the_checked_references_are_the_ones_the_registry_declares(store: Store, model: type) -> None:
    """Each declared reference, given an id that is not here, is refused by that field's name."""
    base = {Insight: INSIGHT, TrialSite: SITE, MedicalEvent: EVENT, Interaction: {"occurred_at": NOW, "channel": "phone"}}[model]
    hcp = store.repository.create(Hcp, {"name": "Dr Ada Lovelace"})
    for reference in kind_of(model).references:
        values = {**base, "hcp_id": hcp.id} if model is Interaction and reference.field != "hcp_id" else dict(base)
        values[reference.field] = ["missing-id"] if reference.many else "missing-id"
        with pytest.raises(ValidationError) as caught:
            store.repository.create(model, values)
        assert caught.value.field == reference.field
