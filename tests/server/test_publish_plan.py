"""Medical affairs publishes the medical plan: `liaison-server publish-plan`, then every device has it, MSLs tag
their work with its items, and the tags come back to the server as they were written.

Real server over loopback (SQLite and PostgreSQL), real SQLCipher store, real sync engine.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from liaison.core.records.models import Hcp, Insight, Interaction
from liaison.core.rules.medical_plan import EXAMPLE_FILE
from liaison.device.store import medical_plan as plan_queries
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server import medical_plan
from liaison.server.cli import cli
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow
from tests.server.test_routes import Device

runner = CliRunner()
ADMIN = "medaffairs@example.org"


def plan_document(version: int, *, drop: str | None = None) -> dict[str, Any]:
    document = copy.deepcopy(json.loads(EXAMPLE_FILE.read_text(encoding="utf-8")))
    document["version"] = version
    document["items"] = [item for item in document["items"] if item["code"] != drop]
    return document


def write(tmp_path: Path, document: Any, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def publish(server: EmbeddedServer, path: Path, admin: str = ADMIN) -> tuple[int, str]:
    result = runner.invoke(cli, ["publish-plan", str(path), "--admin", admin, "--database-url", server.settings.database_url])
    return result.exit_code, result.output


@pytest.fixture
def medical_affairs(server: EmbeddedServer) -> str:
    server.create_user(ADMIN, "Medical affairs", role="admin")
    return ADMIN


@pytest.fixture
def enrolled(server: EmbeddedServer, store: Store) -> SyncEngine:
    code = server.create_user("msl@example.org", "Ada MSL", territory="north")
    engine = SyncEngine(store)
    engine.enroll(server.url, code, "laptop")
    engine.run_once()
    return engine


def test_publish_plan_says_what_it_published_and_the_device_offers_its_items(
    server: EmbeddedServer, medical_affairs: str, store: Store, enrolled: SyncEngine, tmp_path: Path
) -> None:
    with store.repository.session() as session:
        assert plan_queries.current_plan(session) is None and plan_queries.plan_items(session) == []

    code, output = publish(server, write(tmp_path, plan_document(2)), medical_affairs)
    assert code == 0, output
    assert output.startswith(
        "published medical plan version 2: 11 items (4 strategic imperatives, 5 listening priorities, 2 key scientific statements) ("
    )
    assert output.count("\n") == 1
    enrolled.run_once()

    with store.repository.session() as session:
        plan = plan_queries.current_plan(session)
        oncology = [item.code for item in plan_queries.plan_items(session, therapeutic_area="Oncology")]
        titles = plan_queries.plan_item_titles(session, ["LP-ONC-1", "SI-GONE-1"])
    assert plan is not None and plan.version == 2
    assert oncology == ["SI-ONC-1", "SI-ONC-2", "LP-ONC-1", "LP-ONC-2", "KSS-ONC-1"]
    assert titles == {"LP-ONC-1": "Sequencing after an immunotherapy", "SI-GONE-1": "SI-GONE-1"}


def test_each_version_must_be_newer_than_the_last(server: EmbeddedServer, medical_affairs: str, tmp_path: Path) -> None:
    assert publish(server, write(tmp_path, plan_document(1)), medical_affairs)[0] == 0
    code, output = publish(server, write(tmp_path, plan_document(1)), medical_affairs)
    assert (code, output) == (1, "error: version: 1 is not newer than the published version 1; raise it\n")
    assert publish(server, write(tmp_path, plan_document(2)), medical_affairs)[0] == 0
    with Session(server.engine) as session:
        assert medical_plan.published_version(session) == 2
        assert medical_plan.current(session).version == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["items"][1].update(code="SI-ONC-1"), "error: item SI-ONC-1 (row 2): code: appears twice"),
        (lambda d: d["items"][2].update(kind="ambition"), "error: item LP-ONC-1 (row 3): kind: must be one of"),
        (lambda d: d["items"][0].pop("title"), "error: item SI-ONC-1 (row 1): title: must be text"),
        (lambda d: d.update(version=0), "error: version: must be a whole number of 1 or more"),
    ],
)
def test_a_broken_file_is_refused_in_one_line_and_nothing_is_published(
    server: EmbeddedServer, medical_affairs: str, tmp_path: Path, change: Any, message: str
) -> None:
    document = plan_document(1)
    change(document)
    code, output = publish(server, write(tmp_path, document), medical_affairs)
    assert code == 1 and output.startswith(message) and output.count("\n") == 1
    with Session(server.engine) as session:
        assert medical_plan.current(session) is None


def test_only_an_administrator_publishes_and_a_file_must_be_json(server: EmbeddedServer, medical_affairs: str, tmp_path: Path) -> None:
    server.create_user("boss@example.org", "Boss", role="manager")
    code, output = publish(server, write(tmp_path, plan_document(1)), "boss@example.org")
    assert (code, output) == (1, "error: --admin: boss@example.org is not an administrator of this server\n")
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    code, output = publish(server, broken, medical_affairs)
    assert code == 1 and output.startswith(f"error: {broken}: not valid JSON") and output.count("\n") == 1
    code, output = publish(server, tmp_path / "missing.json", medical_affairs)
    assert code == 1 and "missing.json: no such file" in output


def test_a_device_cannot_publish_a_plan(server: EmbeddedServer) -> None:
    msl = Device(server, "ada@example.org")
    answer = msl.push(msl.change("medical_plan", "forged", {"version": 9, "document": plan_document(9)}))
    [refused] = answer.json()["refused"]
    assert answer.status_code == 200 and refused["code"] == "forbidden"
    assert "only an administrator" in refused["message"]
    with Session(server.engine) as session:
        assert medical_plan.current(session) is None


def test_tags_reach_the_server_as_written_and_a_superseded_code_is_kept_and_read_as_the_code(
    server: EmbeddedServer, medical_affairs: str, store: Store, enrolled: SyncEngine, tmp_path: Path
) -> None:
    assert publish(server, write(tmp_path, plan_document(1)), medical_affairs)[0] == 0
    enrolled.run_once()
    repository = store.repository
    hcp = repository.create(Hcp, {"name": "Dr Marie Curie", "therapeutic_areas": ["Oncology"], "contact_consent": True, "territory": "north"})
    visit = repository.create_submitted(
        Interaction,
        {
            "hcp_id": hcp.id,
            "occurred_at": datetime.now(UTC),
            "channel": "in_person",
            "notes": "ZEN-301 results.",
            "plan_items": ["SI-ONC-1", "LP-ONC-1"],
        },
    )
    heard = repository.create(
        Insight,
        {"text": "Oncologists ask what to give after progression.", "hcp_id": hcp.id, "captured_at": datetime.now(UTC), "plan_items": ["LP-ONC-1"]},
    )
    with store.repository.session() as session:
        assert [item.code for item in plan_queries.plan_items_not_covered(session, hcp.id, ["Oncology"])] == ["SI-ONC-2", "LP-ONC-2", "KSS-ONC-1"]
    enrolled.run_once()
    with Session(server.engine) as session:
        stored = {row.record_id: row.fields for row in session.exec(select(RecordRow).where(RecordRow.record_id.in_([visit.id, heard.id])))}  # type: ignore[attr-defined]
    assert stored[visit.id]["plan_items"] == ["SI-ONC-1", "LP-ONC-1"] and stored[heard.id]["plan_items"] == ["LP-ONC-1"]

    assert publish(server, write(tmp_path, plan_document(2, drop="LP-ONC-1")), medical_affairs)[0] == 0
    enrolled.run_once()
    kept = repository.get(Interaction, visit.id)
    with store.repository.session() as session:
        assert plan_queries.current_plan(session).version == 2  # type: ignore[union-attr]
        titles = plan_queries.plan_item_titles(session, kept.plan_items)
    assert kept.plan_items == ["SI-ONC-1", "LP-ONC-1"], "a code the new plan dropped stays on the record"
    assert titles == {"SI-ONC-1": "Establish zentrolimab in 2L NSCLC after chemo-immunotherapy", "LP-ONC-1": "LP-ONC-1"}
