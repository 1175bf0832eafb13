"""A round of the client engine against a real server: a new device's first pull, page by page."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from liaison.core.records.models import Hcp, Interaction
from liaison.device.store import audit
from liaison.device.store.models import AuditEntry
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.device.sync.errors import SyncError
from liaison.server.embedded import EmbeddedServer
from tests.conftest import PASSPHRASE


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Store]:
    opened = Store.init(tmp_path / "laptop", PASSPHRASE, user="ada@example.org")
    yield opened
    opened.close()


def enrolled(store: Store, server: EmbeddedServer, code: str, **options: int) -> SyncEngine:
    engine = SyncEngine(store, **options)  # type: ignore[arg-type]
    engine.enroll(server.url, code, "device")
    return engine


def test_a_new_device_pulls_everything_page_by_page_with_one_receipt_a_page(server: EmbeddedServer, laptop: Store, store: Store) -> None:
    code = server.create_user("ada@example.org", "Ada", territory="north")
    writer = enrolled(laptop, server, code)
    hcps = [laptop.repository.create(Hcp, {"name": f"Dr Number {n}", "city": "Lyon"}) for n in range(7)]
    for hcp in hcps:
        laptop.repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": "dosing"})
    writer.run_once()

    tablet = enrolled(store, server, server.enroll_code("ada@example.org"), pull_limit=4)
    progress: list[tuple[str, float]] = []
    report = tablet.run_once(lambda stage, fraction: progress.append((stage, fraction)))

    assert report.pulled == report.applied == 14
    for hcp in hcps:
        assert store.repository.get(Hcp, hcp.id).name == hcp.name
    with store.repository.session() as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert audit.verify(session).intact
    receipts = [entry for entry in entries if entry.action == audit.RECEIVE]
    assert len(receipts) == 4, "14 changes in pages of 4"
    assert sorted(pair[0] for entry in receipts for pairs in entry.after["records"].values() for pair in pairs) == sorted(  # type: ignore[union-attr]
        [hcp.id for hcp in hcps] + [interaction.id for interaction in _interactions(laptop)]
    )
    assert report.anchored == entries[-1].seq, "the server anchors the chain up to its last receipt"
    pulled = [fraction for stage, fraction in progress if stage == "pull"]
    assert pulled == sorted(pulled) and len(set(pulled)) == 4, "the bar moves with every page"
    assert pulled[0] == pytest.approx(0.95 * 4 / 14) and pulled[-1] == pytest.approx(0.95)
    assert progress[-1] == ("done", 1.0)


def test_a_round_leaves_the_garbage_collector_as_it_found_it_even_when_it_fails(sqlite_server: EmbeddedServer, store: Store) -> None:
    engine = enrolled(store, sqlite_server, sqlite_server.create_user("ada@example.org", "Ada", territory="north"))
    engine.run_once()
    assert gc.isenabled()
    sqlite_server.stop()
    with pytest.raises(SyncError):
        engine.run_once()
    assert gc.isenabled()


def _interactions(store: Store) -> list[Interaction]:
    with store.repository.session() as session:
        return list(session.exec(select(Interaction)).all())
