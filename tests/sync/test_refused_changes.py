"""A refused change never stops the rest: it waits, in plain words, for the MSL to correct and resend or discard it.

Each scenario runs against a real server on loopback, over SQLite and PostgreSQL,
through the CLI as an MSL or support would drive it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from liaison.device.cli import cli
from liaison.device.store.models import AuditEntry, OutboxEntry
from liaison.device.store.store import Store
from liaison.device.sync import engine as sync_engine
from liaison.device.sync.engine import SyncEngine
from liaison.server import admin
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow, SafetyIntake
from tests.conftest import PASSPHRASE

runner = CliRunner()
AWARE = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="minutes")


def liaison(data_dir: Path, *args: str, ok: bool = True) -> tuple[str, str]:
    result = runner.invoke(cli, list(args), env={"LIAISON_DATA_DIR": str(data_dir), "LIAISON_PASSPHRASE": PASSPHRASE})
    assert (result.exit_code == 0) == ok, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout.strip(), result.stderr.strip()


def out(data_dir: Path, *args: str) -> str:
    return liaison(data_dir, *args)[0]


@pytest.fixture
def south(server: EmbeddedServer, tmp_path: Path) -> Path:
    """An MSL of territory south, enrolled."""
    data_dir = tmp_path / "south"
    out(data_dir, "init")
    out(data_dir, "enroll", "--server", server.url, "--code", server.create_user("sam@example.org", "Sam", territory="south"))
    return data_dir


def on_server(server: EmbeddedServer, table: str, record_id: str) -> RecordRow | None:
    with Session(server.engine) as session:
        return session.get(RecordRow, (table, record_id))


def report_serious_ae(data_dir: Path) -> str:
    return (
        out(
            data_dir,
            "ae",
            "add",
            "--reporter",
            "Dr Lee (nephrologist)",
            "--product",
            "zentrolimab",
            "--event",
            "anaphylaxis after the second dose",
            "--aware-at",
            AWARE,
            "--seriousness",
            "serious",
            "--criterion",
            "hospitalisation",
        )
        .splitlines()[0]
        .split()[0]
    )


def test_a_typo_in_one_hcp_never_holds_back_a_serious_adverse_event(server: EmbeddedServer, south: Path) -> None:
    typo = out(south, "hcp", "add", "--name", "Dr Wrong Territory", "--territory", "north")
    fine = out(south, "hcp", "add", "--name", "Dr Right Territory")
    event = report_serious_ae(south)

    summary, warnings = liaison(south, "sync")

    assert on_server(server, "adverse_event", event) is not None, "the AE reached the server"
    assert on_server(server, "hcp", fine) is not None, "so did every other record"
    assert on_server(server, "hcp", typo) is None
    assert summary.startswith("pushed ")
    assert "needs your attention: HCP Dr Wrong Territory (territory): " in warnings
    assert "territory 'north'" in warnings and "liaison rejected" in warnings
    [line] = out(south, "rejected").splitlines()
    change_id, subject, _field, reason, waiting = line.split("\t")
    assert subject == "HCP Dr Wrong Territory" and _field == "territory" and "territory 'north'" in reason and waiting == "1 waiting"
    assert change_id and not reason.startswith("change "), "the reason is the server's sentence without the change id"


def test_the_msl_corrects_a_refused_record_and_resends_it(server: EmbeddedServer, south: Path) -> None:
    typo = out(south, "hcp", "add", "--name", "Dr Wrong Territory", "--territory", "north")
    liaison(south, "sync")
    out(south, "hcp", "edit", typo, "--territory", "south")
    liaison(south, "sync")
    assert on_server(server, "hcp", typo) is None, "an edit alone does not send a record that waits: the MSL resends it"
    [line] = out(south, "rejected").splitlines()

    queued = out(south, "rejected", "resend", line.split("\t")[0])
    liaison(south, "sync")

    row = on_server(server, "hcp", typo)
    assert row is not None and row.fields["name"] == "Dr Wrong Territory" and row.territory == "south"
    assert out(south, "rejected") == ""
    with Store.open(south, PASSPHRASE) as store:
        assert SyncEngine(store).pending() == 0
        with store.repository.session() as session:
            actions = [entry.action for entry in session.exec(select(AuditEntry).where(AuditEntry.record_id == typo))]
    assert {"refused", "resend"} <= set(actions)
    assert len(queued) == 36


def test_discarding_a_refused_change_is_audited_and_an_adverse_event_cannot_be_discarded(server: EmbeddedServer, south: Path) -> None:
    typo = out(south, "hcp", "add", "--name", "Dr Wrong Territory", "--territory", "north")
    liaison(south, "sync")
    [line] = out(south, "rejected").splitlines()
    assert out(south, "rejected", "discard", line.split("\t")[0], "--yes") == f"discarded 1 change(s) of {line.split(chr(9))[0]}"
    assert out(south, "rejected") == ""
    with Store.open(south, PASSPHRASE) as store, store.repository.session() as session:
        [discard] = session.exec(select(AuditEntry).where(AuditEntry.action == "discard")).all()
        assert discard.record_id == typo and discard.after is not None
        assert discard.after["changes"][0]["fields"]["territory"] == "north", "what the change said is kept"

    event = report_serious_ae(south)
    with Store.open(south, PASSPHRASE) as store, store.repository.session() as session:
        for entry in session.exec(select(OutboxEntry).where(OutboxEntry.record_id == event)):
            entry.fields = {**entry.fields, "patient_age": "very old"}  # as an older app version might have queued it
            session.add(entry)
        session.commit()
    liaison(south, "sync")
    [line] = out(south, "rejected").splitlines()
    assert "patient_age" in line
    refused = liaison(south, "rejected", "discard", line.split("\t")[0], "--yes", ok=False)[1]
    assert "cannot be discarded" in refused and "Traceback" not in refused


def test_retire_refuses_while_refused_changes_wait_and_wipes_nothing(server: EmbeddedServer, south: Path) -> None:
    out(south, "hcp", "add", "--name", "Dr Wrong Territory", "--territory", "north")
    refused = liaison(south, "retire", ok=False)[1]
    assert "liaison rejected" in refused and "nothing was wiped" in refused
    assert out(south, "hcp", "list")


def test_a_records_next_change_waits_while_its_previous_one_is_in_flight(
    server: EmbeddedServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one change a batch, the typo's correction is readied while the typo is in flight: it must not reach the server alone."""
    SyncEngine(store).enroll(server.url, server.create_user("sam@example.org", "Sam", territory="south"), "laptop")
    from liaison.core.records.models import Hcp

    typo = store.repository.create(Hcp, {"name": "Dr Wrong Territory", "territory": "north"}).id
    store.repository.update(Hcp, typo, {"specialty": "Nephrology"})
    other = store.repository.create(Hcp, {"name": "Dr Other"}).id
    monkeypatch.setattr(sync_engine, "PUSH_BATCH", 1)

    report = SyncEngine(store).run_once()

    assert on_server(server, "hcp", typo) is None, "no partial HCP on the server for other devices to choke on"
    assert on_server(server, "hcp", other) is not None
    assert report.refused == 1
    [refusal] = store.repository.refused()
    assert (refusal.waiting, refusal.field, refusal.code) == (2, "territory", "forbidden")


def test_a_revoked_device_delivers_its_adverse_events_before_it_wipes(server: EmbeddedServer, south: Path) -> None:
    out(south, "hcp", "add", "--name", "Dr Offline")
    event = report_serious_ae(south)
    with Store.open(south, PASSPHRASE) as store:
        device_id = store.device_id
    admin.revoke_device(server.engine, device_id)

    refused = liaison(south, "sync", ok=False)[1]

    assert "revoked" in refused and "delivered" in refused and "Traceback" not in refused
    row = on_server(server, "adverse_event", event)
    assert row is not None and row.fields["status"] == "submitted"
    with Session(server.engine) as session:
        kept = session.exec(select(SafetyIntake).where(SafetyIntake.device_id == device_id)).all()
        assert {entry.record_id for entry in kept} == {event} and {entry.outcome for entry in kept} == {"applied"}
        assert session.exec(select(RecordRow).where(RecordRow.table_name == "hcp")).all() == [], "only safety records are taken"
    assert not (south / "liaison.db").exists() or liaison(south, "hcp", "list", ok=False)
    from liaison.server.cli import cli as server_cli

    listed = runner.invoke(server_cli, ["safety-intake", "--database-url", server.engine.url.render_as_string(hide_password=False)])
    assert listed.exit_code == 0 and f"adverse_event {event}" in listed.stdout and "applied" in listed.stdout


def test_a_revoked_device_keeps_an_adverse_event_the_records_refuse_for_pharmacovigilance(server: EmbeddedServer, south: Path) -> None:
    event = report_serious_ae(south)
    with Store.open(south, PASSPHRASE) as store:
        device_id = store.device_id
        with store.repository.session() as session:
            for entry in session.exec(select(OutboxEntry).where(col(OutboxEntry.record_id) == event)):
                entry.fields = {**entry.fields, "patient_age": "very old"}
                session.add(entry)
            session.commit()
    admin.revoke_device(server.engine, device_id)

    liaison(south, "sync", ok=False)

    with Session(server.engine) as session:
        kept = session.exec(select(SafetyIntake).where(SafetyIntake.record_id == event)).all()
    assert kept and all(entry.outcome == "refused" for entry in kept), "kept, though the records could not take it"
    first = min(kept, key=lambda entry: entry.change_id)
    assert "patient_age" in (first.reason or ""), "with the reason, for a person to act on"
    assert json.dumps(kept[0].change).count("anaphylaxis") == 1, "kept exactly as sent"


def test_a_device_that_is_not_revoked_cannot_use_the_revoked_delivery(server: EmbeddedServer, south: Path) -> None:
    import httpx

    with Store.open(south, PASSPHRASE) as store:
        state = SyncEngine(store).state()
    assert state is not None
    answer = httpx.post(f"{server.url}/v1/revoked/deliver", json={"changes": []}, headers={"Authorization": f"Bearer {state.token}"})
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_revoked"
    anonymous = httpx.post(f"{server.url}/v1/revoked/deliver", json={"changes": []})
    assert anonymous.status_code == 401


def test_demo_data_on_an_enrolled_store_lands_in_its_territory_and_syncs_without_a_refusal(server: EmbeddedServer, south: Path) -> None:
    out(south, "demo", "--hcps", "5", "--interactions", "8")
    _, warnings = liaison(south, "sync")
    assert "needs your attention" not in warnings and out(south, "rejected") == ""
    with Session(server.engine) as session:
        territories = {row.territory for row in session.exec(select(RecordRow).where(RecordRow.table_name == "hcp"))}
    assert territories == {"south"}
