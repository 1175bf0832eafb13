"""The server refuses a change stamped further ahead of its clock than the stated tolerance, and answers its own time."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from liaison.core.clock import HOUR_MS, MAX_AHEAD_MS, Stamp, wall_ms
from liaison.core.protocol import Change
from liaison.server.apply import check_clocks
from liaison.server.embedded import EmbeddedServer
from liaison.server.errors import ApiError
from liaison.server.models import ChangeLog, RecordRow

NOW = 1_750_000_000_000


def change(clocks: dict[str, str], base_clocks: dict[str, str] | None = None) -> Change:
    return Change(
        change_id="c-1",
        table="hcp",
        record_id="h-1",
        fields={"name": "Dr A", "specialty": "Oncology"},
        clocks=clocks,
        base_clocks=base_clocks or {},
        device_id="laptop",
    )


def stamp(ahead_ms: int) -> str:
    return Stamp(NOW + ahead_ms, 0, "laptop").encode()


@pytest.mark.parametrize("ahead", [-30 * 24 * HOUR_MS, 0, 5 * HOUR_MS, MAX_AHEAD_MS])
def test_a_change_stamped_within_the_tolerance_passes(ahead: int) -> None:
    check_clocks(change({"*": stamp(ahead)}), NOW)


@pytest.mark.parametrize(
    ("clocks", "said"),
    [
        ({"*": stamp(MAX_AHEAD_MS + HOUR_MS)}, "change c-1: hcp stamped 25 hours ahead"),
        ({"*": stamp(0), "specialty": stamp(3 * 24 * HOUR_MS)}, "change c-1: hcp.specialty stamped 3 days ahead"),
        ({"*": "999999999999999-ffffff-laptop"}, "change c-1: hcp stamped 31632 years ahead"),
    ],
)
def test_a_change_stamped_further_ahead_is_refused_naming_it_and_how_far(clocks: dict[str, str], said: str) -> None:
    with pytest.raises(ApiError) as refused:
        check_clocks(change(clocks), NOW)
    assert (refused.value.status, refused.value.code, refused.value.field) == (422, "clock_ahead", "clocks")
    assert refused.value.message.startswith(said)
    assert refused.value.message.endswith("ahead of the server's clock; check this device's date and time")


def test_base_clocks_far_ahead_are_not_refused_they_name_values_the_device_already_holds() -> None:
    check_clocks(change({"*": stamp(0)}, {"name": "999999999999999-ffffff-tablet"}), NOW)


def enrolled(server: EmbeddedServer) -> httpx.Client:
    code = server.create_user("ada@example.org", "Ada", territory="north")
    answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "device_id": "laptop", "device_name": "laptop"})
    assert answer.status_code == 200, answer.text
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {answer.json()['token']}"})


def pushed(client: httpx.Client, stamp_text: str, change_id: str) -> httpx.Response:
    body = change({"*": stamp_text}).model_dump()
    body["change_id"] = change_id
    return client.post("/v1/push", json={"changes": [body]})


def test_a_far_future_push_is_refused_with_clock_ahead_and_nothing_is_kept(server: EmbeddedServer) -> None:
    with enrolled(server) as client:
        answer = pushed(client, "999999999999999-ffffff-laptop", "far")
        assert answer.status_code == 200 and answer.json()["accepted"] == []
        [error] = answer.json()["refused"]
        assert (error["change_id"], error["code"], error["field"]) == ("far", "clock_ahead", "clocks")
        assert error["message"].startswith("change far: hcp stamped ")
    with Session(server.engine) as session:
        assert session.exec(select(ChangeLog)).all() == [] and session.get(RecordRow, ("hcp", "h-1")) is None


def test_the_push_answers_the_servers_own_time_so_a_slow_device_catches_up(server: EmbeddedServer) -> None:
    with enrolled(server) as client:
        before = wall_ms()
        slow = pushed(client, Stamp(before - 6 * HOUR_MS, 0, "laptop").encode(), "slow")
        assert slow.status_code == 200, slow.text
        assert Stamp.decode(slow.json()["server_clock"]).wall_ms >= before
        ahead = Stamp(before + 2 * HOUR_MS, 4, "laptop")
        assert Stamp.decode(pushed(client, ahead.encode(), "ahead").json()["server_clock"]) == ahead, "the batch's newest, when later"
