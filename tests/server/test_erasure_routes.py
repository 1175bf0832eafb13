"""The server's side of an erasure: who may erase, what a receipt must be, and who receives it."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session, select

from liaison.core.clock import Stamp
from liaison.core.erasure import pseudonym, receipt_id
from liaison.core.protocol import Change
from liaison.server import scope
from liaison.server.embedded import EmbeddedServer
from liaison.server.errors import ApiError
from liaison.server.models import ChangeLog, RecordRow

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
NAME = "Dr Marie Curie"


class Raw:
    """A device speaking the wire protocol directly, to try what the app would never send."""

    def __init__(self, server: EmbeddedServer, email: str, territory: str | None, role: str = "msl") -> None:
        code = server.create_user(email, email.split("@")[0], role=role, territory=territory)
        self.id = f"raw-{email.split('@')[0]}"
        answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "device_id": self.id, "device_name": "raw"})
        self.client = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {answer.json()['token']}"})
        self.wall = 1_000

    def push(self, table: str, record_id: str, fields: dict) -> httpx.Response:
        return self.push_batch((table, record_id, fields))

    def push_batch(self, *changes: tuple[str, str, dict]) -> httpx.Response:
        batch = []
        for table, record_id, fields in changes:
            self.wall += 1
            batch.append(
                {
                    "change_id": f"{self.id}-{self.wall}",
                    "table": table,
                    "record_id": record_id,
                    "fields": fields,
                    "clocks": {"*": Stamp(self.wall, 0, self.id).encode()},
                    "device_id": self.id,
                }
            )
        return self.client.post("/v1/push", json={"changes": batch})


def receipt(hcp_id: str) -> dict:
    return {"hcp_id": hcp_id, "pseudonym": pseudonym(hcp_id), "requested_at": NOW.isoformat(), "reason": "request", "erased_by": "x"}


def refusal(response: httpx.Response) -> dict:
    """The one refused change of a push that was otherwise answered."""
    assert response.status_code == 200, response.text
    [refused] = response.json()["refused"]
    return refused


def log_size(server: EmbeddedServer) -> int:
    with Session(server.engine) as session:
        return len(session.exec(select(ChangeLog.seq)).all())


def test_an_msl_cannot_erase_an_hcp_of_another_territory(server: EmbeddedServer) -> None:
    north, south = Raw(server, "ada@example.org", "north"), Raw(server, "bob@example.org", "south")
    assert north.push("hcp", "hcp-1", {"name": NAME, "territory": "north"}).status_code == 200
    before = log_size(server)
    refused = refusal(south.push("hcp_erasure", receipt_id("hcp-1"), receipt("hcp-1")))
    assert refused["code"] == "forbidden" and "territory 'north'" in refused["message"]
    assert log_size(server) == before
    with Session(server.engine) as session:
        assert session.get(RecordRow, ("hcp", "hcp-1")).fields["name"] == NAME  # type: ignore[union-attr]


def test_an_hcp_the_server_never_received_cannot_be_erased(server: EmbeddedServer) -> None:
    north = Raw(server, "ada@example.org", "north")
    refused = refusal(north.push("hcp_erasure", receipt_id("nobody"), receipt("nobody")))
    assert refused["code"] == "not_found" and refused["field"] == "hcp_id"
    assert log_size(server) == 0


@pytest.mark.parametrize(
    ("record_id", "fields", "field"),
    [
        ("not-the-receipt-id", receipt("hcp-1"), "record_id"),
        (receipt_id("hcp-1"), {**receipt("hcp-1"), "pseudonym": "Someone else"}, "pseudonym"),
    ],
)
def test_a_receipt_must_be_the_one_every_node_would_write(server: EmbeddedServer, record_id: str, fields: dict, field: str) -> None:
    north = Raw(server, "ada@example.org", "north")
    north.push("hcp", "hcp-1", {"name": NAME, "territory": "north"})
    refused = refusal(north.push("hcp_erasure", record_id, fields))
    assert refused["code"] == "invalid" and refused["field"] == field


def test_every_device_receives_the_receipt_even_outside_the_territory(server: EmbeddedServer) -> None:
    north, south = Raw(server, "ada@example.org", "north"), Raw(server, "bob@example.org", "south")
    north.push("hcp", "hcp-1", {"name": NAME, "territory": "north"})
    north.push("hcp_erasure", receipt_id("hcp-1"), receipt("hcp-1"))
    pulled = south.client.get("/v1/pull").json()["changes"]
    assert [item["change"]["table"] for item in pulled] == ["hcp_erasure"]


def test_a_change_arriving_after_the_erasure_is_scrubbed_before_it_is_merged_or_logged(server: EmbeddedServer) -> None:
    north = Raw(server, "ada@example.org", "north")
    north.push("hcp", "hcp-1", {"name": NAME, "territory": "north", "email": "marie@example.org"})
    north.push("interaction", "int-1", {"hcp_id": "hcp-1", "notes": "first visit"})
    north.push("hcp_erasure", receipt_id("hcp-1"), receipt("hcp-1"))
    north.push("interaction", "int-1", {"notes": f"{NAME} called back"})
    north.push("hcp", "hcp-1", {"email": "new@example.org", "deleted": False})
    with Session(server.engine) as session:
        interaction = session.get(RecordRow, ("interaction", "int-1"))
        hcp = session.get(RecordRow, ("hcp", "hcp-1"))
        logged = session.exec(select(ChangeLog.fields).where(ChangeLog.record_id.in_(["int-1", "hcp-1"]))).all()  # type: ignore[attr-defined]
    attribution = {"created_by": "ada@example.org", "updated_by": "ada@example.org", "device_id": north.id}
    assert interaction is not None and interaction.fields == {"hcp_id": pseudonym("hcp-1"), "notes": "", **attribution}
    assert hcp is not None and (hcp.fields["email"], hcp.fields["deleted"], hcp.fields["name"]) == (None, True, pseudonym("hcp-1"))
    assert not any("Curie" in str(fields) or "marie@" in str(fields) or "new@" in str(fields) for fields in logged)


def test_records_created_in_the_same_push_as_the_erasure_are_scrubbed_too(server: EmbeddedServer) -> None:
    north = Raw(server, "ada@example.org", "north")
    answer = north.push_batch(
        ("hcp", "hcp-1", {"name": NAME, "territory": "north", "phone": "+44 20 7946 0958"}),
        ("adverse_event", "ae-1", {"reporter": f"{NAME}, oncologist", "reporter_hcp_id": "hcp-1", "description": "rash", "status": "submitted"}),
        ("hcp_erasure", receipt_id("hcp-1"), receipt("hcp-1")),
    )
    assert answer.status_code == 200, answer.text
    with Session(server.engine) as session:
        event = session.get(RecordRow, ("adverse_event", "ae-1"))
        logged = session.exec(select(ChangeLog.fields)).all()
    assert event is not None and (event.fields["reporter"], event.fields["reporter_hcp_id"]) == (pseudonym("hcp-1"), pseudonym("hcp-1"))
    assert not any("Curie" in str(fields) or "7946" in str(fields) for fields in logged)


def stored(server: EmbeddedServer, table: str, record_id: str) -> dict:
    with Session(server.engine) as session:
        row = session.get(RecordRow, (table, record_id))
    assert row is not None
    return row.fields


@pytest.mark.parametrize("change", [{"reason": "never asked", "erased_by": "carol@example.org"}, {"deleted": True}])
def test_a_receipt_stands_as_first_written_whoever_tries_to_change_it(server: EmbeddedServer, change: dict) -> None:
    ada, carol = Raw(server, "ada@example.org", "north"), Raw(server, "carol@example.org", "north")
    ada.push("hcp", "hcp-1", {"name": NAME, "territory": "north"})
    assert ada.push("hcp_erasure", receipt_id("hcp-1"), receipt("hcp-1")).status_code == 200
    first, before = stored(server, "hcp_erasure", receipt_id("hcp-1")), log_size(server)
    for device in (carol, ada):
        problem = refusal(device.push("hcp_erasure", receipt_id("hcp-1"), change))
        assert problem["code"] == "write_once" and problem["field"] == min(change)
        assert problem["message"].startswith(f"change {device.id}-{device.wall}: HCP erasure receipt {receipt_id('hcp-1')} is kept as first written")
    assert stored(server, "hcp_erasure", receipt_id("hcp-1")) == first and log_size(server) == before


def test_a_compliance_override_stands_as_first_written_on_the_server(server: EmbeddedServer) -> None:
    ada = Raw(server, "ada@example.org", "north")
    finding = {"field": "notes", "rule_id": "superlative", "category": "promotional", "phrase": "best", "reason": "a superlative"}
    override = {
        "subject_table": "interaction",
        "subject_id": "int-1",
        "findings": [finding],
        "justification": "HCP asked about it first",
        "overridden_at": NOW.isoformat(),
    }
    first = ada.push("compliance_override", "co-1", override)
    assert first.status_code == 200 and first.json()["refused"] == []
    problem = refusal(ada.push("compliance_override", "co-1", {"justification": "rewritten afterwards"}))
    assert (problem["code"], problem["field"]) == ("write_once", "justification")
    assert stored(server, "compliance_override", "co-1")["justification"] == "HCP asked about it first"


def test_the_receipt_names_the_authenticated_caller_as_the_eraser_whatever_the_device_says(server: EmbeddedServer) -> None:
    ada, bob = Raw(server, "ada@example.org", "north"), Raw(server, "bob@example.org", "south")
    ada.push("hcp", "hcp-1", {"name": NAME, "territory": "north"})
    ada.push("hcp_erasure", receipt_id("hcp-1"), {**receipt("hcp-1"), "erased_by": "the.ceo@example.org"})
    assert stored(server, "hcp_erasure", receipt_id("hcp-1"))["erased_by"] == "ada@example.org"
    [pulled] = bob.client.get("/v1/pull").json()["changes"]
    assert pulled["change"]["fields"]["erased_by"] == "ada@example.org"


def test_an_administrator_may_erase_an_hcp_of_any_territory_and_a_manager_may_not(server: EmbeddedServer) -> None:
    ada = Raw(server, "ada@example.org", "north")
    ada.push("hcp", "hcp-1", {"name": NAME, "territory": "north"})
    ada.push("hcp", "hcp-2", {"name": "Dr Pierre Roux", "territory": "north"})
    manager = Raw(server, "mia@example.org", "north", role="manager")
    problem = refusal(manager.push("hcp_erasure", receipt_id("hcp-1"), receipt("hcp-1")))
    assert (problem["code"], problem["field"]) == ("forbidden", "hcp_id")
    admin = Raw(server, "root@example.org", None, role="admin")
    assert admin.push("hcp_erasure", receipt_id("hcp-2"), receipt("hcp-2")).status_code == 200
    assert stored(server, "hcp", "hcp-2")["name"] == pseudonym("hcp-2")


def test_check_write_once_lets_a_first_write_through_and_refuses_any_later_one() -> None:
    change = Change(
        change_id="c-1", table="hcp_erasure", record_id="r-1", fields={"deleted": True}, clocks={"*": Stamp(1, 0, "d").encode()}, device_id="d"
    )
    scope.check_write_once(change, None)
    scope.check_write_once(
        change.model_copy(update={"table": "hcp"}), RecordRow(table_name="hcp", record_id="r-1", fields={}, clocks={}, owner_user_id=1, updated_seq=1)
    )
    with pytest.raises(ApiError) as refused:
        scope.check_write_once(change, RecordRow(table_name="hcp_erasure", record_id="r-1", fields={}, clocks={}, owner_user_id=1, updated_seq=1))
    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "write_once", "deleted")
