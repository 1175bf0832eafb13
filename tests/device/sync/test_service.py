"""Background sync as the app runs it: against a real server on loopback that comes and goes."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from liaison.core.records.models import Hcp
from liaison.device.store.keys import key_file_path
from liaison.device.store.models import SyncState
from liaison.device.store.store import Store
from liaison.device.sync.engine import RoundReport, SyncEngine
from liaison.device.sync.service import BACKOFF_START_S, SyncService
from liaison.device.sync.status import SyncStatus
from liaison.server import admin
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import ChangeLog
from tests.conftest import PASSPHRASE

EMAIL = "ada@example.org"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(tmp_path / "server.db") as running:
        yield running


@pytest.fixture
def laptop(tmp_path: Path, server: EmbeddedServer) -> Iterator[Store]:
    store = Store.init(tmp_path / "laptop", PASSPHRASE, user=EMAIL)
    SyncEngine(store).enroll(server.url, server.create_user(EMAIL, "Ada", territory="north"), "laptop")
    yield store
    if not store.locked:
        store.close()


class Watcher:
    """Every status the service publishes, in order."""

    def __init__(self, service: SyncService) -> None:
        self.seen: list[SyncStatus] = []
        self._changed = threading.Condition()
        service.subscribe(self._record)

    def _record(self, status: SyncStatus) -> None:
        with self._changed:
            self.seen.append(status)
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[SyncStatus], bool], timeout: float = 60) -> SyncStatus:
        with self._changed:
            assert self._changed.wait_for(lambda: any(condition(status) for status in self.seen), timeout), self.seen[-3:]
            return next(status for status in self.seen if condition(status))


def server_changes(server: EmbeddedServer) -> list[ChangeLog]:
    with Session(server.engine) as session:
        return list(session.exec(select(ChangeLog)).all())


def test_while_the_server_cannot_be_reached_probes_back_off_exponentially_with_jitter_up_to_a_cap(server: EmbeddedServer, laptop: Store) -> None:
    server.stop()
    service = SyncService(laptop, interval_minutes=1, rng=random.Random(7))
    waits = [service.round() for _ in range(8)]
    expected = [min(BACKOFF_START_S * 2**attempt, 60.0) for attempt in range(8)]
    for wait, backoff in zip(waits, expected, strict=True):
        assert 0.5 * backoff <= wait <= min(1.5 * backoff, 60.0)
    assert max(waits) <= 60.0, "capped at the sync interval"
    assert len({round(wait / backoff, 6) for wait, backoff in zip(waits, expected, strict=True) if backoff < 40}) > 1, "jittered"
    assert service.status.online is False and service.status.running is False


def test_when_the_network_returns_the_next_attempt_syncs_and_says_what_it_did(tmp_path: Path, server: EmbeddedServer, laptop: Store) -> None:
    port = server.port
    server.stop()
    service = SyncService(laptop, interval_minutes=5, rng=random.Random(1))
    watcher = Watcher(service)
    laptop.repository.create(Hcp, {"name": "Dr Offline Visit"})
    service.refresh()
    assert service.round() < 5 * 60 and service.status.online is False
    assert service.status.pending == 1, "the change waits in the outbox"

    with EmbeddedServer(tmp_path / "server.db", port=port):
        assert service.round() == 5 * 60
        status = service.status
        assert (status.online, status.running, status.pending, status.error) == (True, False, 0, None)
        assert status.last_success is not None and status.history[0].endswith("pushed 1, received 0")
        fractions = [seen.progress for seen in watcher.seen if seen.running and seen.progress is not None]
        assert fractions and fractions == sorted(fractions) and all(0 <= fraction <= 1 for fraction in fractions)
        assert status.progress is None


def test_a_server_that_answers_the_probe_but_fails_every_round_is_backed_off_too(server: EmbeddedServer, laptop: Store) -> None:
    laptop.repository.create(Hcp, {"name": "Dr Pending"})
    with server.engine.begin() as connection:
        connection.execute(text("DROP TABLE change_log"))  # the server's database breaks; its health probe still answers
    service = SyncService(laptop, interval_minutes=5, rng=random.Random(3))
    waits = [service.round() for _ in range(5)]
    assert waits[-1] > 4 * BACKOFF_START_S and all(wait < 5 * 60 for wait in waits)
    assert service.status.error == "the server had a problem (HTTP 500); will retry"
    assert service.status.pending == 1, "nothing sent is lost"


def test_a_refused_token_is_reported_in_plain_words(server: EmbeddedServer, laptop: Store) -> None:
    with laptop.repository.session() as session:
        state = session.get(SyncState, 1)
        assert state is not None
    laptop.repository.save_enrollment(SyncState(**{**state.model_dump(), "token": "not-the-token-the-server-issued"}))
    service = SyncService(laptop)
    service.round()
    assert service.status.error == "server refused the device token"
    assert service.status.history[0].endswith("failed: server refused the device token")


def test_a_revoked_device_wipes_its_store_and_stops_syncing(server: EmbeddedServer, laptop: Store) -> None:
    admin.revoke_device(server.engine, laptop.device_id)
    service = SyncService(laptop)
    assert service.round() == 0
    assert service.status.revoked and "revoked" in (service.status.error or "")
    assert not key_file_path(laptop.data_dir).exists(), "the key is gone: what is left cannot be decrypted"


def test_a_change_the_app_cannot_store_stops_the_pull_there_in_plain_words_and_nothing_of_its_page_is_written(
    server: EmbeddedServer, laptop: Store
) -> None:
    tablet = SyncEngine(laptop)
    colleague = Store.init(laptop.data_dir.parent / "colleague", PASSPHRASE, user=EMAIL)
    try:
        SyncEngine(colleague).enroll(server.url, server.enroll_code(EMAIL), "desktop")
        colleague.repository.create(Hcp, {"name": "Dr Good"})
        bad = colleague.repository.create(Hcp, {"name": "Dr Legacy"})
        SyncEngine(colleague).run_once()
    finally:
        colleague.close()
    with server.engine.begin() as connection:  # as an older server, which checked no values, would have kept it
        connection.execute(text("UPDATE change_log SET fields = json_set(fields, '$.kol_tier', 'top') WHERE record_id = :id"), {"id": bad.id})

    service = SyncService(laptop, engine=tablet)
    assert service.round() == service.interval
    assert service.status.error is not None
    assert f"cannot store (hcp {bad.id}, kol_tier: " in service.status.error
    assert "nothing of that page was written" in service.status.error
    with laptop.repository.session() as session:
        assert session.exec(select(Hcp)).all() == []
        assert session.get(SyncState, 1).cursor == ""  # type: ignore[union-attr]

    with server.engine.begin() as connection:
        connection.execute(text("UPDATE change_log SET fields = json_set(fields, '$.kol_tier', 2) WHERE record_id = :id"), {"id": bad.id})
    service.round()
    assert service.status.error is None
    assert {hcp.name for hcp in laptop.repository.session().exec(select(Hcp)).all()} == {"Dr Good", "Dr Legacy"}


class FailsOnce(SyncEngine):
    """An engine with a bug in its first round: the kind of failure no test can provoke through the real parts."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.rounds = 0

    def run_once(self, progress: Callable[[str, float], None] | None = None) -> RoundReport:
        self.rounds += 1
        if self.rounds == 1:
            raise KeyError("a bug")
        return super().run_once(progress)


def test_an_unexpected_failure_ends_the_round_not_background_sync(server: EmbeddedServer, laptop: Store) -> None:
    service = SyncService(laptop, interval_minutes=60, engine=FailsOnce(laptop))
    watcher = Watcher(service)
    service.start()
    try:
        failed = watcher.wait_for(lambda status: status.error is not None)
        assert failed.error == "sync failed unexpectedly (KeyError); it will try again"
        service.sync_now()
        watcher.wait_for(lambda status: status.last_success is not None)
    finally:
        service.stop()


def test_the_loop_syncs_at_start_and_again_on_sync_now_without_waiting_for_the_interval(server: EmbeddedServer, laptop: Store) -> None:
    service = SyncService(laptop, interval_minutes=60)
    watcher = Watcher(service)
    service.start()
    try:
        first = watcher.wait_for(lambda status: status.last_success is not None)
        laptop.repository.create(Hcp, {"name": "Dr Seen Today"})
        service.refresh()
        assert service.status.pending == 1
        service.sync_now()
        watcher.wait_for(lambda status: status.last_success is not None and status.last_success > first.last_success and status.pending == 0)  # type: ignore[operator]
        assert [change.table_name for change in server_changes(server)] == ["hcp"]
    finally:
        service.stop()
    assert not any(thread.name == "liaison-sync" for thread in threading.enumerate()), "stop() wakes the loop rather than waiting out the interval"
