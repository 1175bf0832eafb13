"""Applying a pulled page: merged field by field, its cursor kept with it, nothing sent back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from liaison.core.clock import ALL_FIELDS, Stamp
from liaison.core.errors import StoreError
from liaison.core.protocol import Change
from liaison.core.records.models import Amendment, Hcp, Interaction
from liaison.device.store.models import Conflict, OutboxEntry, SyncState
from liaison.device.store.store import Store
from liaison.device.sync.apply import apply_pull

OTHER = "other-device"


@pytest.fixture
def enrolled(store: Store) -> Store:
    store.repository.save_enrollment(SyncState(server_url="https://liaison.example.org", token="t", user_email="msl@example.org", user_name="MSL"))
    return store


def later(store: Store, ms: int = 1000) -> str:
    """A stamp of the other device's, this far past this device's clock."""
    return Stamp(store.repository.clock.last.wall_ms + ms, 0, OTHER).encode()


def edit(record_id: str, table: str, fields: dict[str, object], clocks: dict[str, str], base: dict[str, str], device: str = OTHER) -> Change:
    return Change(
        change_id=f"c-{table}-{sorted(fields)}-{device}",
        table=table,
        record_id=record_id,
        fields=fields,
        clocks=clocks,
        base_clocks=base,
        device_id=device,
    )


def queued(store: Store) -> int:
    with store.repository.session() as session:
        return len(session.exec(select(OutboxEntry)).all())


def cursor(store: Store) -> str | None:
    with store.repository.session() as session:
        state = session.get(SyncState, 1)
    return state.cursor if state else None


def test_this_devices_own_changes_coming_back_are_skipped_and_the_cursor_still_moves(enrolled: Store) -> None:
    hcp = enrolled.repository.create(Hcp, {"name": "Dr A", "specialty": "Oncology"})
    echo = edit(hcp.id, "hcp", {"specialty": "Neurology"}, {"specialty": later(enrolled)}, {}, device=enrolled.device_id)
    report = apply_pull(enrolled.repository, [echo], "cursor-1")
    assert report.applied == 0 and enrolled.repository.get(Hcp, hcp.id).specialty == "Oncology"
    assert cursor(enrolled) == "cursor-1"


def test_a_page_on_a_device_not_enrolled_is_refused_and_writes_nothing(store: Store) -> None:
    hcp = store.repository.create(Hcp, {"name": "Dr A", "specialty": "Oncology"})
    base = hcp.clocks[ALL_FIELDS]
    with pytest.raises(StoreError, match="not enrolled"):
        apply_pull(store.repository, [edit(hcp.id, "hcp", {"specialty": "Neurology"}, {"specialty": later(store)}, {"specialty": base})], "c")
    assert store.repository.get(Hcp, hcp.id).specialty == "Oncology"


def test_a_concurrent_edit_keeps_the_lost_value_as_a_conflict_and_sends_nothing_back(enrolled: Store) -> None:
    repository = enrolled.repository
    hcp = repository.create(Hcp, {"name": "Dr A", "specialty": "Oncology"})
    base = hcp.clocks[ALL_FIELDS]
    repository.update(Hcp, hcp.id, {"specialty": "Cardiology"})
    before = queued(enrolled)
    theirs = edit(hcp.id, "hcp", {"specialty": "Neurology"}, {"specialty": later(enrolled, 60_000)}, {"specialty": base})
    report = apply_pull(repository, [theirs], "cursor-1")
    with repository.session() as session:
        [conflict] = session.exec(select(Conflict)).all()
    assert report.conflicts == 1 and repository.get(Hcp, hcp.id).specialty == "Neurology"
    assert (conflict.kept_value, conflict.lost_value, conflict.resolved_at) == ("Neurology", "Cardiology", None)
    assert queued(enrolled) == before, "a pulled change already lives on the server"


def test_a_later_edit_made_with_both_values_in_view_settles_the_conflict_everywhere(enrolled: Store) -> None:
    repository = enrolled.repository
    hcp = repository.create(Hcp, {"name": "Dr A", "specialty": "Oncology"})
    base = hcp.clocks[ALL_FIELDS]
    repository.update(Hcp, hcp.id, {"specialty": "Cardiology"})
    won = later(enrolled, 60_000)
    apply_pull(repository, [edit(hcp.id, "hcp", {"specialty": "Neurology"}, {"specialty": won}, {"specialty": base})], "cursor-1")
    settled = Change(
        change_id="c-settle",
        table="hcp",
        record_id=hcp.id,
        fields={"specialty": "Haematology"},
        clocks={"specialty": later(enrolled, 120_000)},
        base_clocks={"specialty": won},
        device_id=OTHER,
    )
    apply_pull(repository, [settled], "cursor-2")
    with repository.session() as session:
        [conflict] = session.exec(select(Conflict)).all()
    assert conflict.resolution == "superseded" and repository.get(Hcp, hcp.id).specialty == "Haematology"


def test_an_edit_that_met_a_filed_record_becomes_one_amendment_however_often_the_page_arrives(enrolled: Store) -> None:
    repository = enrolled.repository
    hcp = repository.create(Hcp, {"name": "Dr A", "specialty": "Oncology", "contact_consent": True, "consent_recorded_at": datetime.now(UTC)})
    draft = repository.create(
        Interaction, {"hcp_id": hcp.id, "occurred_at": datetime(2026, 11, 24, 10, tzinfo=UTC), "channel": "phone", "notes": "as drafted"}
    )
    base = draft.clocks[ALL_FIELDS]
    filed = repository.submit(Interaction, draft.id)
    late = edit(filed.id, "interaction", {"notes": "edited elsewhere"}, {"notes": later(enrolled, 60_000)}, {"notes": base})
    report = apply_pull(repository, [late], "cursor-1")
    apply_pull(repository, [late], "cursor-2")
    with repository.session() as session:
        amendments = session.exec(select(Amendment)).all()
    assert report.amendments == 1 and repository.get(Interaction, filed.id).notes == "as drafted"
    assert [(a.subject_id, a.changes) for a in amendments] == [(filed.id, {"notes": "edited elsewhere"})]
