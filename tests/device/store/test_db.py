"""The encrypted database under real faults: a full device and a damaged page, each one line, nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, text
from sqlmodel import select

from liaison.core.errors import StorageFull, StoreDamaged
from liaison.core.protocol import Change
from liaison.core.records.models import Hcp
from liaison.device.store import audit, keys
from liaison.device.store.models import OutboxEntry, SyncState
from liaison.device.store.store import Store
from liaison.device.sync.apply import apply_pull
from tests.conftest import PASSPHRASE

PAGE_SIZE = 4096  # SQLCipher 4's default
NO_LIMIT = 4294967294  # SQLite's largest max_page_count
NOTES = "Discussed the renal subgroup at length. " * 240  # about 10 KB, the notes' limit: needs pages the store does not have yet


class Storage:
    """The store's room to grow, as SQLite itself enforces it: PRAGMA max_page_count on every connection handed out.

    `fill()` caps the file at the pages it already has, so the next write that
    needs a new page fails inside SQLite with SQLITE_FULL, as on a full device.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.limit = NO_LIMIT
        event.listen(store.engine, "checkout", self._apply)

    def _apply(self, connection: Any, record: Any, proxy: Any) -> None:
        connection.execute(f"PRAGMA max_page_count = {self.limit}")

    def fill(self) -> None:
        with self.store.engine.connect() as connection:
            self.limit = connection.exec_driver_sql("PRAGMA page_count").scalar_one()

    def free(self) -> None:
        self.limit = NO_LIMIT


def counts(store: Store) -> tuple[int, ...]:
    """HCPs, outbox entries and audit entries: what a half-written change would leave behind."""
    with store.engine.connect() as connection:
        return tuple(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() for table in ("hcp", "outbox", "audit_log"))


def intact(store: Store) -> bool:
    with store.repository.session() as session:
        ok = session.exec(text("PRAGMA integrity_check")).one()[0] == "ok"  # type: ignore[call-overload]
        return ok and audit.verify(session).intact


@pytest.fixture
def storage(store: Store) -> Storage:
    return Storage(store)


# --- a full device -----------------------------------------------------------------


def test_a_save_on_a_full_device_is_refused_in_one_line_and_nothing_is_written(store: Store, storage: Storage) -> None:
    store.repository.create(Hcp, {"name": "Dr Rosalind Franklin"})
    before = counts(store)
    storage.fill()
    with pytest.raises(StorageFull) as refused:
        store.repository.create(Hcp, {"name": "Dr Marie Curie", "notes": NOTES})
    assert str(refused.value) == "the device's storage is full: free some space; nothing of this change was written"
    assert counts(store) == before
    assert intact(store), "the outbox and the audit chain are as they were"


def test_the_next_save_after_space_is_freed_is_kept(store: Store, storage: Storage) -> None:
    storage.fill()
    with pytest.raises(StorageFull):
        store.repository.create(Hcp, {"name": "Dr Marie Curie", "notes": NOTES})
    storage.free()
    hcp = store.repository.create(Hcp, {"name": "Dr Marie Curie", "notes": NOTES})
    assert store.repository.get(Hcp, hcp.id).notes == NOTES
    assert counts(store)[:2] == (1, 1)
    assert intact(store)


def test_an_edit_on_a_full_device_leaves_the_record_as_it_was(store: Store, storage: Storage) -> None:
    hcp = store.repository.create(Hcp, {"name": "Dr Marie Curie"})
    before = counts(store)
    storage.fill()
    with pytest.raises(StorageFull):
        store.repository.update(Hcp, hcp.id, {"notes": NOTES})
    assert store.repository.get(Hcp, hcp.id).notes is None
    assert counts(store) == before and intact(store)


@pytest.fixture
def maker(tmp_path: Path) -> Iterator[Store]:
    """A colleague's device: its outbox is the page the server hands this one."""
    opened = Store.init(tmp_path / "maker", PASSPHRASE, user="colleague@example.org")
    for number in range(40):
        opened.repository.create(Hcp, {"name": f"Dr Number {number}", "notes": NOTES[: 2000 + number]})
    yield opened
    opened.close()


def pulled_page(store: Store) -> list[Change]:
    with store.repository.session() as session:
        entries = session.exec(select(OutboxEntry).order_by(OutboxEntry.seq)).all()
    return [
        Change(
            change_id=entry.change_id,
            table=entry.table_name,
            record_id=entry.record_id,
            fields=entry.fields,
            clocks=entry.clocks,
            base_clocks=entry.base_clocks,
            device_id=store.device_id,
        )
        for entry in entries
    ]


def cursor(store: Store) -> str | None:
    with store.repository.session() as session:
        state = session.get(SyncState, 1)
    assert state is not None
    return state.cursor


def test_a_pulled_page_on_a_full_device_writes_nothing_and_keeps_the_cursor(store: Store, storage: Storage, maker: Store) -> None:
    store.repository.save_enrollment(SyncState(server_url="https://liaison.example.org", token="t", user_email="msl@example.org", user_name="MSL"))
    page = pulled_page(maker)
    before, where = counts(store), cursor(store)
    storage.fill()
    with pytest.raises(StorageFull):
        apply_pull(store.repository, page, "cursor-1")
    assert counts(store) == before and cursor(store) == where
    assert intact(store)

    storage.free()
    apply_pull(store.repository, page, "cursor-1")
    assert counts(store)[0] == 40 and cursor(store) == "cursor-1"
    assert intact(store)


# --- a damaged page ----------------------------------------------------------------


def flip(path: Path, offset: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0xFF
    path.write_bytes(bytes(raw))


def page_of(data_dir: Path, table: str) -> int:
    with Store.open(data_dir, PASSPHRASE) as store, store.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).scalar_one()


def read_everything(store: Store) -> None:
    with store.engine.connect() as connection:
        tables = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars().all()
        for table in tables:
            connection.exec_driver_sql(f'SELECT * FROM "{table}"').all()


@pytest.fixture
def closed_store(data_dir: Path) -> Path:
    with Store.init(data_dir, PASSPHRASE) as store:
        for number in range(20):
            store.repository.create(Hcp, {"name": f"Dr Number {number}"})
    return data_dir


def test_a_damaged_page_is_named_when_it_is_read(closed_store: Path) -> None:
    flip(closed_store / "liaison.db", (page_of(closed_store, "hcp") - 1) * PAGE_SIZE + 200)
    with Store.open(closed_store, PASSPHRASE) as store, pytest.raises(StoreDamaged) as damaged, store.repository.session() as session:
        session.exec(select(Hcp)).all()
    message = str(damaged.value)
    assert str(closed_store / "liaison.db") in message and "support" in message and "\n" not in message


def test_a_damaged_first_page_is_named_at_unlock(closed_store: Path) -> None:
    flip(closed_store / "liaison.db", 300)
    with pytest.raises(StoreDamaged, match="liaison.db"):
        Store.open(closed_store, PASSPHRASE)


def test_a_truncated_database_is_named_at_unlock(closed_store: Path) -> None:
    path = closed_store / "liaison.db"
    path.write_bytes(path.read_bytes()[: PAGE_SIZE // 2])
    with pytest.raises(StoreDamaged, match="liaison.db"):
        Store.open(closed_store, PASSPHRASE)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes]:
    data_dir = tmp_path_factory.mktemp("pristine") / "store"
    with Store.init(data_dir, PASSPHRASE) as store:
        for number in range(20):
            store.repository.create(Hcp, {"name": f"Dr Number {number}", "notes": NOTES[:3000]})
    return data_dir, (data_dir / "liaison.db").read_bytes(), keys.unlock(data_dir, PASSPHRASE)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_whichever_byte_is_damaged_reading_either_works_or_says_the_store_is_damaged(pristine: tuple[Path, bytes, bytes], where: float) -> None:
    data_dir, database, data_key = pristine
    damaged = bytearray(database)
    damaged[int(where * len(database))] ^= 0x5A
    (data_dir / "liaison.db").write_bytes(bytes(damaged))
    try:
        with Store.open(data_dir, data_key=data_key) as store:
            read_everything(store)
    except StoreDamaged as error:
        assert "liaison.db" in str(error) and "\n" not in str(error)
    finally:
        (data_dir / "liaison.db").write_bytes(database)
