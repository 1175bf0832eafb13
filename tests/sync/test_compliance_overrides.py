"""Justified overrides reach the central server and the MSL's manager, and nobody else's manager."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.store.models import Hcp, Insight, Interaction
from app.store.store import Store
from sync.client.engine import SyncEngine
from sync.server.embedded import EmbeddedServer
from tests.conftest import PASSPHRASE
from tests.sync.server.test_routes import Device

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
