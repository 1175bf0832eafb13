"""Justified overrides reach the central server and the MSL's manager, and nobody else's manager."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlmodel import Session, select

from liaison.core.clock import Stamp
from liaison.core.records.models import Hcp, Insight, Interaction
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow
from tests.conftest import PASSPHRASE
from tests.server.test_routes import Device

WHY = "The KOL's words, recorded verbatim as the insight they are."


def test_an_override_syncs_to_the_server_and_only_the_msls_manager_can_pull_it(server: EmbeddedServer, tmp_path: Path) -> None:
    manager = Device(server, "max@example.org", role="manager")
    other_manager = Device(server, "mo@example.org", role="manager")
    code = server.create_user("mia@example.org", "Mia", territory="north", manager_email="max@example.org")
    with Store.init(tmp_path / "mia", PASSPHRASE, user="mia@example.org") as store:
        engine = SyncEngine(store)
        engine.enroll(server.url, code, "laptop")
        repository = store.repository
        now = datetime.now(UTC)
        insight = repository.create(Insight, {"text": "KOL calls it the gold standard.", "captured_at": now}, justification=WHY)
        hcp = repository.create(Hcp, {"name": "Dr Marie Curie"})
        interaction = repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": now, "channel": "phone", "notes": "MoA"})
        repository.submit(Interaction, interaction.id, justification="HCP called me with a question; consent form is on its way.")
        engine.run_once()

    pulled = manager.pull_all()
    overrides = {change["fields"]["subject_id"]: change["fields"] for change in pulled if change["table"] == "compliance_override"}
    assert set(overrides) == {insight.id, interaction.id}
    assert overrides[insight.id]["justification"] == WHY
    assert [finding["rule_id"] for finding in overrides[insight.id]["findings"]] == ["SUP-003"]
    assert [finding["rule_id"] for finding in overrides[interaction.id]["findings"]] == ["CONSENT-001"]
    assert not [change for change in other_manager.pull_all() if change["table"] == "compliance_override"]


def test_the_server_keeps_an_override_as_first_written_whatever_a_device_sends_later(server: EmbeddedServer, tmp_path: Path) -> None:
    """The app never edits an override; a device that was tampered with must not rewrite the evidence centrally either."""
    code = server.create_user("mia@example.org", "Mia", territory="north")
    with Store.init(tmp_path / "mia", PASSPHRASE, user="mia@example.org") as store:
        engine = SyncEngine(store)
        state = engine.enroll(server.url, code, "laptop")
        store.repository.create(Insight, {"text": "KOL calls it the gold standard.", "captured_at": datetime.now(UTC)}, justification=WHY)
        engine.run_once()
        [override_id] = [record.record_id for record in _server_records(server) if record.table_name == "compliance_override"]
        later = Stamp(int(time.time() * 1000) + 60_000, 0, store.device_id).encode()
        for n, fields in enumerate(({"justification": "Rewritten after the fact."}, {"deleted": True})):
            change = {
                "change_id": f"tampered-{n}",
                "table": "compliance_override",
                "record_id": override_id,
                "fields": fields,
                "clocks": {"*": later},
                "base_clocks": {"*": later},
                "device_id": store.device_id,
            }
            answer = httpx.post(f"{server.url}/v1/push", json={"changes": [change]}, headers={"Authorization": f"Bearer {state.token}"})
            assert answer.status_code == 200, answer.text
    [kept] = [record for record in _server_records(server) if record.record_id == override_id]
    assert kept.fields["justification"] == WHY and not kept.fields.get("deleted")


def _server_records(server: EmbeddedServer) -> list[RecordRow]:
    with Session(server.engine) as session:
        return list(session.exec(select(RecordRow)).all())
