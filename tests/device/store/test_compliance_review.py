"""The repository enforces the compliance review on every path that files text, and keeps each justified override."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func
from sqlmodel import select

from liaison.core.clock import Stamp
from liaison.core.errors import ComplianceBlocked, ImmutableRecord, JustificationRequired, ValidationError
from liaison.core.protocol import Change
from liaison.core.records.models import (
    Amendment,
    ComplianceOverride,
    Hcp,
    Insight,
    Interaction,
    MedicalEvent,
    MedicalInquiry,
)
from liaison.device.store import audit
from liaison.device.store.models import AuditEntry, Conflict, OutboxEntry, SyncState
from liaison.device.store.repository import BatchValidationError
from liaison.device.store.store import Store
from liaison.device.sync.apply import apply_pull

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PROMOTIONAL = "Told her it works much better than pembrolizumab."
WHY = "The HCP's own words, quoted from her question at the tumour board."


def written(store: Store) -> dict[str, int]:
    """Rows a refused write must not have touched."""
    with store.repository.session() as session:
        return {
            model.__tablename__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Interaction, Insight, Amendment, ComplianceOverride, OutboxEntry, AuditEntry)
        }


def overrides(store: Store) -> list[ComplianceOverride]:
    with store.repository.session() as session:
        return list(session.exec(select(ComplianceOverride)).all())


@pytest.fixture
def curie(store: Store) -> Hcp:
    return store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True, "consent_recorded_at": NOW})


def draft(store: Store, hcp: Hcp, **values: object) -> Interaction:
    return store.repository.create(
        Interaction, {"hcp_id": hcp.id, "occurred_at": NOW, "channel": "in_person", "notes": "Discussed the MoA.", **values}
    )


# --- interactions ------------------------------------------------------------------


def test_a_neutral_interaction_with_consent_is_submitted_without_an_override(store: Store, curie: Hcp) -> None:
    filed = store.repository.submit(Interaction, draft(store, curie).id)
    assert filed.status == "submitted" and overrides(store) == []


@pytest.mark.parametrize("justification", [None, "", "   \n "])
def test_flagged_notes_without_a_justification_are_refused_listing_the_findings_and_nothing_is_written(
    store: Store, curie: Hcp, justification: str | None
) -> None:
    interaction = draft(store, curie, notes=PROMOTIONAL)
    before = written(store)
    with pytest.raises(JustificationRequired) as refused:
        store.repository.submit(Interaction, interaction.id, justification=justification)
    assert [finding.phrase for finding in refused.value.findings] == ["much better"]
    assert "much better" in str(refused.value) and "justification" in str(refused.value).splitlines()[0]
    assert written(store) == before
    assert store.repository.get(Interaction, interaction.id).status == "draft"


def test_a_justification_too_short_to_judge_is_refused_beside_its_field(store: Store, curie: Hcp) -> None:
    interaction = draft(store, curie, notes=PROMOTIONAL)
    before = written(store)
    with pytest.raises(ValidationError) as refused:
        store.repository.submit(Interaction, interaction.id, justification="because")
    assert refused.value.field == "justification" and "at least 20 characters" in refused.value.message
    assert written(store) == before


def test_a_justified_submit_files_the_interaction_and_keeps_an_audited_synced_override(store: Store, curie: Hcp) -> None:
    interaction = draft(store, curie, notes=PROMOTIONAL)
    store.repository.submit(Interaction, interaction.id, justification=f"  {WHY}  ")
    assert store.repository.get(Interaction, interaction.id).status == "submitted"
    [override] = overrides(store)
    assert (override.subject_table, override.subject_id, override.justification) == ("interaction", interaction.id, WHY)
    [finding] = override.findings
    assert finding["rule_id"] == "CMP-001" and finding["phrase"] == "much better" and finding["reason"]
    assert override.overridden_at is not None and override.created_by == "msl@example.org"
    with store.repository.session() as session:
        queued = session.exec(select(OutboxEntry).where(OutboxEntry.table_name == "compliance_override")).one()
        logged = session.exec(select(AuditEntry).where(AuditEntry.table_name == "compliance_override")).one()
        assert audit.verify(session).intact
    assert queued.record_id == override.id and queued.fields["justification"] == WHY
    assert logged.action == "create" and logged.after["subject_id"] == interaction.id


def test_an_hcp_without_recorded_consent_is_flagged_by_name_until_consent_is_recorded(store: Store) -> None:
    pasteur = store.repository.create(Hcp, {"name": "Dr Louis Pasteur"})
    interaction = draft(store, pasteur)
    with pytest.raises(JustificationRequired, match="Dr Louis Pasteur has no recorded contact consent"):
        store.repository.submit(Interaction, interaction.id)
    store.repository.update(Hcp, pasteur.id, {"contact_consent": True, "consent_recorded_at": NOW})
    assert store.repository.submit(Interaction, interaction.id).status == "submitted"


def test_a_proactive_off_label_discussion_is_refused_whatever_the_justification(store: Store, curie: Hcp) -> None:
    interaction = draft(store, curie, off_label=True)
    before = written(store)
    with pytest.raises(ComplianceBlocked) as refused:
        store.repository.submit(Interaction, interaction.id, justification=WHY)
    assert [finding.rule_id for finding in refused.value.findings] == ["OFFLABEL-001"]
    assert written(store) == before


def test_a_reactive_off_label_discussion_linked_to_the_hcps_attested_inquiry_is_filed(store: Store, curie: Hcp) -> None:
    inquiry = store.repository.create(
        MedicalInquiry,
        {"hcp_id": curie.id, "received_at": NOW, "question": "Any data in adolescents?", "off_label": True, "unsolicited_attested": True},
    )
    notes = "Answered her unsolicited question on off-label use in adolescents with the published case series."
    interaction = draft(store, curie, off_label=True, initiation="reactive", inquiry_id=inquiry.id, notes=notes)
    assert store.repository.submit(Interaction, interaction.id).status == "submitted"
    assert overrides(store) == []


def test_an_amendment_answers_for_the_text_it_introduces(store: Store, curie: Hcp) -> None:
    interaction = draft(store, curie)
    store.repository.submit(Interaction, interaction.id)
    before = written(store)
    with pytest.raises(JustificationRequired):
        store.repository.amend(Interaction, interaction.id, {"notes": PROMOTIONAL}, "added what was said")
    assert written(store) == before
    amendment = store.repository.amend(Interaction, interaction.id, {"notes": PROMOTIONAL}, "added what was said", justification=WHY)
    [override] = overrides(store)
    assert (override.subject_table, override.subject_id) == ("amendment", amendment.id)


def test_the_preview_reports_findings_and_writes_nothing(store: Store, curie: Hcp) -> None:
    before = written(store)
    found = store.repository.review(Interaction, {"hcp_id": curie.id, "notes": PROMOTIONAL, "initiation": "proactive"})
    assert [finding.rule_id for finding in found] == ["CMP-001"]
    assert written(store) == before


# --- insights and event outcomes ------------------------------------------------------


def test_a_flagged_insight_is_not_saved_without_a_justification_and_is_with_one(store: Store) -> None:
    values = {"text": "KOL says it is the gold standard now.", "captured_at": NOW}
    before = written(store)
    with pytest.raises(JustificationRequired):
        store.repository.create(Insight, values)
    assert written(store) == before
    insight = store.repository.create(Insight, values, justification="Verbatim view of the KOL, recorded as an insight.")
    [override] = overrides(store)
    assert (override.subject_table, override.subject_id) == ("insight", insight.id)


def test_a_flagged_insight_in_a_batch_is_an_invalid_row_and_nothing_is_written(store: Store) -> None:
    rows = [{"text": "Sites lack biomarker testing.", "captured_at": NOW}, {"text": "It is truly amazing.", "captured_at": NOW}]
    before = written(store)
    with pytest.raises(BatchValidationError, match=r'row 2: text: "amazing"'):
        store.repository.create_many(Insight, rows)
    assert written(store) == before


def test_event_outcomes_are_reviewed_and_an_edit_answers_only_for_new_phrases(store: Store) -> None:
    event = store.repository.create(MedicalEvent, {"kind": "advisory_board", "title": "2L NSCLC board", "starts_at": NOW})
    with pytest.raises(JustificationRequired, match="outperforms"):
        store.repository.update(MedicalEvent, event.id, {"outcomes": "Board felt it outperforms docetaxel."})
    store.repository.update(
        MedicalEvent, event.id, {"outcomes": "Board felt it outperforms docetaxel."}, justification="Advisors' opinion, minuted as said."
    )
    store.repository.update(MedicalEvent, event.id, {"outcomes": "Board felt it outperforms docetaxel. Next meeting in May."})
    assert len(overrides(store)) == 1


def test_choosing_between_two_reviewed_versions_in_a_conflict_files_nothing_new(store: Store) -> None:
    repository = store.repository
    repository.save_enrollment(SyncState(server_url="http://127.0.0.1:9", token="t", user_email="msl@example.org", user_name="MSL"))
    insight = repository.create(Insight, {"text": "Sites lack biomarker testing.", "captured_at": NOW})
    base = insight.clocks["*"]
    mine = "KOL calls it the gold standard."
    repository.update(Insight, insight.id, {"text": mine}, justification="The KOL's own words, recorded as an insight.")
    later = Stamp(Stamp.decode(base).wall_ms + 60_000, 0, "other-device").encode()
    theirs = Change(
        change_id="c1",
        table="insight",
        record_id=insight.id,
        fields={"text": "Sites lack NGS testing."},
        clocks={"text": later},
        base_clocks={"text": base},
        device_id="other-device",
    )
    apply_pull(repository, [theirs], cursor="1")
    with repository.session() as session:
        conflict = session.exec(select(Conflict)).one()
    repository.resolve_conflict(conflict.id, "mine")
    assert repository.get(Insight, insight.id).text == mine and len(overrides(store)) == 1


# --- the override itself ----------------------------------------------------------------


def test_an_override_is_written_only_by_the_review_and_never_edited_or_deleted(store: Store, curie: Hcp) -> None:
    interaction = draft(store, curie, notes=PROMOTIONAL)
    store.repository.submit(Interaction, interaction.id, justification=WHY)
    [override] = overrides(store)
    with pytest.raises(ImmutableRecord):
        store.repository.update(ComplianceOverride, override.id, {"justification": "something else entirely, later"})
    with pytest.raises(ImmutableRecord):
        store.repository.delete(ComplianceOverride, override.id)
    with pytest.raises(ValidationError, match="compliance review"):
        store.repository.create(
            ComplianceOverride,
            {"subject_table": "insight", "subject_id": "x", "findings": [], "justification": WHY, "overridden_at": NOW},
        )
