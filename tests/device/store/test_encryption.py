"""At rest, nothing of a stored record is readable without the key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from liaison.core.records.models import AdverseEvent, Hcp, Insight, Interaction
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE

MARKER = "Zebrafinch-7Q-unique-marker"


def write_marked_records(store: Store) -> None:
    now = datetime.now(UTC)
    hcp = store.repository.create(Hcp, {"name": f"Dr {MARKER}", "notes": MARKER})
    store.repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": now, "channel": "phone", "notes": MARKER})
    store.repository.create(AdverseEvent, {"reporter": "nurse", "aware_at": now, "product": "zentrolimab", "description": MARKER})
    store.repository.create(Insight, {"text": MARKER, "captured_at": now})


def every_file(data_dir: Path) -> list[Path]:
    return [path for path in data_dir.rglob("*") if path.is_file()]


def test_no_file_in_the_data_dir_holds_a_stored_marker_in_plain_text(store: Store, data_dir: Path) -> None:
    write_marked_records(store)
    files_while_open = every_file(data_dir)
    assert any(path.name.endswith("-wal") for path in files_while_open), "the WAL must be checked too"
    for path in files_while_open:
        content = path.read_bytes()
        for needle in (MARKER.encode("utf-8"), MARKER.encode("utf-16-le"), MARKER.lower().encode()):
            assert needle not in content, f"{path.name} holds the marker in plain text"
    store.close()
    for path in every_file(data_dir):
        assert MARKER.encode() not in path.read_bytes(), f"{path.name} holds the marker after closing"


def test_the_database_file_is_not_a_plain_sqlite_file(store: Store, data_dir: Path) -> None:
    write_marked_records(store)
    store.close()
    assert not (data_dir / "liaison.db").read_bytes().startswith(b"SQLite format 3")


def test_records_survive_closing_and_reopening(store: Store, data_dir: Path) -> None:
    write_marked_records(store)
    store.close()
    with Store.open(data_dir, PASSPHRASE) as reopened, reopened.repository.session() as session:
        assert len(session.exec(select(Hcp).where(Hcp.notes == MARKER)).all()) == 1
