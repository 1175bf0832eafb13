"""Follow-ups are tasks: filing an interaction opens one per promise, which is then ticked off, reopened or moved, each step audited and synced."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from liaison.core.errors import NotFound, ValidationError
from liaison.core.records.models import FollowUpTask, Hcp, Interaction, MedicalInquiry
from liaison.device.store.models import AuditEntry, OutboxEntry
from liaison.device.store.store import Store

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PROMISES = [{"text": "Send the phase III data", "due": "2026-11-30"}, {"text": "Ask medical information about dosing", "due": None}]


@pytest.fixture
def hcp(store: Store) -> Hcp:
    return store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True})


def file_interaction(store: Store, hcp: Hcp, follow_ups: list[dict[str, object]] | None = None, **values: object) -> Interaction:
    promised = PROMISES if follow_ups is None else follow_ups
    data = {"hcp_id": hcp.id, "occurred_at": NOW, "channel": "in_person", "notes": "MoA", "follow_ups": promised}
    return store.repository.create_submitted(Interaction, {**data, **values})


def tasks(store: Store) -> list[FollowUpTask]:
    with store.repository.session() as session:
        return list(session.exec(select(FollowUpTask).order_by(FollowUpTask.text)).all())


def actions(store: Store, record_id: str) -> list[str]:
    with store.repository.session() as session:
        return list(session.exec(select(AuditEntry.action).where(AuditEntry.record_id == record_id).order_by(AuditEntry.seq)).all())


def queued(store: Store, record_id: str) -> list[dict[str, object]]:
    with store.repository.session() as session:
        return [entry.fields for entry in session.exec(select(OutboxEntry).where(OutboxEntry.record_id == record_id).order_by(OutboxEntry.seq))]


def test_filing_an_interaction_opens_one_task_per_follow_up_linked_to_it_and_its_hcp(store: Store, hcp: Hcp) -> None:
    interaction = file_interaction(store, hcp)
    ask, send = tasks(store)
    assert (send.text, send.due, send.status, send.done_at, send.done_by) == ("Send the phase III data", date(2026, 11, 30), "open", None, None)
    assert (ask.text, ask.due) == ("Ask medical information about dosing", None)
    assert {task.interaction_id for task in (ask, send)} == {interaction.id} and {task.hcp_id for task in (ask, send)} == {hcp.id}
    kept = store.repository.get(Interaction, interaction.id).follow_ups
    assert kept[0]["text"] == "Send the phase III data", "the interaction keeps its list as filed"
    assert queued(store, send.id)[0]["text"] == "Send the phase III data", "the task is queued for sync"


def test_a_draft_opens_no_task_until_it_is_filed(store: Store, hcp: Hcp) -> None:
    draft = store.repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": NOW, "channel": "phone", "follow_ups": PROMISES})
    assert tasks(store) == []
    store.repository.submit(Interaction, draft.id)
    assert len(tasks(store)) == 2


def test_a_task_links_the_inquiry_its_interaction_answered(store: Store, hcp: Hcp) -> None:
    inquiry = store.repository.create(MedicalInquiry, {"hcp_id": hcp.id, "received_at": NOW, "question": "Dosing in renal impairment?"})
    file_interaction(store, hcp, inquiry_id=inquiry.id, initiation="reactive")
    assert {task.inquiry_id for task in tasks(store)} == {inquiry.id}


def test_an_amendment_that_adds_a_follow_up_opens_a_task_for_it_alone(store: Store, hcp: Hcp) -> None:
    interaction = file_interaction(store, hcp, follow_ups=PROMISES[:1])
    added = {"text": "Book a second visit", "due": "2026-12-10"}
    store.repository.amend(Interaction, interaction.id, {"follow_ups": [*PROMISES[:1], added]}, "forgot one")
    assert [task.text for task in tasks(store)] == ["Book a second visit", "Send the phase III data"]


def test_ticking_off_records_when_and_who_then_reopening_clears_both(store: Store, hcp: Hcp) -> None:
    file_interaction(store, hcp, follow_ups=PROMISES[:1])
    [task] = tasks(store)
    done = store.repository.complete_follow_up(task.id)
    assert (done.status, done.done_by) == ("done", "msl@example.org") and done.done_at is not None
    assert {"status": "done", "done_by": "msl@example.org"}.items() <= queued(store, task.id)[-1].items()
    reopened = store.repository.reopen_follow_up(task.id)
    assert (reopened.status, reopened.done_at, reopened.done_by) == ("open", None, None)
    assert actions(store, task.id) == ["create", "complete", "reopen"]


def test_ticking_off_a_done_task_again_writes_nothing(store: Store, hcp: Hcp) -> None:
    file_interaction(store, hcp, follow_ups=PROMISES[:1])
    [task] = tasks(store)
    first = store.repository.complete_follow_up(task.id)
    again = store.repository.complete_follow_up(task.id)
    assert again.done_at == first.done_at and actions(store, task.id) == ["create", "complete"]


def test_a_new_due_date_is_stamped_queued_and_audited(store: Store, hcp: Hcp) -> None:
    file_interaction(store, hcp, follow_ups=PROMISES[:1])
    [task] = tasks(store)
    moved = store.repository.reschedule_follow_up(task.id, "2026-12-15")
    assert moved.due == date(2026, 12, 15)
    assert queued(store, task.id)[-1]["due"] == "2026-12-15"
    assert actions(store, task.id) == ["create", "reschedule"]
    assert store.repository.reschedule_follow_up(task.id, None).due is None


def test_a_due_date_that_is_not_a_date_is_refused_naming_the_field(store: Store, hcp: Hcp) -> None:
    file_interaction(store, hcp, follow_ups=PROMISES[:1])
    [task] = tasks(store)
    with pytest.raises(ValidationError) as refused:
        store.repository.reschedule_follow_up(task.id, "next Tuesday")
    assert refused.value.field == "due" and "\n" not in str(refused.value)
    assert tasks(store)[0].due == date(2026, 11, 30)


def test_a_task_cannot_be_marked_done_without_saying_when_and_who(store: Store, hcp: Hcp) -> None:
    file_interaction(store, hcp, follow_ups=PROMISES[:1])
    [task] = tasks(store)
    with pytest.raises(ValidationError) as refused:
        store.repository.update(FollowUpTask, task.id, {"status": "done"})
    assert refused.value.field == "done_at"


def test_a_task_names_an_hcp_and_an_interaction_that_are_here(store: Store, hcp: Hcp) -> None:
    with pytest.raises(ValidationError) as refused:
        store.repository.create(FollowUpTask, {"text": "Call back", "hcp_id": hcp.id, "interaction_id": "no-such-interaction"})
    assert refused.value.field == "interaction_id"
    with pytest.raises(ValidationError) as refused:
        store.repository.create(FollowUpTask, {"text": "Call back", "hcp_id": "no-such-hcp"})
    assert refused.value.field == "hcp_id"


def test_an_unknown_task_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.repository.complete_follow_up("no-such-task")
