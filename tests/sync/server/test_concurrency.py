"""Several server processes on one PostgreSQL: a pull cursor never skips a change committed out of order."""

from __future__ import annotations

import threading

import httpx
import pytest

from sync.clock import Stamp
from sync.server import admin
from sync.server.embedded import EmbeddedServer

PUSHERS = 4
BATCHES = 25
PER_BATCH = 4


def enrol(server: EmbeddedServer, email: str, device_id: str | None = None) -> tuple[str, str]:
    code = admin.enroll_code(server.engine, email=email)
    device_id = device_id or f"dev-{email}"
    answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "device_id": device_id, "device_name": "x"})
    return device_id, answer.json()["token"]


@pytest.mark.slow
def test_concurrent_pushers_and_pullers_see_every_change_exactly_once(postgres_url: str) -> None:
    with EmbeddedServer(postgres_url) as first, EmbeddedServer(postgres_url) as second:
        admin.create_user(first.engine, email="pull@example.org", name="Puller", role="msl", territory="north")
        for number in range(PUSHERS):
            admin.create_user(first.engine, email=f"push{number}@example.org", name="Pusher", role="msl", territory="north")
        servers = [first, second]
        expected: set[str] = set()
        errors: list[str] = []

        def pusher(number: int) -> None:
            server = servers[number % 2]
            device_id, token = enrol(server, f"push{number}@example.org")
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
                for batch in range(BATCHES):
                    changes = []
                    for item in range(PER_BATCH):
                        wall = batch * 10 + item + 1
                        change_id = f"{device_id}-{batch}-{item}"
                        changes.append({
                            "change_id": change_id, "table": "hcp", "record_id": change_id, "fields": {"name": change_id},
                            "clocks": {"*": Stamp(wall, 0, device_id).encode()}, "device_id": device_id,
                        })
                        expected.add(change_id)
                    answer = client.post("/v1/push", json={"changes": changes})
                    if answer.status_code != 200:
                        errors.append(answer.text)

        done = threading.Event()
        seen: list[list[str]] = [[], []]

        def puller(index: int) -> None:
            server = servers[index]
            _, token = enrol(server, "pull@example.org", f"dev-puller-{index}")
            cursor = ""
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
                while True:
                    finished = done.is_set()
                    page = client.get("/v1/pull", params={"cursor": cursor, "limit": 7}).json()
                    seen[index] += [item["change"]["change_id"] for item in page["changes"]]
                    cursor = page["cursor"]
                    if finished and not page["more"]:
                        return

        pullers = [threading.Thread(target=puller, args=(index,)) for index in range(2)]
        pushers = [threading.Thread(target=pusher, args=(number,)) for number in range(PUSHERS)]
        for thread in pullers + pushers:
            thread.start()
        for thread in pushers:
            thread.join()
        done.set()
        for thread in pullers:
            thread.join(timeout=120)

        assert not errors
        assert len(expected) == PUSHERS * BATCHES * PER_BATCH
        for index in range(2):
            assert len(seen[index]) == len(set(seen[index])), "a change was delivered twice"
            missing = expected - set(seen[index])
            assert not missing, f"puller {index} skipped {len(missing)} changes"
