"""The audit chain is anchored on the server at every sync: rewriting history on the device afterwards shows.

A real server on loopback (SQLite and PostgreSQL), devices driven through the
`liaison` CLI, the server checked through `liaison-server verify-audit`. The
tampering is what someone holding the store's key could do: rewrite or delete
entries (and the record they describe), then recompute every hash after them so
the device's own chain verifies again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from liaison.device.cli import cli as liaison_cli
from liaison.device.store import audit
from liaison.device.store.models import AuditEntry
from liaison.device.store.store import Store
from liaison.server.admin import list_devices
from liaison.server.cli import cli as server_cli
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow
from tests.conftest import PASSPHRASE
from tests.sync.test_two_devices import liaison

runner = CliRunner()


def server_verify(server: EmbeddedServer, device_id: str) -> tuple[int, str]:
    result = runner.invoke(server_cli, ["verify-audit", "--device", device_id, "--database-url", server.settings.database_url])
    return result.exit_code, result.output


@pytest.fixture
def laptop(server: EmbeddedServer, tmp_path: Path) -> tuple[Path, str]:
    """An enrolled device that has done a day's work and synced it; returns its data dir and device id."""
    code = server.create_user("ada@example.org", "Ada", territory="north")
    data_dir = tmp_path / "laptop"
    liaison(data_dir, "init")
    liaison(data_dir, "enroll", "--server", server.url, "--code", code)
    hcp_id = liaison(data_dir, "hcp", "add", "--name", "Dr Marie Curie", "--consent")
    liaison(data_dir, "hcp", "edit", hcp_id, "--specialty", "Oncology")
    liaison(data_dir, "interaction", "add", "--hcp", hcp_id, "--notes", "MoA discussion", "--submit")
    liaison(data_dir, "sync")
    [device] = list_devices(server.engine)
    return data_dir, device.id


def entries(data_dir: Path) -> int:
    with Store.open(data_dir, PASSPHRASE) as store, store.repository.session() as session:
        return audit.verify(session).entries


def rewrite_history(data_dir: Path, seq: int, how: str) -> None:
    """Change entry `seq` (and its record) or delete it, then recompute every digest and hash after it with the key."""
    with Store.open(data_dir, PASSPHRASE) as store:
        with store.engine.begin() as connection:
            if how == "rewrite":
                connection.execute(text("UPDATE audit_log SET after = json_set(after, '$.specialty', 'Dermatology') WHERE seq = :seq"), {"seq": seq})
                connection.execute(text("UPDATE hcp SET specialty = 'Dermatology'"))
            else:
                record = connection.execute(text("SELECT table_name, record_id FROM audit_log WHERE seq = :seq"), {"seq": seq}).one()
                connection.execute(text(f"DELETE FROM {record.table_name} WHERE id = :id"), {"id": record.record_id})
                connection.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": seq})
                last = connection.execute(text("SELECT max(seq) FROM audit_log")).scalar_one()
                for later in range(seq + 1, last + 1):
                    connection.execute(text("UPDATE audit_log SET seq = :new WHERE seq = :old"), {"new": later - 1, "old": later})
        with Session(store.engine) as session:
            previous = session.exec(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)).first() or audit.GENESIS
            for entry in session.exec(select(AuditEntry).where(col(AuditEntry.seq) >= seq).order_by(col(AuditEntry.seq))).all():
                if entry.salt is not None:  # the key holder can re-digest a rewritten payload too
                    entry.payload_digest = audit.payload_digest(entry.salt, entry.before, entry.after)
                entry.prev_hash = previous
                entry.hash = previous = audit.entry_hash(entry)
                session.add(entry)
            session.commit()
        with store.repository.session() as session:
            assert audit.verify(session).intact, "the recomputed chain fools the device's own check"


def test_an_untouched_device_verifies_clean_on_both_sides_sync_after_sync(server: EmbeddedServer, laptop: tuple[Path, str]) -> None:
    data_dir, device_id = laptop
    count = entries(data_dir)
    assert liaison(data_dir, "verify-audit") == f"audit chain intact: {count} entries; matches the server up to entry {count}"
    code, output = server_verify(server, device_id)
    assert code == 0 and f"audit anchor intact: {count} entries anchored, head entry {count}" in output

    liaison(data_dir, "hcp", "add", "--name", "Dr Louis Pasteur")
    liaison(data_dir, "sync")
    liaison(data_dir, "sync")
    assert liaison(data_dir, "verify-audit").endswith(f"matches the server up to entry {count + 1}")
    assert server_verify(server, device_id)[0] == 0


@pytest.mark.parametrize("how", ["rewrite", "delete"])
def test_history_rewritten_after_a_sync_is_caught_by_both_verify_commands(server: EmbeddedServer, laptop: tuple[Path, str], how: str) -> None:
    data_dir, device_id = laptop
    rewrite_history(data_dir, 2, how)

    message = liaison(data_dir, "verify-audit", ok=False)
    assert message.startswith("error: audit chain does not match its anchor on the server at entry 2: entry 2 differs")

    server.stop()
    offline = liaison(data_dir, "verify-audit", ok=False)
    assert "does not match its anchor on the copy of the last anchor kept on this device" in offline, "offline, the kept copy still catches it"
    server.start()

    new_hcp = liaison(data_dir, "hcp", "add", "--name", "Dr Louis Pasteur")
    result = runner.invoke(liaison_cli, ["sync"], env={"LIAISON_DATA_DIR": str(data_dir), "LIAISON_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, "a break is recorded, never a refusal"
    assert "does not match its anchor" in result.stderr
    with Session(server.engine) as session:
        assert session.get(RecordRow, ("hcp", new_hcp)) is not None, "what the MSL entered after the tampering still reached the server"

    code, output = server_verify(server, device_id)
    assert code == 1
    assert output.splitlines()[0].startswith("entry 2: entry 2 differs from the copy anchored on ")
    assert output.splitlines()[-1].startswith(f"error: device {device_id}: audit chain broken at entry 2: ")
    assert liaison(data_dir, "verify-audit", ok=False).startswith("error: audit chain does not match its anchor on the server at entry 2")
    liaison(data_dir, "sync")
    listed = server_verify(server, device_id)[1].splitlines()[:-1]
    assert listed == output.splitlines()[:-1], "a break is recorded once, however often the device syncs"


def test_a_device_that_loses_its_newest_entries_is_caught_too(server: EmbeddedServer, laptop: tuple[Path, str]) -> None:
    data_dir, device_id = laptop
    last = entries(data_dir)
    with Store.open(data_dir, PASSPHRASE) as store, store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": last})
    assert liaison(data_dir, "verify-audit", ok=False).endswith(f"entry {last}: entry {last} was anchored but is no longer on this device")
    liaison(data_dir, "sync")
    code, output = server_verify(server, device_id)
    assert (
        code == 1
        and f"audit chain broken at entry {last}: entries {last} to {last} were anchored but the device's chain now ends at {last - 1}" in output
    )


def test_an_enrolled_device_that_cannot_reach_the_server_says_it_used_its_kept_copy(server: EmbeddedServer, laptop: tuple[Path, str]) -> None:
    data_dir, _ = laptop
    count = entries(data_dir)
    server.stop()
    said = liaison(data_dir, "verify-audit")
    assert said.startswith(f"audit chain intact: {count} entries; matches the copy of the last anchor kept on this device up to entry {count}")
    assert "the server could not be asked" in said
    server.start()


def test_a_device_never_enrolled_checks_its_own_chain_and_says_nothing_anchors_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "solo"
    liaison(data_dir, "init")
    liaison(data_dir, "hcp", "add", "--name", "Dr Marie Curie")
    assert (
        liaison(data_dir, "verify-audit")
        == "audit chain intact: 1 entries; not compared with an anchor: this device is not enrolled, so nothing anchors its audit log"
    )


def test_the_server_names_an_unknown_device(server: EmbeddedServer) -> None:
    assert server_verify(server, "no-such-device") == (1, "error: device: no device no-such-device\n")
