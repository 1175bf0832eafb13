"""A requested HCP stays with the MSL who requested it until the data steward decides; approval shares it with the
territory, rejection leaves it with the requester, and a merge moves the requester's records to the existing HCP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from liaison.core.errors import LiaisonError
from liaison.core.records.models import Hcp, Insight, Interaction
from liaison.device.store import queries
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server import stewardship
from liaison.server.embedded import EmbeddedServer
from tests.conftest import PASSPHRASE

STEWARD = "dora.steward@example.org"
EXISTING = {"name": "Dr Marie Curie", "contact_consent": True, "institution": "Institut Curie", "city": "Paris", "territory": "north"}


@pytest.fixture
def msls(server: EmbeddedServer, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Ada and Ben, two MSLs of one territory, each on their own device; Dora is the data steward."""
    server.create_user(STEWARD, "Dora", role="data_steward")
    stores = []
    for email, name in (("ada@example.org", "Ada"), ("ben@example.org", "Ben")):
        server.create_user(email, name, territory="north")
        store = Store.init(tmp_path / name, PASSPHRASE, user=email)
        SyncEngine(store).enroll(server.url, server.enroll_code(email), name)
        stores.append(store)
    yield stores[0], stores[1]
    for store in stores:
        store.close()


def sync(*stores: Store) -> None:
    for store in stores:
        SyncEngine(store).run_once()


def held(store: Store, hcp_id: str) -> Hcp | None:
    with store.repository.session() as session:
        return session.get(Hcp, hcp_id)


def request(store: Store, name: str, **fields: object) -> Hcp:
    return store.repository.create(Hcp, {"name": name, "territory": "north", "contact_consent": True, "master_status": "requested", **fields})


def test_a_request_is_invisible_to_the_other_msl_until_the_steward_approves_it(server: EmbeddedServer, msls: tuple[Store, Store]) -> None:
    ada, ben = msls
    hcp = request(ada, "Dr Rosalind Franklin", institution="King's College", email="rf@kcl.example")
    ada.repository.create_submitted(Interaction, {"hcp_id": hcp.id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": "DNA"})
    sync(ada, ben)
    assert held(ben, hcp.id) is None, "the other MSL never receives a request"
    with Session(server.engine) as session:
        [queued] = stewardship.queue(session)
    assert (queued.hcp_id, queued.requested_by, queued.duplicates) == (hcp.id, "ada@example.org", [])

    stewardship.approve(server.engine, steward_email=STEWARD, hcp_id=hcp.id)
    sync(ben, ada)
    shared = held(ben, hcp.id)
    assert shared is not None and (shared.name, shared.email, shared.master_status) == ("Dr Rosalind Franklin", "rf@kcl.example", "approved")
    assert shared.created_by == "ada@example.org" and shared.updated_by == STEWARD
    mine = ada.repository.get(Hcp, hcp.id)
    assert mine.master_status == "approved"


def test_a_rejected_request_stays_with_its_requester_flagged_with_the_reason(server: EmbeddedServer, msls: tuple[Store, Store]) -> None:
    ada, ben = msls
    hcp = request(ada, "Dr Nobody")
    insight = ada.repository.create(Insight, {"hcp_id": hcp.id, "text": "Asked about dosing in renal impairment", "captured_at": datetime.now(UTC)})
    sync(ada)
    stewardship.reject(server.engine, steward_email=STEWARD, hcp_id=hcp.id, reason="Not an HCP of ours: a patient advocate")
    sync(ada, ben)
    rejected = ada.repository.get(Hcp, hcp.id)
    assert (rejected.master_status, rejected.steward_note, rejected.deleted) == ("rejected", "Not an HCP of ours: a patient advocate", False)
    assert ada.repository.get(Insight, insight.id).hcp_id == hcp.id, "the requester's records stay as they were"
    assert held(ben, hcp.id) is None


def test_a_merge_repoints_the_requesters_interaction_to_the_existing_hcp_on_their_device(server: EmbeddedServer, msls: tuple[Store, Store]) -> None:
    ada, ben = msls
    existing = ben.repository.create(Hcp, EXISTING)
    sync(ben, ada)
    duplicate = request(ada, "Prof. Marie CURIE", institution="Institut Curie")
    visit = ada.repository.create_submitted(
        Interaction, {"hcp_id": duplicate.id, "occurred_at": datetime.now(UTC), "channel": "in_person", "notes": "Radium"}
    )
    insight = ada.repository.create(Insight, {"hcp_id": duplicate.id, "text": "Interested in the isotope registry", "captured_at": datetime.now(UTC)})
    sync(ada, ben)
    assert held(ben, duplicate.id) is None

    with Session(server.engine) as session:
        [queued] = stewardship.queue(session)
    assert [(item.hcp_id, item.reason) for item in queued.duplicates] == [(existing.id, "same name and institution")]

    moved = stewardship.merge(server.engine, steward_email=STEWARD, hcp_id=duplicate.id, into_id=existing.id)
    assert moved == 2
    sync(ada, ben)
    repointed = ada.repository.get(Interaction, visit.id)
    assert (repointed.hcp_id, repointed.status, repointed.notes) == (existing.id, "submitted", "Radium"), "filed, and now under the existing HCP"
    assert (repointed.created_by, repointed.updated_by) == ("ada@example.org", STEWARD), "moved by the steward, still Ada's"
    assert ada.repository.get(Insight, insight.id).hcp_id == existing.id
    gone = ada.repository.get(Hcp, duplicate.id, include_deleted=True)
    assert (gone.deleted, gone.master_status, gone.merged_into) == (True, "merged", existing.id)
    with ada.repository.session() as session:
        assert [item.id for item in queries.interactions(session, hcp_id=existing.id)] == [visit.id]
    assert held(ben, duplicate.id) is None


def test_an_msl_cannot_approve_their_own_request_from_the_device(server: EmbeddedServer, msls: tuple[Store, Store]) -> None:
    ada, ben = msls
    hcp = request(ada, "Dr Self Approved")
    sync(ada)
    ada.repository.update(Hcp, hcp.id, {"master_status": "approved"})
    sync(ada, ben)
    [refusal] = ada.repository.refused()
    assert "only the data steward sets master_status" in refusal.message
    assert held(ben, hcp.id) is None


@pytest.mark.parametrize("role", ["msl", "manager"])
def test_only_a_data_steward_or_administrator_decides(server: EmbeddedServer, msls: tuple[Store, Store], role: str) -> None:
    ada, _ = msls
    hcp = request(ada, "Dr Waiting")
    sync(ada)
    server.create_user(f"{role}.x@example.org", "X", role=role, territory="north")
    with pytest.raises(LiaisonError, match="only a data steward or an administrator decides"):
        stewardship.approve(server.engine, steward_email=f"{role}.x@example.org", hcp_id=hcp.id)


def test_an_edit_the_requester_made_before_the_approval_reached_them_still_wins(server: EmbeddedServer, msls: tuple[Store, Store]) -> None:
    ada, ben = msls
    hcp = request(ada, "Dr Barbara McClintock", institution="Cold Spring Harbor")
    sync(ada)
    ada.repository.update(Hcp, hcp.id, {"notes": "Prefers e-mail before a visit"})  # offline, before the approval
    stewardship.approve(server.engine, steward_email=STEWARD, hcp_id=hcp.id)
    sync(ada, ben, ada)
    for store in (ada, ben):
        held_here = store.repository.get(Hcp, hcp.id)
        assert (held_here.notes, held_here.master_status) == ("Prefers e-mail before a visit", "approved")
    with ada.repository.session() as session:
        kept = [(conflict.field, conflict.kept_value) for conflict in queries.open_conflicts(session)]
    assert kept in ([], [("notes", "Prefers e-mail before a visit")]), "at most a note to review that keeps the MSL's edit"


def test_an_interaction_logged_offline_against_a_request_after_its_merge_follows_it_to_the_existing_hcp(
    server: EmbeddedServer, msls: tuple[Store, Store]
) -> None:
    ada, ben = msls
    existing = ben.repository.create(Hcp, EXISTING)
    sync(ben, ada)
    duplicate = request(ada, "Marie Curie", city="Paris")
    sync(ada)
    stewardship.merge(server.engine, steward_email=STEWARD, hcp_id=duplicate.id, into_id=existing.id)
    late = ada.repository.create_submitted(
        Interaction, {"hcp_id": duplicate.id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": "Logged offline"}
    )
    sync(ada, ada)
    moved = ada.repository.get(Interaction, late.id)
    assert (moved.hcp_id, moved.status, moved.updated_by) == (existing.id, "submitted", STEWARD)
