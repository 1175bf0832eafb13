"""Planned visits at the server: their author's own, checked like any value, and erased HCPs leave them."""

from __future__ import annotations

import pytest

from liaison.server.embedded import EmbeddedServer
from tests.server.test_routes import Device, log_size, refused

VISIT = {"hcp_ids": ["hcp-north"], "starts_at": "2026-12-08T08:30:00+00:00", "duration_minutes": 30, "channel": "in_person", "status": "planned"}


@pytest.fixture
def msl(server: EmbeddedServer) -> Device:
    ada = Device(server, "ada@example.org")
    ada.push(ada.change("hcp", "hcp-north", {"name": "Dr North"}))
    return ada


def test_a_visit_is_its_authors_own_on_each_of_their_devices_and_nobody_elses(server: EmbeddedServer, msl: Device) -> None:
    assert msl.push(msl.change("planned_visit", "pv-1", VISIT)).status_code == 200
    tablet = Device(server, "ada@example.org", name="tablet")
    assert [c["record_id"] for c in tablet.pull_all() if c["table"] == "planned_visit"] == ["pv-1"]
    colleague = Device(server, "ben@example.org")
    assert [c["record_id"] for c in colleague.pull_all() if c["table"] == "planned_visit"] == []
    before = log_size(server)
    [answer] = refused(colleague.push(colleague.change("planned_visit", "pv-1", {"status": "cancelled"})))
    assert answer["code"] == "forbidden" and "another user" in answer["message"]
    assert log_size(server) == before


def test_a_value_that_does_not_fit_is_refused_naming_the_field(server: EmbeddedServer, msl: Device) -> None:
    [answer] = refused(msl.push(msl.change("planned_visit", "pv-2", {**VISIT, "status": "maybe"})))
    assert answer["field"] == "status"
