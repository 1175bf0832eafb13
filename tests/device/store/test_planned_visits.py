"""Planned visits: planned with one or several HCPs, moved, cancelled, and logged as the interaction they became, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from liaison.core.errors import ValidationError
from liaison.core.records.models import FollowUpTask, Hcp, Interaction, PlannedVisit
from liaison.device.store import visits
from liaison.device.store.models import AuditEntry, OutboxEntry
from liaison.device.store.store import Store

TUESDAY = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)


@pytest.fixture
def curie(store: Store) -> Hcp:
    return store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True})


@pytest.fixture
def pasteur(store: Store) -> Hcp:
    return store.repository.create(Hcp, {"name": "Dr Louis Pasteur", "contact_consent": True})


def plan(store: Store, *hcps: Hcp, **values: object) -> PlannedVisit:
    data = {"hcp_ids": [hcp.id for hcp in hcps], "starts_at": TUESDAY, "place": "Institut Curie", "objectives": ["Phase III readout"]}
    return store.repository.plan_visit({**data, **values})


def counts(store: Store) -> tuple[int, int, int]:
    with store.repository.session() as session:
        return (
            len(session.exec(select(Interaction)).all()),
            len(session.exec(select(OutboxEntry)).all()),
            len(session.exec(select(AuditEntry)).all()),
        )


def test_a_planned_visit_keeps_its_hcps_in_order_with_defaults_and_is_queued_and_audited(store: Store, curie: Hcp, pasteur: Hcp) -> None:
    visit = plan(store, curie, pasteur, pasteur)
    assert visit.hcp_ids == [curie.id, pasteur.id], "each HCP once, the lead first"
    assert (visit.duration_minutes, visit.channel, visit.status, visit.interaction_id) == (30, "in_person", "planned", None)
    with store.repository.session() as session:
        assert session.exec(select(OutboxEntry.table_name).where(OutboxEntry.record_id == visit.id)).all() == ["planned_visit"]
        assert session.exec(select(AuditEntry.action).where(AuditEntry.record_id == visit.id)).all() == ["plan"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"hcp_ids": []}, "hcp_ids"),
        ({"hcp_ids": ["no-such-hcp"]}, "hcp_ids"),
        ({"starts_at": datetime(2026, 12, 8, 9, 30)}, "starts_at"),
        ({"duration_minutes": 4}, "duration_minutes"),
        ({"duration_minutes": 721}, "duration_minutes"),
        ({"place": "x" * 201}, "place"),
        ({"channel": "carrier pigeon"}, "channel"),
        ({"objectives": ["x" * 501]}, "objectives"),
        ({"plan_items": ["not a code"]}, "plan_items"),
    ],
)
def test_a_visit_that_breaks_a_rule_is_refused_naming_the_field_and_nothing_is_written(
    store: Store, curie: Hcp, values: dict[str, object], field: str
) -> None:
    before = counts(store)
    with pytest.raises(ValidationError) as refused:
        plan(store, curie, **values)
    assert refused.value.field.split(".")[0] == field
    assert counts(store) == before


def test_rescheduling_moves_the_visit_and_cancelling_keeps_it_with_its_reason(store: Store, curie: Hcp) -> None:
    visit = plan(store, curie)
    moved = store.repository.reschedule_visit(visit.id, TUESDAY + timedelta(days=1), 45)
    assert (moved.starts_at, moved.duration_minutes) == (TUESDAY + timedelta(days=1), 45)
    cancelled = store.repository.cancel_visit(visit.id, "  Clinic  closed ")
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Clinic closed")
    with pytest.raises(ValidationError, match="cancelled"):
        store.repository.reschedule_visit(visit.id, TUESDAY)
    with store.repository.session() as session:
        actions = session.exec(select(AuditEntry.action).where(AuditEntry.record_id == visit.id).order_by(AuditEntry.seq)).all()
    assert actions == ["plan", "reschedule", "cancel"]


def test_logging_files_the_interaction_prefilled_from_the_plan_and_marks_the_visit_logged(store: Store, curie: Hcp, pasteur: Hcp) -> None:
    visit = plan(store, curie, pasteur, channel="virtual")
    interaction = store.repository.log_visit(visit.id, {"notes": "Discussed the readout", "follow_ups": [{"text": "Send the poster"}]})
    assert (interaction.hcp_id, interaction.attendee_ids, interaction.channel) == (curie.id, [pasteur.id], "virtual")
    assert (interaction.topics, interaction.occurred_at, interaction.planned_visit_id) == (["Phase III readout"], TUESDAY, visit.id)
    assert interaction.status == "submitted"
    logged = store.repository.get(PlannedVisit, visit.id)
    assert (logged.status, logged.interaction_id) == ("logged", interaction.id)
    with store.repository.session() as session:
        task = session.exec(select(FollowUpTask)).one()
    assert (task.text, task.interaction_id, task.hcp_id) == ("Send the poster", interaction.id, curie.id), "a follow-up becomes a task"


def test_the_plan_items_a_visit_was_meant_to_serve_go_on_the_interaction_logged_from_it(store: Store, curie: Hcp) -> None:
    visit = plan(store, curie, plan_items=["SI-ONC-1", "LP-ONC-2"])
    assert store.repository.log_visit(visit.id, {"notes": "Covered both"}).plan_items == ["SI-ONC-1", "LP-ONC-2"]


def test_the_time_it_really_happened_overrides_the_planned_one(store: Store, curie: Hcp) -> None:
    visit = plan(store, curie)
    later = TUESDAY + timedelta(minutes=40)
    assert store.repository.log_visit(visit.id, {"occurred_at": later}).occurred_at == later


def test_a_refused_interaction_leaves_the_visit_planned_and_nothing_half_written(store: Store, curie: Hcp) -> None:
    visit = plan(store, curie)
    before = counts(store)
    with pytest.raises(ValidationError) as refused:
        store.repository.log_visit(visit.id, {"notes": "x" * 10_001})
    assert refused.value.field == "notes"
    assert store.repository.get(PlannedVisit, visit.id).status == "planned"
    assert counts(store) == before


def test_a_cancelled_or_already_logged_visit_cannot_be_logged(store: Store, curie: Hcp) -> None:
    cancelled = plan(store, curie)
    store.repository.cancel_visit(cancelled.id)
    with pytest.raises(ValidationError, match="was cancelled"):
        store.repository.log_visit(cancelled.id)
    logged = plan(store, curie)
    interaction = store.repository.log_visit(logged.id)
    with pytest.raises(ValidationError, match=f"already logged as interaction {interaction.id}"):
        store.repository.log_visit(logged.id)


def test_the_calendar_reads_a_window_soonest_first_and_an_hcps_next_visit_is_the_soonest_still_planned(
    store: Store, curie: Hcp, pasteur: Hcp
) -> None:
    monday = TUESDAY - timedelta(days=1)
    first = plan(store, pasteur, starts_at=monday)
    second = plan(store, curie, pasteur, starts_at=TUESDAY)
    third = plan(store, pasteur, starts_at=TUESDAY + timedelta(days=1))
    store.repository.cancel_visit(second.id, "ill")
    with store.repository.session() as session:
        window = visits.visits_between(session, monday, TUESDAY + timedelta(hours=1))
        assert [visit.id for visit in window] == [first.id, second.id], "cancelled visits stay on the calendar, marked"
        assert visits.next_planned_visit(session, pasteur.id, TUESDAY).id == third.id  # type: ignore[union-attr]
        assert visits.next_planned_visit(session, curie.id, monday) is None, "a cancelled visit is not ahead"


def test_the_calendar_and_the_next_visit_read_through_the_index_on_start_time(store: Store) -> None:
    with store.repository.session() as session:
        plans = [
            " ".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}"), params).all())
            for sql, params in (
                ("SELECT id FROM planned_visit WHERE deleted = 0 AND starts_at >= :a AND starts_at < :b ORDER BY starts_at", {"a": "x", "b": "y"}),
                ("SELECT interaction_id FROM interaction_attendee WHERE hcp_id = :h ORDER BY occurred_at DESC", {"h": "x"}),
            )
        ]
    assert "ix_planned_visit_deleted_starts" in plans[0]
    assert "ix_interaction_attendee_hcp_occurred" in plans[1]


def test_an_hcp_attending_a_group_meeting_finds_it_through_the_lookup_kept_by_every_write(store: Store, curie: Hcp, pasteur: Hcp) -> None:
    group = store.repository.create_submitted(
        Interaction, {"hcp_id": curie.id, "attendee_ids": [pasteur.id, curie.id], "occurred_at": TUESDAY, "channel": "in_person"}
    )
    assert group.attendee_ids == [pasteur.id], "the lead is not counted again as an attendee"
    draft = store.repository.create(
        Interaction, {"hcp_id": curie.id, "attendee_ids": [pasteur.id], "occurred_at": TUESDAY - timedelta(days=3), "channel": "phone"}
    )
    with store.repository.session() as session:
        assert [item.id for item in visits.interactions_attended(session, pasteur.id, 10)] == [group.id, draft.id]
        assert visits.interactions_attended(session, curie.id, 10) == []
    store.repository.update(Interaction, draft.id, {"attendee_ids": []})
    with store.repository.session() as session:
        assert [item.id for item in visits.interactions_attended(session, pasteur.id, 10)] == [group.id]
    store.repository.update(Interaction, draft.id, {"attendee_ids": [pasteur.id]})
    store.repository.delete(Interaction, draft.id)
    with store.repository.session() as session:
        assert [item.id for item in visits.interactions_attended(session, pasteur.id, 10)] == [group.id], "a deleted one leaves the lookup"


def test_erasing_an_hcp_drops_them_from_visits_and_attendees_and_keeps_the_plan(store: Store, curie: Hcp, pasteur: Hcp) -> None:
    visit = plan(store, curie, pasteur)
    group = store.repository.create_submitted(
        Interaction, {"hcp_id": curie.id, "attendee_ids": [pasteur.id], "occurred_at": TUESDAY, "channel": "in_person"}
    )
    store.repository.erase_hcp(pasteur.id, "request by e-mail of 3 March, GDPR art. 17")
    assert store.repository.get(PlannedVisit, visit.id).hcp_ids == [curie.id]
    assert store.repository.get(Interaction, group.id).attendee_ids == []
    with store.repository.session() as session:
        assert visits.interactions_attended(session, pasteur.id, 10) == []
