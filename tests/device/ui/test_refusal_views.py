"""Refused changes on Home and Sync: what was refused and why, a correction in place, resend and discard.

The server's answer is given to the repository as the sync engine would give it
(the wire round itself is specified in tests/sync/test_refused_changes.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from liaison.core.protocol import RefusedChange
from liaison.core.records.models import AdverseEvent, Hcp
from liaison.device.store.models import OutboxEntry, SyncState
from liaison.device.store.store import Store
from liaison.device.sync.status import SyncStatus
from liaison.device.ui.components.status import describe
from tests.device.ui.driver import Session, click, shows, type_in


@pytest.fixture
def ui(territory_store: Store, data_dir: Path) -> Session:
    territory_store.repository.save_enrollment(SyncState(server_url="http://127.0.0.1:9", token="t", user_email="msl@example.org", user_name="MSL"))
    return Session.over(territory_store, data_dir)


def refuse(store: Store, record_id: str, code: str, message: str, field: str | None) -> str:
    """The server's answer to a push of every queued change of this record: the first refused, the rest held."""
    with store.repository.session() as session:
        entries = session.exec(select(OutboxEntry).where(OutboxEntry.record_id == record_id).order_by(OutboxEntry.seq)).all()
    sent = [entry.change_id for entry in entries]
    answers = [RefusedChange(change_id=sent[0], index=0, code=code, message=f"change {sent[0]}: {message}", field=field)]
    answers += [
        RefusedChange(change_id=later, index=n, code="held", message=f"change {later}: waits", field=None) for n, later in enumerate(sent[1:], 1)
    ]
    store.repository.acknowledge([], sent, answers)
    return sent[0]


def test_the_badge_counts_records_that_need_attention() -> None:
    assert describe(SyncStatus(online=True, pending=2, attention=1), True) == "Online · 2 pending · 1 needs your attention"
    assert (
        describe(SyncStatus(online=True, pending=0, conflicts=1, attention=3), True)
        == "Online · 0 pending · 1 conflict to review · 3 need your attention"
    )


def test_home_and_sync_name_the_refused_record_and_why(ui: Session, territory_store: Store) -> None:
    hcp = territory_store.repository.create(Hcp, {"name": "Dr Wrong Territory", "territory": "north"})
    refuse(territory_store, hcp.id, "forbidden", f"hcp {hcp.id}: belongs to territory 'north', not yours", "territory")

    home = ui.screen("Home")
    assert shows(home, "Needs your attention") and shows(home, "HCP Dr Wrong Territory was refused by the server")
    assert shows(home, "belongs to territory 'north', not yours")

    sync = ui.screen("Sync")
    assert shows(sync, "HCP Dr Wrong Territory · territory") and shows(sync, "1 change waiting to be sent")


def test_correcting_the_refused_field_in_place_resends_the_record_as_it_now_is(ui: Session, territory_store: Store) -> None:
    repository = territory_store.repository
    hcp = repository.create(Hcp, {"name": "Dr Wrong Territory", "territory": "north"})
    refuse(territory_store, hcp.id, "forbidden", f"hcp {hcp.id}: belongs to territory 'north', not yours", "territory")

    view = ui.screen("Sync")
    type_in(view, "Correct territory", "south")
    click(view, "Save and resend")

    assert repository.get(Hcp, hcp.id).territory == "south"
    assert repository.refused() == []
    with repository.session() as session:
        [queued] = session.exec(select(OutboxEntry).where(OutboxEntry.record_id == hcp.id)).all()
    assert queued.refused_at is None and queued.fields["territory"] == "south" and queued.fields["name"] == "Dr Wrong Territory"
    assert ui.notices[-1] == "Sent again at the next sync"
    assert shows(ui.follow(), "Nothing refused by the server.")


def test_a_correction_the_app_refuses_is_shown_beside_the_field_and_nothing_is_sent(ui: Session, territory_store: Store) -> None:
    repository = territory_store.repository
    hcp = repository.create(Hcp, {"name": "Dr Tiered", "kol_tier": 2})
    refuse(territory_store, hcp.id, "invalid", "hcp.kol_tier: kol tier not accepted by the server", "kol_tier")

    view = ui.screen("Sync")
    type_in(view, "Correct kol tier", "9")
    click(view, "Save and resend")

    assert ui.notices[-1] == "KOL tier: must be 4 or less"
    assert len(repository.refused()) == 1, "still waiting: nothing was resent"


def test_discard_is_offered_for_an_hcp_but_never_for_an_adverse_event(ui: Session, territory_store: Store) -> None:
    repository = territory_store.repository
    hcp = repository.create(Hcp, {"name": "Dr To Drop", "territory": "north"})
    refuse(territory_store, hcp.id, "forbidden", "belongs to territory 'north', not yours", "territory")
    event = repository.create(
        AdverseEvent, {"reporter": "Dr Lee", "aware_at": datetime.now(UTC) - timedelta(hours=1), "product": "zentrolimab", "description": "rash"}
    )
    refuse(territory_store, event.id, "invalid", "adverse_event.description: not accepted", "description")

    view = ui.screen("Sync")
    assert shows(view, "an adverse event or inquiry is never discarded")
    click(view, "Discard")  # the only Discard button is the HCP's

    assert [refusal.table for refusal in repository.refused()] == ["adverse_event"]
    assert ui.notices[-1] == "Discarded; the audit log keeps what it said"
