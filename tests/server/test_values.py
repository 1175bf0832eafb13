"""What a value may be, at the server: refused at the push when no device could store it, never a 500, never trusted for who wrote it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from liaison.core.clock import Stamp
from liaison.core.records.models import Hcp, TrialSite
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow
from tests.conftest import PASSPHRASE
from tests.server.test_routes import Device, error, log_size, refused

SITE = {"study": "Zen", "protocol": "Z-1", "site_name": "Lyon Sud"}


@pytest.fixture
def msl(server: EmbeddedServer) -> Device:
    return Device(server, "ada@example.org")


def push_json(device: Device, *changes: dict) -> httpx.Response:
    """A push as a modified client could send it: NaN and infinity written as JSON does not allow."""
    return device.client.post("/v1/push", content=json.dumps({"changes": list(changes)}), headers={"Content-Type": "application/json"})


@pytest.mark.parametrize(
    ("table", "fields", "field"),
    [
        ("hcp", {"name": "Dr T", "kol_tier": 2**63}, "kol_tier"),
        ("hcp", {"name": "Dr T", "kol_tier": 99}, "kol_tier"),
        ("hcp", {"name": "x" * 201}, "name"),
        ("hcp", {"name": "Dr\x00T"}, "name"),
        ("hcp", {"name": "Dr T", "identifiers": {"rpps\x00": "1"}}, "identifiers"),
        ("trial_site", {**SITE, "enrolment_target": 2**63}, "enrolment_target"),
        ("trial_site", {**SITE, "enrolment_target": -1}, "enrolment_target"),
        ("trial_site", {**SITE, "issues": [{"note": {"deep": "a\x00b"}}]}, "issues"),
        ("medical_inquiry", {"hcp_id": "h", "question": "Dose?", "signature": [[[0.1, float("nan")]]]}, "signature"),
        ("hcp", {"name": "Dr T", "created_by": "mallory\x00"}, "created_by"),
    ],
)
def test_a_value_no_device_could_store_is_refused_at_the_push_naming_the_field(
    server: EmbeddedServer, msl: Device, table: str, fields: dict, field: str
) -> None:
    change = msl.change(table, "rec-1", fields)
    [refusal] = refused(push_json(msl, change))
    assert refusal["code"] == "invalid" and refusal["field"] == field
    assert refusal["message"].startswith(f"change {change['change_id']}: {table}.{field}: ")
    assert log_size(server) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"record_id": "rec\x00"},
        {"change_id": "change\x00"},
        {"clocks": {}},
        {"clocks": {"name\x00": Stamp(1, 0, "laptop-ada").encode()}},
    ],
)
def test_a_malformed_change_is_refused_as_invalid_never_a_500(server: EmbeddedServer, msl: Device, change: dict) -> None:
    [refusal] = refused(msl.push({**msl.change("hcp", "rec-1", {"name": "Dr T"}), **change}))
    assert refusal["code"] == "invalid" and refusal["index"] == 0
    assert log_size(server) == 0


def test_an_enrolment_with_a_nul_in_the_device_id_is_refused_with_422(server: EmbeddedServer) -> None:
    code = server.create_user("bea@example.org", "Bea", territory="north")
    answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "device_id": "dev\x00ice", "device_name": "laptop"})
    assert answer.status_code == 422, answer.text


def test_a_change_stamped_by_another_devices_clock_is_refused(server: EmbeddedServer, msl: Device) -> None:
    change = {**msl.change("hcp", "rec-1", {"name": "Dr T"}), "clocks": {"*": Stamp(5_000, 0, "tablet-ada").encode()}}
    [refusal] = refused(msl.push(change))
    assert refusal["field"] == "clocks" and refusal["message"].startswith(f"change {change['change_id']}: hcp is stamped by device 'tablet-ada'")
    assert log_size(server) == 0


def cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{seq}".encode()).decode().rstrip("=")


@pytest.mark.parametrize("seq", [2**63, 2**70])
def test_positions_past_what_a_database_stores_are_refused_with_422(server: EmbeddedServer, msl: Device, seq: int) -> None:
    pulled = msl.client.get("/v1/pull", params={"cursor": cursor(seq)})
    assert pulled.status_code == 422 and error(pulled)["field"] == "cursor", pulled.text
    links = msl.client.get("/v1/audit/links", params={"after": seq})
    assert links.status_code == 422 and error(links)["field"] == "after", links.text
    link = {"seq": seq, "prev_hash": "0" * 64, "hash": "1" * 64}
    anchored = msl.client.post("/v1/audit/anchor", json={"head_seq": seq, "links": [link]})
    assert anchored.status_code == 422, anchored.text


def test_the_largest_position_a_database_stores_is_still_accepted(server: EmbeddedServer, msl: Device) -> None:
    assert msl.client.get("/v1/pull", params={"cursor": cursor(2**63 - 1)}).status_code == 200
    assert msl.client.get("/v1/audit/links", params={"after": 2**63 - 1}).status_code == 200


def stored(server: EmbeddedServer, table: str, record_id: str) -> dict:
    with Session(server.engine) as session:
        row = session.get(RecordRow, (table, record_id))
        assert row is not None
        return dict(row.fields)


def test_who_wrote_a_record_is_the_caller_whatever_the_change_says(server: EmbeddedServer, msl: Device) -> None:
    tablet = Device(server, "ada@example.org", name="tablet")
    claims = {"created_by": "mallory", "updated_by": "mallory", "device_id": "someone-elses-device"}
    assert msl.push(msl.change("hcp", "rec-1", {"name": "Dr T", **claims})).status_code == 200
    first = stored(server, "hcp", "rec-1")
    assert (first["created_by"], first["updated_by"], first["device_id"]) == ("ada@example.org", "ada@example.org", msl.id)

    other = Device(server, "bob@example.org")
    assert other.push(other.change("hcp", "rec-1", {"specialty": "Oncology", **claims})).status_code == 200
    later = stored(server, "hcp", "rec-1")
    assert (later["created_by"], later["updated_by"], later["device_id"]) == ("ada@example.org", "bob@example.org", other.id)
    pulled = [change["fields"] for change in tablet.pull_all()]
    assert [fields["updated_by"] for fields in pulled] == ["ada@example.org", "bob@example.org"]
    assert all(fields.get("created_by") in (None, "ada@example.org") for fields in pulled)


def test_a_bad_value_pushed_by_a_modified_client_never_reaches_the_other_device(server: EmbeddedServer, tmp_path: Path) -> None:
    modified = Device(server, "ada@example.org")
    store = Store.init(tmp_path / "tablet", PASSPHRASE, user="ada@example.org")
    try:
        engine = SyncEngine(store)
        engine.enroll(server.url, server.enroll_code("ada@example.org"), "tablet")
        bad = [
            modified.change("trial_site", "site-1", {**SITE, "enrolment_target": 2**63}),
            modified.change("hcp", "hcp-1", {"name": "Dr T", "kol_tier": 2**63}),
            modified.change("medical_inquiry", "inq-1", {"hcp_id": "hcp-2", "question": "Dose?", "signature": [[[0.1, float("nan")]]]}),
        ]
        assert all([r["change_id"] for r in refused(push_json(modified, change))] == [change["change_id"]] for change in bad)
        good = modified.change("hcp", "hcp-2", {"name": "Dr Good", "kol_tier": 2})
        assert modified.push(good).status_code == 200
        report = engine.run_once()
        assert report.pulled == 1
        assert store.repository.get(Hcp, "hcp-2").kol_tier == 2
        with store.repository.session() as session:
            assert session.get(TrialSite, "site-1") is None and session.get(Hcp, "hcp-1") is None
    finally:
        store.close()
