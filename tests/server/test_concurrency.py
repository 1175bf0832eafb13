"""Several server processes on one PostgreSQL: a pull cursor never skips a change committed out of order.

The race this guards against is narrow: a push draws its change-log sequence
numbers, and before it commits another push draws later ones and commits
first; a pull in between moves its cursor past the earlier numbers for good.
To make the race likely rather than rare, the test database holds every push
open a few milliseconds after its rows are written (a trigger that sleeps),
exactly where the window is. Without the change-log lock this test fails on
nearly every run; with it, no change is ever skipped.
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from liaison.core.clock import Stamp
from liaison.server import admin, migrate
from liaison.server.db import make_engine
from liaison.server.process import served

PUSHERS = 6
BATCHES = 20
PER_BATCH = 3

SLOW_COMMIT = """
CREATE FUNCTION liaison_test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_sleep(random() * 0.03);
    RETURN NULL;
END $$;
CREATE TRIGGER liaison_test_slow_commit AFTER INSERT ON change_log FOR EACH STATEMENT EXECUTE FUNCTION liaison_test_slow_commit();
"""


def enrol(server: str, engine: object, email: str, device_id: str) -> str:
    code = admin.enroll_code(engine, email=email)  # type: ignore[arg-type]
    answer = httpx.post(f"{server}/v1/enroll", json={"code": code, "device_id": device_id, "device_name": "x"})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


@pytest.mark.slow
@pytest.mark.postgres
def test_concurrent_pushers_and_pullers_on_two_server_processes_see_every_change_exactly_once(postgres_url: str, tmp_path: Path) -> None:
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text(SLOW_COMMIT))
    admin.create_user(engine, email="pull@example.org", name="Puller", role="msl", territory="north")
    for number in range(PUSHERS):
        admin.create_user(engine, email=f"push{number}@example.org", name="Pusher", role="msl", territory="north")

    with served(postgres_url, tmp_path / "first.log") as first, served(postgres_url, tmp_path / "second.log") as second:
        servers = [first, second]
        expected: set[str] = set()
        errors: list[str] = []

        def pusher(number: int) -> None:
            server = servers[number % 2]
            device_id = f"dev-push{number}"
            token = enrol(server, engine, f"push{number}@example.org", device_id)
            with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
                for batch in range(BATCHES):
                    changes = []
                    for item in range(PER_BATCH):
                        change_id = f"{device_id}-{batch}-{item}"
                        changes.append(
                            {
                                "change_id": change_id,
                                "table": "hcp",
                                "record_id": change_id,
                                "fields": {"name": change_id},
                                "clocks": {"*": Stamp(batch * 10 + item + 1, 0, device_id).encode()},
                                "device_id": device_id,
                            }
                        )
                        expected.add(change_id)
                    answer = client.post("/v1/push", json={"changes": changes})
                    if answer.status_code != 200:
                        errors.append(answer.text)

        done = threading.Event()
        seen: list[list[str]] = [[], []]

        def puller(index: int) -> None:
            server = servers[index]
            token = enrol(server, engine, "pull@example.org", f"dev-puller-{index}")
            cursor = ""
            with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
                while True:
                    finished = done.is_set()
                    page = client.get("/v1/pull", params={"cursor": cursor, "limit": 5}).json()
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

    engine.dispose()
    assert not errors
    assert len(expected) == PUSHERS * BATCHES * PER_BATCH
    for index in range(2):
        assert len(seen[index]) == len(set(seen[index])), "a change was delivered twice"
        missing = expected - set(seen[index])
        assert not missing, f"puller {index} skipped {len(missing)} changes"
