"""Medical affairs changes the insight taxonomy centrally: `liaison-server publish-taxonomy`, then every device has it.

A new version with a new oncology theme is published on a real server over
loopback; an enrolled MSL's device syncs, and the app offers the new theme and
suggests it for an insight that speaks of it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from liaison.core.rules.taxonomy import THEMES_FILE
from liaison.device.store import queries
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.device.ui.screens.insights import advisor_for
from liaison.server.cli import cli
from liaison.server.embedded import EmbeddedServer
from tests.device.ui.driver import Session as UiSession
from tests.device.ui.driver import labelled
from tests.server.test_routes import Device

runner = CliRunner()
NEW_THEME = {
    "id": "onc_adc_sequencing",
    "label": "Antibody-drug conjugate sequencing",
    "keywords": ["antibody-drug conjugate", "adc", "payload", "after an adc", "adc resistance"],
}


def revised(version: int) -> dict[str, Any]:
    document = copy.deepcopy(json.loads(THEMES_FILE.read_text(encoding="utf-8")))
    document["version"] = version
    oncology = next(area for area in document["therapeutic_areas"] if area["id"] == "oncology")
    oncology["themes"].append(copy.deepcopy(NEW_THEME))
    return document


def write(tmp_path: Path, document: dict[str, Any], name: str = "taxonomy.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def publish(server: EmbeddedServer, path: Path, admin: str = "medaffairs@example.org") -> tuple[int, str]:
    result = runner.invoke(cli, ["publish-taxonomy", str(path), "--admin", admin, "--database-url", server.settings.database_url])
    return result.exit_code, result.output


@pytest.fixture
def medical_affairs(server: EmbeddedServer) -> str:
    server.create_user("medaffairs@example.org", "Medical affairs", role="admin")
    return "medaffairs@example.org"


def test_a_published_version_reaches_the_device_and_its_new_theme_is_offered(
    server: EmbeddedServer, medical_affairs: str, store: Store, tmp_path: Path
) -> None:
    code = server.create_user("msl@example.org", "Ada MSL", territory="north")
    engine = SyncEngine(store)
    engine.enroll(server.url, code, "laptop")
    engine.run_once()
    with store.repository.session() as session:
        assert queries.insight_taxonomy(session).theme("onc_adc_sequencing") is None

    code, output = publish(server, write(tmp_path, revised(3)), medical_affairs)
    assert code == 0, output
    assert output.startswith("published insight taxonomy version 3: 6 therapeutic areas, 36 themes (")
    engine.run_once()

    with store.repository.session() as session:
        taxonomy = queries.insight_taxonomy(session)
    assert taxonomy.version == 3 and taxonomy.theme("onc_adc_sequencing") is not None
    screen = UiSession.over(store, store.data_dir).screen("Insights")
    assert "onc_adc_sequencing" in [option.key for option in labelled(screen, "Theme").options]
    advice = advisor_for(store).advise("Oncologists ask what to give after an ADC once the payload stops working.", therapeutic_area="Oncology")
    assert advice.suggestions[0].theme.id == "onc_adc_sequencing"


def test_each_version_must_be_newer_than_the_last(server: EmbeddedServer, medical_affairs: str, tmp_path: Path) -> None:
    assert publish(server, write(tmp_path, revised(3)), medical_affairs)[0] == 0
    code, output = publish(server, write(tmp_path, revised(3)), medical_affairs)
    assert (code, output) == (1, "error: version: 3 is not newer than the published version 3; raise it\n")
    code, output = publish(server, write(tmp_path, revised(2)), medical_affairs)
    assert code == 1 and "version: 2 is not newer" in output
    assert publish(server, write(tmp_path, revised(4)), medical_affairs)[0] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["therapeutic_areas"][0]["themes"][-1].pop("keywords"), "error: theme onc_adc_sequencing: keywords: must be a non-empty list"),
        (lambda d: d["shared_themes"][0].update(label=""), "error: theme unmet_need: label: must be text of 1 to 120 characters"),
        (lambda d: d["therapeutic_areas"][1]["themes"].append(dict(NEW_THEME)), "error: theme onc_adc_sequencing: id: appears twice"),
        (lambda d: d.update(version=0), "error: version: must be a whole number of 1 or more"),
    ],
)
def test_a_broken_file_is_refused_in_one_line_and_nothing_is_published(
    server: EmbeddedServer, medical_affairs: str, tmp_path: Path, change: Any, message: str
) -> None:
    document = revised(3)
    change(document)
    code, output = publish(server, write(tmp_path, document), medical_affairs)
    assert code == 1 and output.startswith(message) and output.count("\n") == 1
    assert publish(server, write(tmp_path, revised(3)), medical_affairs)[0] == 0  # version 3 was still free


def test_only_an_administrator_publishes_and_a_file_must_be_json(server: EmbeddedServer, medical_affairs: str, tmp_path: Path) -> None:
    server.create_user("boss@example.org", "Boss", role="manager")
    code, output = publish(server, write(tmp_path, revised(3)), "boss@example.org")
    assert (code, output) == (1, "error: --admin: boss@example.org is not an administrator of this server\n")
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    code, output = publish(server, broken, medical_affairs)
    assert code == 1 and output.startswith(f"error: {broken}: not valid JSON")
    code, output = publish(server, tmp_path / "missing.json", medical_affairs)
    assert code == 1 and "missing.json: no such file" in output


def test_a_device_cannot_push_a_taxonomy(server: EmbeddedServer) -> None:
    msl = Device(server, "ada@example.org")
    document = revised(3)
    answer = msl.push(msl.change("insight_taxonomy", "forged", {"version": 3, "document": document}))
    [refused] = answer.json()["refused"]
    assert answer.status_code == 200 and refused["code"] == "forbidden"
    assert "only an administrator" in refused["message"]
