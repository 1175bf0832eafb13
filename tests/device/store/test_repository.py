"""The one way in: every write validates, stamps, outboxes and audits in one transaction, or does nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from liaison.core.clock import ALL_FIELDS, Stamp
from liaison.core.errors import ImmutableRecord, NotFound, ValidationError
from liaison.core.records.models import AdverseEvent, Amendment, Hcp, Interaction, MedicalInquiry, TrialSite
from liaison.device.store.models import AuditEntry, OutboxEntry
from liaison.device.store.repository import BatchValidationError
from liaison.device.store.store import Store

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def counts(store: Store) -> dict[str, int]:
    with store.repository.session() as session:
        return {
            model.__tablename__: session.exec(select(func.count()).select_from(model)).one() for model in (Hcp, Interaction, OutboxEntry, AuditEntry)
        }


def outbox(store: Store) -> list[OutboxEntry]:
    with store.repository.session() as session:
        return list(session.exec(select(OutboxEntry).order_by(OutboxEntry.seq)).all())


@pytest.fixture
def hcp(store: Store) -> Hcp:
    return store.repository.create(Hcp, {"name": "Dr Marie Curie", "specialty": "Oncology", "contact_consent": True})


def log(store: Store, hcp: Hcp, **values: object) -> Interaction:
    return store.repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": NOW, "channel": "in_person", "notes": "MoA", **values})


def test_create_fills_the_bookkeeping_and_queues_the_record_for_sync(store: Store, hcp: Hcp) -> None:
    assert len(hcp.id) == 36 and hcp.id[14] == "7", "ids are UUIDv7"
    assert hcp.created_by == "msl@example.org" and hcp.device_id == store.device_id
    assert Stamp.decode(hcp.clocks[ALL_FIELDS]).device == store.device_id
    [entry] = outbox(store)
    assert (entry.table_name, entry.record_id, entry.priority) == ("hcp", hcp.id, 1)
    assert entry.fields["name"] == "Dr Marie Curie"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"occurred_at": NOW, "channel": "in_person"}, "hcp_id"),
        ({"hcp_id": "missing", "occurred_at": NOW, "channel": "in_person"}, "hcp_id"),
        ({"occurred_at": "yesterday-ish", "channel": "in_person"}, "occurred_at"),
        ({"occurred_at": NOW.replace(tzinfo=None), "channel": "in_person"}, "occurred_at"),
        ({"occurred_at": NOW, "channel": "carrier pigeon"}, "channel"),
        ({"occurred_at": NOW, "channel": "phone", "mood": "good"}, "mood"),
        ({"occurred_at": NOW, "channel": "phone", "materials": ["no-such-content"]}, "materials"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(store: Store, hcp: Hcp, values: dict, field: str) -> None:
    before = counts(store)
    with pytest.raises(ValidationError) as caught:
        store.repository.create(Interaction, values if field == "hcp_id" else {"hcp_id": hcp.id, **values})
    assert caught.value.field == field
    assert counts(store) == before


def test_update_stamps_only_the_changed_fields_and_remembers_what_they_replaced(store: Store, hcp: Hcp) -> None:
    created_stamp = hcp.clocks[ALL_FIELDS]
    updated = store.repository.update(Hcp, hcp.id, {"specialty": "Haematology", "name": "Dr Marie Curie"})
    assert "specialty" in updated.clocks and "name" not in updated.clocks
    assert Stamp.decode(updated.clocks["specialty"]) > Stamp.decode(created_stamp)
    last = outbox(store)[-1]
    assert set(last.fields) >= {"specialty"} and "name" not in last.fields
    assert last.base_clocks["specialty"] == created_stamp


def test_an_update_that_changes_nothing_writes_nothing(store: Store, hcp: Hcp) -> None:
    before = counts(store)
    store.repository.update(Hcp, hcp.id, {"specialty": "Oncology"})
    assert counts(store) == before


def test_delete_leaves_a_tombstone_that_travels(store: Store, hcp: Hcp) -> None:
    store.repository.delete(Hcp, hcp.id)
    with pytest.raises(NotFound):
        store.repository.get(Hcp, hcp.id)
    assert store.repository.get(Hcp, hcp.id, include_deleted=True).deleted
    assert outbox(store)[-1].fields["deleted"] is True


def test_adverse_events_are_never_deleted_and_sync_first_with_a_deadline(store: Store) -> None:
    event = store.repository.create(AdverseEvent, {"reporter": "Dr Curie", "aware_at": NOW, "product": "zentrolimab", "description": "rash"})
    assert event.deadline_at == NOW + timedelta(hours=24)
    assert outbox(store)[-1].priority == 0
    with pytest.raises(ImmutableRecord, match="never deleted"):
        store.repository.delete(AdverseEvent, event.id)


def test_inquiries_sync_first(store: Store, hcp: Hcp) -> None:
    store.repository.create(MedicalInquiry, {"hcp_id": hcp.id, "received_at": NOW, "question": "Renal dosing?"})
    assert outbox(store)[-1].priority == 0


def test_a_submitted_interaction_is_immutable_and_amendments_keep_the_original(store: Store, hcp: Hcp) -> None:
    interaction = log(store, hcp)
    store.repository.submit(Interaction, interaction.id)
    with pytest.raises(ImmutableRecord, match="amend"):
        store.repository.update(Interaction, interaction.id, {"notes": "changed my mind"})
    with pytest.raises(ImmutableRecord):
        store.repository.delete(Interaction, interaction.id)
    amendment = store.repository.amend(Interaction, interaction.id, {"notes": "MoA and dosing"}, "forgot dosing")
    assert store.repository.get(Interaction, interaction.id).notes == "MoA"
    stored = store.repository.get(Amendment, amendment.id)
    assert (stored.subject_id, stored.changes, stored.reason) == (interaction.id, {"notes": "MoA and dosing"}, "forgot dosing")


def test_submitting_twice_is_refused(store: Store, hcp: Hcp) -> None:
    interaction = log(store, hcp)
    store.repository.submit(Interaction, interaction.id)
    with pytest.raises(ImmutableRecord, match="already submitted"):
        store.repository.submit(Interaction, interaction.id)


def test_an_adverse_event_can_be_created_and_filed_in_one_transaction(store: Store) -> None:
    values = {"reporter": "Dr Curie", "aware_at": NOW, "product": "zentrolimab", "description": "rash"}
    filed = store.repository.create_submitted(AdverseEvent, values)
    assert filed.status == "submitted" and filed.submitted_at is not None and filed.deadline_at is not None
    with store.repository.session() as session:
        actions = [entry.action for entry in session.exec(select(AuditEntry).where(AuditEntry.record_id == filed.id)).all()]
    assert actions == ["create", "submit"]
    before = counts(store)
    with pytest.raises(ValidationError, match="^Product: please write something$"):
        store.repository.create_submitted(AdverseEvent, {**values, "product": ""})
    assert counts(store) == before, "nothing of a refused filing is written"


def test_a_draft_is_edited_directly_not_amended(store: Store, hcp: Hcp) -> None:
    interaction = log(store, hcp)
    with pytest.raises(ValidationError, match="still a draft"):
        store.repository.amend(Interaction, interaction.id, {"notes": "x"}, "why")


def test_bookkeeping_cannot_be_edited(store: Store, hcp: Hcp) -> None:
    with pytest.raises(ValidationError) as caught:
        store.repository.update(Hcp, hcp.id, {"created_by": "someone else"})
    assert caught.value.field == "created_by"


def test_create_many_is_all_or_nothing_and_lists_every_bad_row(store: Store) -> None:
    before = counts(store)
    rows = [{"name": "Dr Good"}, {"name": ""}, {"name": "Dr Good Too"}, {"name": "Dr Tier", "kol_tier": 7}]
    with pytest.raises(BatchValidationError) as caught:
        store.repository.create_many(Hcp, rows)
    assert [(row, error.field) for row, error in caught.value.errors] == [(2, "name"), (4, "kol_tier")]
    assert counts(store) == before


def test_the_clock_survives_reopening(store: Store, hcp: Hcp, data_dir) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import PASSPHRASE

    last = Stamp.decode(hcp.clocks[ALL_FIELDS])
    store.close()
    with Store.open(data_dir, PASSPHRASE) as reopened:
        later = reopened.repository.create(Hcp, {"name": "Dr Later"})
    assert Stamp.decode(later.clocks[ALL_FIELDS]) > last


@pytest.mark.parametrize(
    ("model", "values", "field"),
    [
        (Hcp, {"name": "Dr A", "kol_tier": 2**63}, "kol_tier"),
        (Hcp, {"name": "x" * 201}, "name"),
        (Hcp, {"name": "Dr\x00A"}, "name"),
        (Hcp, {"name": "Dr A", "identifiers": {"rpps\x00": "1"}}, "identifiers"),
        (TrialSite, {"study": "Zen", "protocol": "Z-1", "site_name": "Lyon", "enrolment_target": 2**63}, "enrolment_target"),
        (TrialSite, {"study": "Zen", "protocol": "Z-1", "site_name": "Lyon", "enrolment_target": -1}, "enrolment_target"),
        (TrialSite, {"study": "Zen", "protocol": "Z-1", "site_name": "Lyon", "issues": [{"n": [float("nan")]}]}, "issues"),
    ],
)
def test_the_write_path_refuses_what_no_other_device_could_store(store: Store, model: type, values: dict, field: str) -> None:
    before = counts(store)
    with pytest.raises(ValidationError) as caught:
        store.repository.create(model, values)
    assert caught.value.field == field
    assert counts(store) == before


def test_the_write_path_refuses_a_signature_with_a_point_that_is_not_a_number(store: Store, hcp: Hcp) -> None:
    with pytest.raises(ValidationError) as caught:
        store.repository.create(
            MedicalInquiry, {"hcp_id": hcp.id, "received_at": NOW, "question": "Renal dosing?", "signature": [[[0.1, float("nan")]]]}
        )
    assert caught.value.field == "signature" and "finite" in caught.value.message
