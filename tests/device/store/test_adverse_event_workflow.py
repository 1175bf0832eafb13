"""An adverse event from draft to follow-up: completed while a draft, filed once, then changed only by amendment,
except for the case reference pharmacovigilance sends back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from liaison.core.clock import ALL_FIELDS, Stamp
from liaison.core.enums import Seriousness, SeriousnessCriterion
from liaison.core.errors import ImmutableRecord, ValidationError
from liaison.core.merge import FILED_TABLES, RecordState, merge
from liaison.core.records.models import AdverseEvent, AdverseEventCreate, Amendment
from liaison.device.store.filing import FILED_KINDS
from liaison.device.store.models import OutboxEntry
from liaison.device.store.store import Store

AWARE = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
MINIMUM = {"reporter": "Dr Curie", "aware_at": AWARE, "product": "zentrolimab", "description": "rash"}


def draft(store: Store, **values: object) -> AdverseEvent:
    return store.repository.create(AdverseEvent, {**MINIMUM, **values})


def filed(store: Store, **values: object) -> AdverseEvent:
    return store.repository.create_submitted(AdverseEvent, {**MINIMUM, **values})


def outbox_of(store: Store, record_id: str) -> list[OutboxEntry]:
    with store.repository.session() as session:
        return list(session.exec(select(OutboxEntry).where(OutboxEntry.record_id == record_id)).all())


@given(st.sampled_from(list(Seriousness)), st.lists(st.sampled_from(list(SeriousnessCriterion)), max_size=6))
def test_naming_a_criterion_means_serious_and_serious_names_one_for_every_combination(
    seriousness: Seriousness, criteria: list[SeriousnessCriterion]
) -> None:
    values = {**MINIMUM, "seriousness": seriousness, "seriousness_criteria": criteria}
    contradicts = (seriousness is Seriousness.SERIOUS and not criteria) or (seriousness is Seriousness.NON_SERIOUS and bool(criteria))
    if contradicts:
        with pytest.raises(Exception) as caught:
            AdverseEventCreate.model_validate(values)
        assert [error["loc"] for error in caught.value.errors()] == [("seriousness_criteria",)]  # type: ignore[attr-defined]
        return
    event = AdverseEventCreate.model_validate(values)
    assert event.seriousness is (Seriousness.SERIOUS if criteria else seriousness)
    assert event.seriousness_criteria == list(dict.fromkeys(criteria)), "each criterion once, in the order named"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"seriousness": "serious"}, "seriousness_criteria", "a serious event names at least one seriousness criterion (e.g. hospitalisation)"),
        (
            {"seriousness": "non_serious", "seriousness_criteria": ["death"]},
            "seriousness_criteria",
            "a non-serious event meets no seriousness criterion: mark it serious or remove the criteria",
        ),
        (
            {"seriousness_criteria": ["fainting"]},
            "seriousness_criteria.0",
            "choose one of death, life_threatening, hospitalisation, disability, congenital_anomaly or medically_important",
        ),
        ({"onset_date": date(2026, 11, 26)}, "onset_date", "is after the moment you became aware; the event began before you heard of it"),
        (
            {"outcome": "better"},
            "outcome",
            "choose one of recovered, recovering, not_recovered, recovered_with_sequelae, fatal or unknown",
        ),
        ({"case_reference": "x" * 65}, "case_reference", "keep it to 64 characters or fewer (this has 65)"),
    ],
)
def test_a_broken_rule_is_refused_in_one_line_naming_the_field_and_nothing_is_written(store: Store, values: dict, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        draft(store, **values)
    assert (caught.value.field, caught.value.message) == (field, message)
    with store.repository.session() as session:
        assert session.exec(select(AdverseEvent)).all() == []


def test_an_onset_on_the_day_of_awareness_anywhere_is_accepted() -> None:
    late_evening_in_kiribati = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # already 25 Nov at UTC+14
    assert AdverseEventCreate.model_validate({**MINIMUM, "aware_at": late_evening_in_kiribati, "onset_date": date(2026, 11, 25)}).onset_date == date(
        2026, 11, 25
    )


def test_a_draft_is_completed_then_filed_with_everything_it_was_given(store: Store) -> None:
    event = draft(store)
    store.repository.update(
        AdverseEvent,
        event.id,
        {
            "onset_date": date(2026, 11, 20),
            "outcome": "recovering",
            "seriousness_criteria": ["hospitalisation"],
            "concomitant_medication": "metformin",
            "reporter_contact": "ward 4, ext 2231",
        },
    )
    submitted = store.repository.submit(AdverseEvent, event.id)
    assert (submitted.status, submitted.seriousness, submitted.outcome, submitted.onset_date) == (
        "submitted",
        "serious",
        "recovering",
        date(2026, 11, 20),
    )
    snapshot = outbox_of(store, event.id)[-1].fields
    assert snapshot["reporter_contact"] == "ward 4, ext 2231" and snapshot["seriousness_criteria"] == ["hospitalisation"], (
        "the filing carries the whole record"
    )


def test_a_filed_event_refuses_edits_but_takes_its_case_reference_without_an_amendment(store: Store) -> None:
    event = filed(store)
    with pytest.raises(ImmutableRecord, match="amend it to change outcome"):
        store.repository.update(AdverseEvent, event.id, {"outcome": "fatal"})
    store.repository.update(AdverseEvent, event.id, {"case_reference": "PV-2026-000042"})
    assert store.repository.get(AdverseEvent, event.id).case_reference == "PV-2026-000042"
    with store.repository.session() as session:
        assert session.exec(select(Amendment)).all() == []
    assert outbox_of(store, event.id)[-1].priority == 0


def test_the_store_and_the_merge_agree_on_what_moves_after_filing() -> None:
    assert FILED_KINDS[AdverseEvent] <= FILED_TABLES["adverse_event"]
    assert "case_reference" in FILED_TABLES["adverse_event"]


def test_a_case_reference_from_another_node_reaches_a_filed_event_and_other_fields_become_amendments() -> None:
    current = RecordState({"status": "submitted", "outcome": "recovering", "case_reference": None}, {ALL_FIELDS: Stamp(1, 0, "a").encode()})
    later = {ALL_FIELDS: Stamp(2, 0, "b").encode()}
    result = merge("adverse_event", current, {"case_reference": "PV-1", "outcome": "fatal"}, later)
    assert result.state.fields["case_reference"] == "PV-1"
    assert result.state.fields["outcome"] == "recovering" and result.amendments == {"outcome": "fatal"}


def test_follow_up_information_is_an_amendment_that_leaves_the_filing_as_it_was_and_syncs_first(store: Store) -> None:
    event = filed(store, outcome="not_recovered")
    amendment = store.repository.amend(AdverseEvent, event.id, {"outcome": "recovered", "description": "rash"}, "  nurse called back  ")
    assert store.repository.get(AdverseEvent, event.id).outcome == "not_recovered"
    kept = store.repository.get(Amendment, amendment.id)
    assert (kept.subject_table, kept.subject_id, kept.reason) == ("adverse_event", event.id, "nurse called back")
    assert kept.changes == {"outcome": "recovered"}, "a value given as it already was is not a change"
    assert [entry.priority for entry in outbox_of(store, amendment.id)] == [0]


def test_a_follow_up_that_changes_nothing_or_breaks_a_rule_writes_nothing(store: Store) -> None:
    event = filed(store, outcome="recovering")
    with pytest.raises(ValidationError) as caught:
        store.repository.amend(AdverseEvent, event.id, {"outcome": "recovering"}, "nurse")
    assert caught.value.field == "changes"
    with pytest.raises(ValidationError) as caught:
        store.repository.amend(AdverseEvent, event.id, {"seriousness": "serious"}, "nurse")
    assert caught.value.field == "seriousness_criteria"
    with pytest.raises(ValidationError) as caught:
        store.repository.amend(AdverseEvent, event.id, {"outcome": "fatal"}, "   ")
    assert caught.value.field == "reason"
    with store.repository.session() as session:
        assert session.exec(select(Amendment)).all() == []


def test_amendments_of_other_kinds_keep_their_ordinary_place_in_the_queue(store: Store) -> None:
    from liaison.core.records.models import Hcp, Interaction

    hcp = store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True})
    interaction = store.repository.create(
        Interaction, {"hcp_id": hcp.id, "occurred_at": AWARE - timedelta(days=1), "channel": "in_person", "notes": "MoA"}
    )
    store.repository.submit(Interaction, interaction.id)
    amendment = store.repository.amend(Interaction, interaction.id, {"notes": "MoA and dosing"}, "forgot dosing")
    assert [entry.priority for entry in outbox_of(store, amendment.id)] == [1]
