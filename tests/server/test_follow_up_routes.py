"""Follow-up tasks at the server: their author's own (and their manager's to read), checked like any value, and done by whoever signed in."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow
from tests.server.test_routes import Device, log_size, refused

TASK = {"text": "Send the renal data", "due": "2026-12-01", "status": "open", "hcp_id": "hcp-north", "interaction_id": "int-ada"}
DONE = {"status": "done", "done_at": "2026-11-30T09:00:00+00:00", "done_by": "mallory@example.org"}


@pytest.fixture
def msl(server: EmbeddedServer) -> Device:
    ada = Device(server, "ada@example.org")
    ada.push(ada.change("hcp", "hcp-north", {"name": "Dr North"}), ada.change("interaction", "int-ada", {"hcp_id": "hcp-north", "notes": "MoA"}))
    return ada


def stored(server: EmbeddedServer, record_id: str) -> dict:
    with Session(server.engine) as session:
        row = session.get(RecordRow, ("follow_up", record_id))
        assert row is not None
        return dict(row.fields)


def test_who_ticked_a_task_off_is_the_caller_whatever_the_device_wrote(server: EmbeddedServer, msl: Device) -> None:
    assert msl.push(msl.change("follow_up", "fu-1", TASK)).status_code == 200
    assert msl.push(msl.change("follow_up", "fu-1", DONE)).status_code == 200
    done = stored(server, "fu-1")
    assert (done["status"], done["done_by"], done["done_at"]) == ("done", "ada@example.org", DONE["done_at"])
    tablet = Device(server, "ada@example.org", name="tablet")
    assert [change["fields"].get("done_by") for change in tablet.pull_all() if change["table"] == "follow_up"] == [None, "ada@example.org"]


def test_a_reopened_task_names_nobody_as_having_done_it(server: EmbeddedServer, msl: Device) -> None:
    msl.push(msl.change("follow_up", "fu-1", TASK), msl.change("follow_up", "fu-1", DONE))
    assert msl.push(msl.change("follow_up", "fu-1", {"status": "open", "done_at": None, "done_by": None})).status_code == 200
    reopened = stored(server, "fu-1")
    assert (reopened["status"], reopened["done_at"], reopened["done_by"]) == ("open", None, None)


def test_a_task_is_its_authors_own_and_their_managers_to_read(server: EmbeddedServer) -> None:
    manager = Device(server, "max@example.org", role="manager")
    member = Device(server, "mia@example.org", manager="max@example.org")
    colleague = Device(server, "ben@example.org")
    member.push(member.change("follow_up", "fu-team", {**TASK, "interaction_id": None}))
    assert [c["record_id"] for c in manager.pull_all()] == ["fu-team"]
    assert [c["record_id"] for c in colleague.pull_all()] == []
    before = log_size(server)
    [answer] = refused(colleague.push(colleague.change("follow_up", "fu-team", DONE)))
    assert answer["code"] == "forbidden" and "another user" in answer["message"]
    [answer] = refused(manager.push(manager.change("follow_up", "fu-team", DONE)))
    assert answer["code"] == "forbidden"
    assert log_size(server) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({**TASK, "status": "maybe"}, "status"),
        ({**TASK, "text": "x" * 501}, "text"),
        ({**TASK, "text": "   "}, "text"),
        ({**TASK, "due": "next week"}, "due"),
        ({**TASK, **DONE, "done_at": "2026-11-30T09:00:00"}, "done_at"),
    ],
)
def test_a_task_no_device_could_store_is_refused_naming_the_field(server: EmbeddedServer, msl: Device, fields: dict, field: str) -> None:
    change = msl.change("follow_up", "fu-bad", fields)
    [refusal] = refused(msl.push(change))
    assert refusal["code"] == "invalid" and refusal["field"] == field
    assert refusal["message"].startswith(f"change {change['change_id']}: follow_up.{field}: ")
