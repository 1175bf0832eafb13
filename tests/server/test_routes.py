"""The central server's routes: what each accepts, and each refusal with nothing written."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from liaison.core.clock import Stamp
from liaison.core.protocol import MAX_BODY_BYTES
from liaison.server import admin, pages
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import ChangeLog, RecordRow


class Device:
    def __init__(
        self,
        server: EmbeddedServer,
        email: str,
        territory: str | None = "north",
        role: str = "msl",
        manager: str | None = None,
        name: str = "laptop",
    ) -> None:
        """The user's first device creates the user; later ones (another `name`) just enrol."""
        if name == "laptop":
            code = server.create_user(email, email.split("@")[0], role=role, territory=territory, manager_email=manager)
        else:
            code = server.enroll_code(email)
        self.id = f"{name}-{email.split('@')[0]}"
        answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "device_id": self.id, "device_name": name})
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["token"]
        self.client = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {self.token}"})
        self.wall = 1_000

    def change(self, table: str, record_id: str, fields: dict, **extra: object) -> dict:
        self.wall += 1
        return {
            "change_id": f"{self.id}-{self.wall}",
            "table": table,
            "record_id": record_id,
            "fields": fields,
            "clocks": {"*": Stamp(self.wall, 0, self.id).encode()},
            "device_id": self.id,
            **extra,
        }

    def push(self, *changes: dict) -> httpx.Response:
        return self.client.post("/v1/push", json={"changes": list(changes)})

    def pull_all(self) -> list[dict]:
        cursor, seen = "", []
        while True:
            page = self.client.get("/v1/pull", params={"cursor": cursor, "limit": 2}).json()
            seen += [item["change"] for item in page["changes"]]
            cursor = page["cursor"]
            if not page["more"]:
                return seen


def log_size(server: EmbeddedServer) -> int:
    with Session(server.engine) as session:
        return session.exec(select(func.count()).select_from(ChangeLog)).one()


def error(response: httpx.Response) -> dict:
    return response.json()["error"]


def refused(response: httpx.Response) -> list[dict]:
    """The changes a push answered as refused, once the push as a whole was answered."""
    assert response.status_code == 200, response.text
    return response.json()["refused"]


@pytest.fixture
def msl(server: EmbeddedServer) -> Device:
    return Device(server, "ada@example.org")


def test_health_needs_no_token_and_the_default_server_serves_no_docs(server: EmbeddedServer) -> None:
    assert httpx.get(f"{server.url}/v1/health").json() == {"status": "ok", "protocol": 1}
    for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"):
        assert httpx.get(f"{server.url}{path}").status_code == 404, path


def test_a_pushed_change_reaches_the_msls_other_device_in_order_and_pages(server: EmbeddedServer, msl: Device) -> None:
    tablet = Device(server, "ada@example.org", name="tablet")
    changes = [msl.change("hcp", f"hcp-{n}", {"name": f"Dr {n}"}) for n in range(5)]
    assert msl.push(*changes).json()["accepted"] == [c["change_id"] for c in changes]
    assert [c["change_id"] for c in tablet.pull_all()] == [c["change_id"] for c in changes]


def test_a_pull_that_asks_is_told_how_many_changes_remain_and_one_that_does_not_is_not(server: EmbeddedServer, msl: Device) -> None:
    south = Device(server, "bob@example.org", territory="south")
    south.push(south.change("hcp", "hcp-south", {"name": "Dr South", "territory": "south"}))
    msl.push(*[msl.change("hcp", f"hcp-{n}", {"name": f"Dr {n}"}) for n in range(5)])
    tablet = Device(server, "ada@example.org", name="tablet")
    first = tablet.client.get("/v1/pull", params={"cursor": "", "limit": 2, "count": "true"}).json()
    assert first["remaining"] == 5, "this user's five, not the other territory's"
    later = tablet.client.get("/v1/pull", params={"cursor": first["cursor"], "limit": 2, "count": "true"}).json()
    assert later["remaining"] == 3
    assert "remaining" not in tablet.client.get("/v1/pull", params={"cursor": first["cursor"], "limit": 2}).json()
    assert msl.client.get("/v1/pull", params={"cursor": "", "count": "true"}).json()["remaining"] == 0, "its own changes are not sent back"


def test_a_page_of_large_records_stops_early_and_the_next_resumes_right_after_it(
    server: EmbeddedServer, msl: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "MAX_PULL_BYTES", 8_000)
    tablet = Device(server, "ada@example.org", name="tablet")
    changes = [msl.change("hcp", f"hcp-{n}", {"name": f"Dr {n}", "notes": "renal dosing " * 250}) for n in range(6)]  # ~3 KB each
    changes.append(msl.change("hcp", "hcp-big", {"name": "Dr Big", "notes": "x" * 9_500}))  # alone past the budget, within the notes cap
    assert msl.push(*changes).status_code == 200
    cursor, sizes, seen = "", [], []
    while True:
        page = tablet.client.get("/v1/pull", params={"cursor": cursor, "limit": 100})
        body = page.json()
        sizes.append(len(body["changes"]))
        seen += [item["change"]["change_id"] for item in body["changes"]]
        cursor = body["cursor"]
        if not body["more"]:
            break
    assert seen == [change["change_id"] for change in changes], "every change once, in order"
    assert sizes == [2, 2, 2, 1]


def test_a_device_is_not_sent_its_own_changes_and_its_cursor_moves_past_them(server: EmbeddedServer, msl: Device) -> None:
    msl.push(*[msl.change("hcp", f"hcp-{n}", {"name": f"Dr {n}"}) for n in range(3)])
    page = msl.client.get("/v1/pull", params={"cursor": "", "limit": 10}).json()
    assert page["changes"] == [] and page["more"] is False
    assert msl.client.get("/v1/pull", params={"cursor": page["cursor"]}).json()["cursor"] == page["cursor"]
    tablet = Device(server, "ada@example.org", name="tablet")
    tablet.push(tablet.change("hcp", "hcp-0", {"specialty": "Oncology"}))
    later = msl.client.get("/v1/pull", params={"cursor": page["cursor"]}).json()
    assert [item["change"]["device_id"] for item in later["changes"]] == [tablet.id]


def test_a_resent_batch_is_applied_once(server: EmbeddedServer, msl: Device) -> None:
    change = msl.change("hcp", "hcp-1", {"name": "Dr A"})
    msl.push(change)
    again = msl.push(change)
    assert again.status_code == 200 and again.json()["accepted"] == [change["change_id"]]
    assert log_size(server) == 1


def test_the_server_merges_field_by_field(server: EmbeddedServer, msl: Device) -> None:
    msl.push(msl.change("hcp", "hcp-1", {"name": "Dr A", "specialty": "Oncology"}))
    msl.push(msl.change("hcp", "hcp-1", {"specialty": "Cardiology"}))
    with Session(server.engine) as session:
        row = session.get(RecordRow, ("hcp", "hcp-1"))
    assert row is not None and row.fields == {
        "name": "Dr A",
        "specialty": "Cardiology",
        "created_by": "ada@example.org",
        "updated_by": "ada@example.org",
        "device_id": msl.id,
    }


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "unauthorized"), ({"Authorization": "Bearer not-a-token"}, "unauthorized"), ({"Authorization": "Basic abc"}, "unauthorized")],
)
def test_requests_without_a_valid_token_are_refused(server: EmbeddedServer, headers: dict, code: str) -> None:
    for method, path in (("GET", "/v1/pull"), ("POST", "/v1/push"), ("GET", "/v1/me"), ("POST", "/v1/retire")):
        answer = httpx.request(method, f"{server.url}{path}", headers=headers, json={"changes": []})
        assert answer.status_code == 401 and error(answer)["code"] == code


def test_a_revoked_device_is_told_so(server: EmbeddedServer, msl: Device) -> None:
    admin.revoke_device(server.engine, msl.id)
    answer = msl.client.get("/v1/pull")
    assert answer.status_code == 401 and error(answer)["code"] == "device_revoked"


def test_tokens_are_stored_only_hashed(server: EmbeddedServer, msl: Device) -> None:
    from liaison.server.models import Device as DeviceRow

    with Session(server.engine) as session:
        stored = session.get(DeviceRow, msl.id)
    assert stored is not None and msl.token not in stored.token_hash and len(stored.token_hash) == 64


def test_an_enrolment_code_works_once_and_expires(server: EmbeddedServer) -> None:
    code = server.create_user("grace@example.org", "Grace", territory="north")
    first = httpx.post(f"{server.url}/v1/enroll", json={"code": code.lower(), "device_id": "d1", "device_name": "x"})
    assert first.status_code == 200
    again = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "device_id": "d2", "device_name": "x"})
    assert again.status_code == 401 and "already used" in error(again)["message"]
    expired = admin.enroll_code(server.engine, email="grace@example.org", minutes=1)
    with Session(server.engine) as session:
        from datetime import UTC, datetime, timedelta

        from liaison.server.models import EnrollCode
        from liaison.server.security import hash_code

        row = session.exec(select(EnrollCode).where(EnrollCode.code_hash == hash_code(expired))).one()
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(row)
        session.commit()
    late = httpx.post(f"{server.url}/v1/enroll", json={"code": expired, "device_id": "d3", "device_name": "x"})
    assert late.status_code == 401 and "expired" in error(late)["message"]


def test_an_msl_never_receives_another_territorys_records(server: EmbeddedServer, msl: Device) -> None:
    south = Device(server, "bob@example.org", territory="south")
    south.push(south.change("hcp", "hcp-south", {"name": "Dr South", "territory": "south"}), south.change("insight", "ins-1", {"text": "x"}))
    msl.push(msl.change("hcp", "hcp-north", {"name": "Dr North"}))
    assert [c["record_id"] for c in Device(server, "ada@example.org", name="tablet").pull_all()] == ["hcp-north"]
    assert [c["record_id"] for c in Device(server, "bob@example.org", name="tablet").pull_all()] == ["hcp-south", "ins-1"]


def test_msls_of_one_territory_share_its_hcp_directory_but_neither_read_nor_edit_each_others_records(server: EmbeddedServer, msl: Device) -> None:
    colleague = Device(server, "ben@example.org")
    msl.push(msl.change("hcp", "hcp-north", {"name": "Dr North"}), msl.change("interaction", "int-ada", {"hcp_id": "hcp-north", "notes": "MoA"}))
    assert [c["record_id"] for c in colleague.pull_all()] == ["hcp-north"]
    assert colleague.push(colleague.change("hcp", "hcp-north", {"specialty": "Nephrology"})).status_code == 200
    before = log_size(server)
    rewrite = colleague.change("interaction", "int-ada", {"notes": "rewritten"})
    [answer] = refused(colleague.push(rewrite))
    assert answer["code"] == "forbidden"
    assert answer["message"] == f"change {rewrite['change_id']}: interaction int-ada: belongs to another user"
    assert log_size(server) == before


def test_the_content_library_reaches_every_territory(server: EmbeddedServer, msl: Device) -> None:
    south = Device(server, "bob@example.org", territory="south")
    [deck] = server.publish_content(
        [{"title": "Renal subgroup deck", "version": "1.0", "approval_code": "X-1", "summary": "", "expires_on": "2027-06-30"}]
    )
    for device in (msl, south):
        assert [(c["table"], c["record_id"]) for c in device.pull_all()] == [("content_item", deck)]


def test_a_manager_reads_the_teams_insights_but_cannot_edit_them(server: EmbeddedServer) -> None:
    manager = Device(server, "max@example.org", role="manager")
    member = Device(server, "mia@example.org", manager="max@example.org")
    outsider = Device(server, "oz@example.org", territory="south")
    member.push(
        member.change("insight", "ins-team", {"text": "team"}),
        member.change("medical_inquiry", "inq-1", {"question": "?"}),
        member.change("interaction", "int-team", {"hcp_id": "h", "notes": "MoA"}),
    )
    outsider.push(outsider.change("insight", "ins-other", {"text": "other"}))
    assert [c["record_id"] for c in manager.pull_all()] == ["ins-team", "int-team"], "the team's insights and activity, not its inquiries"
    before = log_size(server)
    [answer] = refused(manager.push(manager.change("insight", "ins-team", {"text": "edited by manager"})))
    assert answer["code"] == "forbidden" and "another user" in answer["message"]
    assert log_size(server) == before


@pytest.mark.parametrize(
    ("table", "fields", "code", "fragment"),
    [
        ("content_item", {"title": "Deck"}, "forbidden", "administrator"),
        ("hcp", {"name": "Dr S", "territory": "south"}, "forbidden", "territory"),
        ("hcp", {"nickname": "x"}, "invalid", "no field 'nickname'"),
        ("pets", {"name": "x"}, "invalid", "unknown table"),
        ("hcp", {"name": "Dr T", "kol_tier": "top"}, "invalid", "hcp.kol_tier: "),
        ("hcp", {"name": "Dr T", "therapeutic_areas": "Oncology"}, "invalid", "hcp.therapeutic_areas: "),
        ("interaction", {"hcp_id": "h", "occurred_at": "2026-11-24T10:00:00"}, "invalid", "interaction.occurred_at: input should have timezone info"),
        ("interaction", {"hcp_id": "h", "channel": "carrier pigeon"}, "invalid", "interaction.channel: "),
        ("hcp", {"name": None}, "invalid", "hcp.name: "),
    ],
)
def test_a_refused_change_is_answered_with_its_reason_and_the_rest_of_the_batch_applies(
    server: EmbeddedServer, msl: Device, table: str, fields: dict, code: str, fragment: str
) -> None:
    good, bad, after = (
        msl.change("hcp", "hcp-ok", {"name": "Dr OK"}),
        msl.change(table, "rec-1", fields),
        msl.change("hcp", "hcp-2", {"name": "Dr Two"}),
    )
    answer = msl.push(good, bad, after)
    [refusal] = refused(answer)
    assert (refusal["change_id"], refusal["index"], refusal["code"]) == (bad["change_id"], 1, code)
    assert refusal["message"].startswith(f"change {bad['change_id']}: ") and fragment in refusal["message"]
    assert answer.json()["accepted"] == [good["change_id"], after["change_id"]]
    assert log_size(server) == 2


def test_a_records_later_changes_wait_behind_its_refused_one_and_other_records_do_not(server: EmbeddedServer, msl: Device) -> None:
    typo = msl.change("hcp", "hcp-typo", {"name": "Dr Typo", "territory": "south"})
    fixed = msl.change("hcp", "hcp-typo", {"territory": "north"})
    other = msl.change("hcp", "hcp-other", {"name": "Dr Other"})
    answer = msl.push(typo, fixed, other)
    assert [(r["change_id"], r["code"]) for r in refused(answer)] == [(typo["change_id"], "forbidden"), (fixed["change_id"], "held")]
    assert typo["change_id"] in refused(answer)[1]["message"]
    assert answer.json()["accepted"] == [other["change_id"]]
    assert [c["record_id"] for c in Device(server, "ada@example.org", name="tablet").pull_all()] == ["hcp-other"]


def test_a_change_claiming_another_device_is_refused(server: EmbeddedServer, msl: Device) -> None:
    [refusal] = refused(msl.push({**msl.change("hcp", "h", {"name": "x"}), "device_id": "someone-else"}))
    assert refusal["code"] == "forbidden" and refusal["field"] == "device_id" and log_size(server) == 0


def test_a_malformed_change_is_refused_by_its_place_and_id_and_names_the_field(server: EmbeddedServer, msl: Device) -> None:
    good = msl.change("hcp", "hcp-ok", {"name": "Dr OK"})
    answer = msl.client.post("/v1/push", json={"changes": [good, {"change_id": "x"}, 17]})
    assert [(r["change_id"], r["index"], r["code"]) for r in refused(answer)] == [("x", 1, "invalid"), (None, 2, "invalid")]
    assert refused(answer)[0]["field"] in ("table", "record_id", "fields", "clocks", "device_id")
    assert answer.json()["accepted"] == [good["change_id"]]


def test_a_body_that_is_not_a_batch_is_refused_whole(server: EmbeddedServer, msl: Device) -> None:
    answer = msl.client.post("/v1/push", json={"changes": "none"})
    assert answer.status_code == 422 and error(answer)["field"].startswith("changes")
    assert msl.client.get("/v1/pull", params={"cursor": "garbage!"}).status_code == 422


def test_gzip_bodies_are_accepted_and_oversized_ones_refused(server: EmbeddedServer, msl: Device) -> None:
    body = json.dumps({"changes": [msl.change("hcp", "hz", {"name": "Dr Zip"})]}).encode()
    accepted = msl.client.post("/v1/push", content=gzip.compress(body), headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert accepted.status_code == 200
    bomb = gzip.compress(b" " * (MAX_BODY_BYTES + 10))
    refused = msl.client.post("/v1/push", content=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert refused.status_code == 413 and error(refused)["code"] == "too_large"
    assert log_size(server) == 1


def test_retire_revokes_the_devices_own_token(server: EmbeddedServer, msl: Device) -> None:
    assert msl.client.post("/v1/retire").status_code == 204
    assert error(msl.client.get("/v1/me"))["code"] == "device_revoked"
