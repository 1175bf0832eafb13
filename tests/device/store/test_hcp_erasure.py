"""Erasing an HCP on request: their personal data leaves the store; what regulation needs stays, under a pseudonym."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func
from sqlmodel import select

from liaison.core.clock import Stamp
from liaison.core.erasure import ERASED_FOLLOW_UP, pseudonym, receipt_id
from liaison.core.errors import ImmutableRecord, NotFound, ValidationError
from liaison.core.protocol import Change
from liaison.core.records.models import (
    AdverseEvent,
    Amendment,
    FollowUpTask,
    Hcp,
    HcpErasure,
    Insight,
    Interaction,
    MedicalEvent,
    MedicalInquiry,
    TrialSite,
)
from liaison.device.store import audit, keys
from liaison.device.store.models import AuditEntry, Conflict, OutboxEntry, SyncState
from liaison.device.store.store import Store
from liaison.device.sync.apply import apply_pull
from tests.conftest import PASSPHRASE
from tests.traces import page_traces, row_traces

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
NAME, EMAIL, PHONE, NPI = "Dr Marie Curie", "marie.curie@example.org", "+44 20 7946 0958", "1234567893"
TRACES = [NAME, "Marie Curie", EMAIL, PHONE, NPI, "polonium", "Sorbonne"]
REASON = "Request by e-mail of 20 Nov 2026 (GDPR art. 17)"


@pytest.fixture
def curie(store: Store) -> dict[str, str]:
    """Dr Curie, everything that names her, and an unrelated colleague."""
    repository = store.repository
    hcp = repository.create(
        Hcp,
        {
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "npi": NPI,
            "specialty": "Oncology",
            "institution": "Sorbonne",
            "city": "Paris",
            "country": "FR",
            "territory": "north",
            "kol_tier": 1,
            "therapeutic_areas": ["Oncology"],
            "identifiers": {"crm": "CRM-889911"},
            "notes": "Prefers polonium",
            "contact_consent": True,
            "consent_recorded_at": NOW,
        },
    )
    repository.update(Hcp, hcp.id, {"phone": "+44 20 7946 0000"})
    repository.update(Hcp, hcp.id, {"phone": PHONE})
    colleague = repository.create(Hcp, {"name": "Dr Pierre Roux"})
    filed = repository.create(
        Interaction,
        {
            "hcp_id": hcp.id,
            "occurred_at": NOW,
            "channel": "in_person",
            "topics": ["dosing"],
            "notes": f"{NAME} asked about dosing",
            "follow_ups": [{"text": f"Send {EMAIL} the renal data", "due": "2026-12-01"}],
        },
    )
    repository.submit(Interaction, filed.id)
    amendment = repository.amend(Interaction, filed.id, {"notes": "Marie Curie also asked about polonium"}, f"{NAME} called back")
    draft = repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": NOW, "channel": "phone", "notes": "call her back"})
    inquiry = repository.create(
        MedicalInquiry,
        {
            "hcp_id": hcp.id,
            "received_at": NOW,
            "question": "Renal dosing in the elderly?",
            "unsolicited_attested": True,
            "signature": [[[0.1, 0.2], [0.3, 0.4]]],
        },
    )
    repository.submit(MedicalInquiry, inquiry.id)
    linked = repository.create(
        AdverseEvent,
        {
            "reporter": f"{NAME}, oncologist",
            "reporter_hcp_id": hcp.id,
            "aware_at": NOW,
            "product": "zentrolimab",
            "description": f"Rash after dose 2, seen by {NAME}",
            "patient_initials": "JD",
            "seriousness": "non_serious",
        },
    )
    repository.submit(AdverseEvent, linked.id)
    named = repository.create(AdverseEvent, {"reporter": f"{NAME} (phone)", "aware_at": NOW, "product": "zentrolimab", "description": "Headache"})
    repository.submit(AdverseEvent, named.id)
    other = repository.create(AdverseEvent, {"reporter": "Dr Pierre Roux", "aware_at": NOW, "product": "zentrolimab", "description": "Nausea"})
    repository.submit(AdverseEvent, other.id)
    insight = repository.create(
        Insight, {"text": f"{NAME} sees unmet need in the elderly", "theme": "unmet need", "hcp_id": hcp.id, "captured_at": NOW}
    )
    site = repository.create(TrialSite, {"study": "ZEN-3", "protocol": "ZEN-301", "site_name": "Site 12, Paris", "pi_hcp_id": hcp.id})
    event = repository.create(
        MedicalEvent, {"kind": "advisory_board", "title": "Renal board", "starts_at": NOW, "attendee_ids": [hcp.id, colleague.id]}
    )
    return {
        "hcp": hcp.id,
        "colleague": colleague.id,
        "filed": filed.id,
        "amendment": amendment.id,
        "draft": draft.id,
        "inquiry": inquiry.id,
        "linked": linked.id,
        "named": named.id,
        "other": other.id,
        "insight": insight.id,
        "site": site.id,
        "event": event.id,
    }


def count(store: Store, model: type) -> int:
    with store.repository.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


# --- what is erased and what is kept --------------------------------------------------


def test_the_hcp_becomes_a_tombstone_under_a_pseudonym(store: Store, curie: dict[str, str]) -> None:
    store.repository.erase_hcp(curie["hcp"], REASON)
    with pytest.raises(NotFound):
        store.repository.get(Hcp, curie["hcp"])
    hcp = store.repository.get(Hcp, curie["hcp"], include_deleted=True)
    assert hcp.deleted and hcp.name == pseudonym(curie["hcp"]) and hcp.name.startswith("Erased HCP ")
    assert (hcp.email, hcp.phone, hcp.npi, hcp.identifiers, hcp.notes) == (None, None, None, {}, None)
    assert (hcp.specialty, hcp.institution, hcp.city, hcp.kol_tier, hcp.therapeutic_areas) == (None, None, None, None, [])
    assert (hcp.contact_consent, hcp.consent_recorded_at) == (False, None)
    assert (hcp.territory, hcp.country) == ("north", "FR"), "kept: which devices it concerns, and the jurisdiction"


def test_adverse_events_are_kept_with_the_reporter_pseudonymized(store: Store, curie: dict[str, str]) -> None:
    store.repository.erase_hcp(curie["hcp"], REASON)
    alias = pseudonym(curie["hcp"])
    linked = store.repository.get(AdverseEvent, curie["linked"])
    assert (linked.reporter, linked.reporter_hcp_id) == (alias, alias)
    assert linked.description == f"Rash after dose 2, seen by {alias}"
    assert (linked.status, linked.product, linked.patient_initials, linked.seriousness) == ("submitted", "zentrolimab", "JD", "non_serious")
    assert linked.deadline_at is not None and linked.submitted_at is not None
    assert store.repository.get(AdverseEvent, curie["named"]).reporter == alias, "named as reporter without a link: the same person"
    assert store.repository.get(AdverseEvent, curie["other"]).reporter == "Dr Pierre Roux"


def test_records_that_name_the_hcp_lose_the_person_and_keep_the_rest(store: Store, curie: dict[str, str]) -> None:
    store.repository.erase_hcp(curie["hcp"], REASON)
    repository, alias = store.repository, pseudonym(curie["hcp"])
    filed = repository.get(Interaction, curie["filed"])
    assert (filed.hcp_id, filed.notes, filed.follow_ups, filed.topics, filed.status) == (alias, "", [], ["dosing"], "submitted")
    amendment = repository.get(Amendment, curie["amendment"])
    assert amendment.changes == {"notes": ""} and amendment.reason == f"{alias} called back"
    inquiry = repository.get(MedicalInquiry, curie["inquiry"])
    assert (inquiry.hcp_id, inquiry.signature, inquiry.question) == (alias, None, "Renal dosing in the elderly?")
    assert inquiry.unsolicited_attested and inquiry.status == "submitted"
    insight = repository.get(Insight, curie["insight"])
    assert (insight.hcp_id, insight.text) == (None, f"{alias} sees unmet need in the elderly")
    assert repository.get(TrialSite, curie["site"]).pi_hcp_id is None
    assert repository.get(MedicalEvent, curie["event"]).attendee_ids == [curie["colleague"]]
    assert repository.get(Hcp, curie["colleague"]).name == "Dr Pierre Roux"


def test_her_follow_up_tasks_are_kept_as_hers_without_their_words_and_still_tick_off(store: Store, curie: dict[str, str]) -> None:
    with store.repository.session() as session:
        [task] = session.exec(select(FollowUpTask)).all()
    assert EMAIL in task.text, "filing the interaction opened its follow-up"
    store.repository.erase_hcp(curie["hcp"], REASON)
    kept = store.repository.get(FollowUpTask, task.id)
    assert (kept.hcp_id, kept.text, kept.interaction_id, kept.status) == (pseudonym(curie["hcp"]), ERASED_FOLLOW_UP, curie["filed"], "open")
    assert store.repository.complete_follow_up(task.id).status == "done"


def test_a_draft_about_the_hcp_is_kept_pseudonymized_and_can_still_be_deleted(store: Store, curie: dict[str, str]) -> None:
    store.repository.erase_hcp(curie["hcp"], REASON)
    draft = store.repository.get(Interaction, curie["draft"])
    assert (draft.hcp_id, draft.notes) == (pseudonym(curie["hcp"]), "")
    store.repository.delete(Interaction, curie["draft"])
    assert store.repository.get(Interaction, curie["draft"], include_deleted=True).deleted


def test_nothing_of_the_hcp_remains_in_any_table_or_page_of_the_store(store: Store, curie: dict[str, str], data_dir) -> None:  # type: ignore[no-untyped-def]
    key = keys.unlock(data_dir, PASSPHRASE)
    assert row_traces(store.engine, TRACES) and page_traces(data_dir, key, TRACES), "the fixture does hold her data"
    store.repository.erase_hcp(curie["hcp"], REASON)
    assert row_traces(store.engine, [*TRACES, "+44 20 7946 0000", "CRM-889911"]) == []
    assert page_traces(data_dir, key, [*TRACES, "+44 20 7946 0000", "CRM-889911"]) == []


def test_queued_changes_leave_scrubbed_and_the_receipt_follows_them(store: Store, curie: dict[str, str]) -> None:
    before = count(store, OutboxEntry)
    receipt = store.repository.erase_hcp(curie["hcp"], REASON)
    with store.repository.session() as session:
        entries = session.exec(select(OutboxEntry).order_by(OutboxEntry.seq)).all()
    assert len(entries) == before + 1, "only the receipt is added: the other devices scrub for themselves"
    assert (entries[-1].table_name, entries[-1].record_id, entries[-1].priority) == ("hcp_erasure", receipt.id, 1)
    [create] = [entry for entry in entries if entry.record_id == curie["hcp"] and "name" in entry.fields]
    assert create.fields["name"] == pseudonym(curie["hcp"]) and create.fields["deleted"] is True and create.fields["email"] is None


def test_the_receipt_says_who_erased_whom_when_and_why_without_naming_them(store: Store, curie: dict[str, str]) -> None:
    requested = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    receipt = store.repository.erase_hcp(curie["hcp"], REASON, requested_at=requested)
    assert receipt.id == receipt_id(curie["hcp"])
    assert (receipt.hcp_id, receipt.pseudonym, receipt.requested_at, receipt.reason, receipt.erased_by) == (
        curie["hcp"],
        pseudonym(curie["hcp"]),
        requested,
        REASON,
        "msl@example.org",
    )


def test_kept_records_still_move_through_their_workflow_and_take_amendments(store: Store, curie: dict[str, str]) -> None:
    store.repository.erase_hcp(curie["hcp"], REASON)
    answered = store.repository.update(MedicalInquiry, curie["inquiry"], {"status": "answered"})
    assert answered.status == "answered" and answered.hcp_id == pseudonym(curie["hcp"])
    amendment = store.repository.amend(
        AdverseEvent, curie["linked"], {"seriousness": "serious", "seriousness_criteria": ["hospitalisation"]}, "hospitalised on day 3"
    )
    assert amendment.changes == {"seriousness": "serious", "seriousness_criteria": ["hospitalisation"]}


def test_no_new_record_can_name_an_erased_hcp(store: Store, curie: dict[str, str]) -> None:
    store.repository.erase_hcp(curie["hcp"], REASON)
    for hcp_id in (curie["hcp"], pseudonym(curie["hcp"])):
        with pytest.raises(ValidationError) as caught:
            store.repository.create(Interaction, {"hcp_id": hcp_id, "occurred_at": NOW, "channel": "phone"})
        assert caught.value.field == "hcp_id"


# --- the audit log --------------------------------------------------------------------


def test_the_audit_log_loses_her_data_keeps_its_chain_and_records_the_erasure(store: Store, curie: dict[str, str]) -> None:
    store.repository.erase_hcp(curie["hcp"], REASON)
    with store.repository.session() as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
        report = audit.verify(session)
    assert report.intact and report.entries == len(entries)
    [redaction] = [entry for entry in entries if entry.action == audit.REDACT]
    redacted = [entry.seq for entry in entries if entry.salt is None]
    assert redaction.after is not None and redaction.after["entries"] == redacted and redacted
    about_her = {(entry.table_name, entry.record_id) for entry in entries if entry.seq in redacted}
    assert ("hcp", curie["hcp"]) in about_her and ("adverse_event", curie["linked"]) in about_her
    assert ("hcp", curie["colleague"]) not in about_her
    [receipt] = [entry for entry in entries if entry.table_name == "hcp_erasure"]
    assert receipt.action == "erase" and receipt.after is not None and receipt.after["reason"] == REASON
    erased = {entry.record_id for entry in entries if entry.action == "erase" and entry.table_name != "hcp_erasure"}
    assert {curie["hcp"], curie["filed"], curie["linked"], curie["event"]} <= erased


# --- refusals ---------------------------------------------------------------------------


def test_a_draft_adverse_event_she_reported_must_be_filed_first(store: Store, curie: dict[str, str]) -> None:
    draft = store.repository.create(
        AdverseEvent, {"reporter": NAME, "reporter_hcp_id": curie["hcp"], "aware_at": NOW, "product": "x", "description": "Fever"}
    )
    audited = count(store, AuditEntry)
    with pytest.raises(ValidationError, match=f"adverse event {draft.id} .* still a draft: submit it"):
        store.repository.erase_hcp(curie["hcp"], REASON)
    assert store.repository.get(Hcp, curie["hcp"]).email == EMAIL and count(store, AuditEntry) == audited
    store.repository.submit(AdverseEvent, draft.id)
    store.repository.erase_hcp(curie["hcp"], REASON)


@pytest.mark.parametrize("reason", [f"{NAME} asked by e-mail", f"asked from {EMAIL}", "   "])
def test_the_reason_is_kept_so_it_may_not_name_her(store: Store, curie: dict[str, str], reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        store.repository.erase_hcp(curie["hcp"], reason)
    assert caught.value.field == "reason"
    assert count(store, HcpErasure) == 0 and store.repository.get(Hcp, curie["hcp"]).name == NAME


def test_an_unknown_or_already_erased_hcp_is_refused(store: Store, curie: dict[str, str]) -> None:
    with pytest.raises(NotFound, match="HCP nobody not found"):
        store.repository.erase_hcp("nobody", REASON)
    store.repository.erase_hcp(curie["hcp"], REASON)
    with pytest.raises(ValidationError, match="already erased"):
        store.repository.erase_hcp(curie["hcp"], REASON)


def test_a_deleted_hcp_can_still_be_erased(store: Store, curie: dict[str, str]) -> None:
    store.repository.delete(Hcp, curie["colleague"])
    store.repository.erase_hcp(curie["colleague"], REASON)
    assert store.repository.get(Hcp, curie["colleague"], include_deleted=True).name == pseudonym(curie["colleague"])
    assert store.repository.get(AdverseEvent, curie["other"]).reporter == pseudonym(curie["colleague"])
    assert store.repository.get(MedicalEvent, curie["event"]).attendee_ids == [curie["hcp"]]
    assert row_traces(store.engine, ["Pierre Roux"]) == []


def test_the_confirmation_can_say_what_will_be_touched(store: Store, curie: dict[str, str]) -> None:
    assert store.repository.erasure_impact(curie["hcp"]) == {
        "hcp": 1,
        "interaction": 2,
        "amendment": 1,
        "medical_inquiry": 1,
        "adverse_event": 2,
        "insight": 1,
        "trial_site": 1,
        "medical_event": 1,
        "follow_up": 1,
    }


# --- a receipt from another device -------------------------------------------------------


def test_a_receipt_pulled_from_another_device_scrubs_here_without_echo(store: Store, curie: dict[str, str]) -> None:
    repository = store.repository
    repository.save_enrollment(SyncState(server_url="https://liaison.example.org", token="t", user_email="msl@example.org", user_name="MSL"))
    other = "other-device"
    stamp = Stamp(repository.clock.last.wall_ms + 1000, 0, other).encode()
    phone_change = Change(
        change_id="c-phone",
        table="hcp",
        record_id=curie["hcp"],
        fields={"phone": "+44 20 7946 1111"},
        clocks={"*": stamp},
        base_clocks={"phone": Stamp(1, 0, other).encode()},
        device_id=other,
    )
    apply_pull(repository, [phone_change], "cursor-1")
    with repository.session() as session:
        [conflict] = session.exec(select(Conflict)).all()
    assert PHONE in (conflict.kept_value, conflict.lost_value)
    queued = count(store, OutboxEntry)

    receipt = Change(
        change_id="c-erase",
        table="hcp_erasure",
        record_id=receipt_id(curie["hcp"]),
        device_id=other,
        fields={
            "hcp_id": curie["hcp"],
            "pseudonym": pseudonym(curie["hcp"]),
            "requested_at": NOW.isoformat(),
            "reason": REASON,
            "erased_by": "colleague@example.org",
            "created_at": NOW.isoformat(),
            "updated_at": NOW.isoformat(),
            "created_by": "colleague@example.org",
            "updated_by": "colleague@example.org",
            "device_id": other,
            "deleted": False,
            "deleted_at": None,
        },
        clocks={"*": Stamp(repository.clock.last.wall_ms + 2000, 0, other).encode()},
    )
    report = apply_pull(repository, [receipt], "cursor-2")
    assert report.erasures == 1 and count(store, OutboxEntry) == queued, "nothing echoed back"
    assert row_traces(store.engine, [*TRACES, "+44 20 7946 1111"]) == []
    with repository.session() as session:
        [conflict] = session.exec(select(Conflict)).all()
    assert (conflict.kept_value, conflict.lost_value, conflict.resolution) == (None, None, "erased")
    assert repository.get(AdverseEvent, curie["linked"]).reporter == pseudonym(curie["hcp"])
    with repository.session() as session:
        assert audit.verify(session).intact

    again = apply_pull(repository, [receipt], "cursor-3")
    assert again.erasures == 0, "a page delivered twice erases once"


def test_the_receipt_is_kept_as_written_here_and_a_later_change_from_elsewhere_is_ignored(store: Store, curie: dict[str, str]) -> None:
    repository = store.repository
    receipt = repository.erase_hcp(curie["hcp"], REASON)
    with pytest.raises(ImmutableRecord):
        repository.update(HcpErasure, receipt.id, {"reason": "something else"})
    with pytest.raises(ImmutableRecord):
        repository.delete(HcpErasure, receipt.id)
    with pytest.raises(ValidationError):
        repository.create(
            HcpErasure,
            {"hcp_id": curie["colleague"], "pseudonym": pseudonym(curie["colleague"]), "requested_at": NOW, "reason": REASON, "erased_by": "x"},
        )
    repository.save_enrollment(SyncState(server_url="https://liaison.example.org", token="t", user_email="msl@example.org", user_name="MSL"))
    other = "other-device"
    rewrite = Change(
        change_id="c-rewrite",
        table="hcp_erasure",
        record_id=receipt.id,
        device_id=other,
        fields={"reason": "never asked", "erased_by": "eve@example.org", "deleted": True},
        clocks={"*": Stamp(repository.clock.last.wall_ms + 1000, 0, other).encode()},
    )
    report = apply_pull(repository, [rewrite], "cursor-1")
    kept = repository.get(HcpErasure, receipt.id)
    assert report.applied == 0 and (kept.reason, kept.erased_by, kept.deleted) == (REASON, receipt.erased_by, False)
