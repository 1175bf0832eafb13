"""A randomized simulation: several devices and a real server, with the network misbehaving.

Faults: requests dropped, responses lost, duplicated requests, stale requests
replayed out of order, the server restarted, a device killed mid-sync (its
process state gone, its store reopened from disk), device clocks skewed by
hours. After every run, with the network healthy again:
no record lost, none duplicated, every device equal to the server, and every
value ever written is either current, kept as a conflict, or was knowingly
overwritten by a later edit.

The suite runs 8 seeds; `LIAISON_SIM_SEEDS=200 uv run pytest tests/sync/test_simulation.py -s`
runs seeds 0-199 and prints each one's counts.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from app.store.models import Conflict, Hcp
from app.store.store import Store
from sync.client.engine import SyncEngine
from sync.client.errors import SyncError
from sync.clock import HybridLogicalClock
from sync.server.embedded import EmbeddedServer
from sync.server.models import RecordRow

SEEDS = range(int(os.environ.get("LIAISON_SIM_SEEDS", "8")))
STEPS = 45
DEVICES = 3
PASSPHRASE = "simulation passphrase"
HOUR_MS = 3_600_000


class Killed(Exception):
    """The device's process died mid-sync."""


class FaultyNetwork(httpx.BaseTransport):
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.inner = httpx.HTTPTransport()
        self.faults = True
        self.kill_after: int | None = None
        self.replays: list[httpx.Request] = []
        self.counts = {"dropped": 0, "lost": 0, "duplicated": 0, "replayed": 0, "killed": 0}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.faults:
            return self.inner.handle_request(request)
        if self.kill_after is not None:
            self.kill_after -= 1
            if self.kill_after < 0:
                self.kill_after = None
                self.counts["killed"] += 1
                raise Killed()
        roll = self.rng.random()
        if request.url.path.endswith("/push"):
            request.read()
            self.replays.append(request)
            if self.replays and self.rng.random() < 0.15:
                stale = self.rng.choice(self.replays)
                self.counts["replayed"] += 1
                self._send(stale)
        if roll < 0.1:
            self.counts["dropped"] += 1
            raise httpx.ConnectError("dropped", request=request)
        response = self._send(request)
        if roll < 0.2:
            self.counts["lost"] += 1
            raise httpx.ReadError("response lost", request=request)
        if roll < 0.28:
            self.counts["duplicated"] += 1
            response = self._send(request)
        return response

    def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self.inner.handle_request(request)
            response.read()
            return response
        except httpx.TransportError:
            raise


@dataclass
class SimDevice:
    data_dir: Path
    network: FaultyNetwork
    skew_ms: int
    store: Store = field(init=False)

    def open(self) -> None:
        self.store = Store.open(self.data_dir, PASSPHRASE)
        real = self.store.repository.clock
        self.store.repository.clock = HybridLogicalClock(
            real.device, last=real.last, wall=lambda: int(time.time() * 1000) + self.skew_ms
        )

    def engine(self) -> SyncEngine:
        return SyncEngine(self.store, transport=self.network, pull_limit=7)

    def hcps(self) -> dict[str, dict[str, object]]:
        with self.store.repository.session() as session:
            return {
                hcp.id: {"name": hcp.name, "specialty": hcp.specialty, "city": hcp.city, "deleted": hcp.deleted}
                for hcp in session.exec(select(Hcp))
            }

    def conflict_values(self) -> set[object]:
        with self.store.repository.session() as session:
            return {value for c in session.exec(select(Conflict)) for value in (c.kept_value, c.lost_value)}


def run_simulation(seed: int, root: Path) -> dict[str, int]:
    rng = random.Random(seed)
    server = EmbeddedServer(root / "server.db").start()
    stats = {"steps": 0, "creates": 0, "edits": 0, "deletes": 0, "syncs": 0, "failed_syncs": 0, "restarts": 0}
    devices: list[SimDevice] = []
    try:
        server.create_user("sim@example.org", "Sim", territory="north")
        for number in range(DEVICES):
            data_dir = root / f"device-{number}"
            Store.init(data_dir, PASSPHRASE, user="sim@example.org").close()
            device = SimDevice(data_dir, FaultyNetwork(rng), skew_ms=rng.randint(-3 * HOUR_MS, 3 * HOUR_MS))
            device.open()
            device.network.faults = False
            device.engine().enroll(server.url, server.enroll_code("sim@example.org"), f"device {number}")
            device.network.faults = True
            devices.append(device)

        created: set[str] = set()
        written: set[object] = set()
        replaced: set[object] = set()
        for step in range(STEPS):
            stats["steps"] += 1
            device = rng.choice(devices)
            known = [hcp_id for hcp_id, hcp in device.hcps().items() if not hcp["deleted"]]
            action = rng.random()
            if action < 0.25 or not known:
                hcp = device.store.repository.create(Hcp, {"name": f"Dr Sim {seed}-{step}", "specialty": f"spec-{seed}-{step}"})
                created.add(hcp.id)
                written.add(f"spec-{seed}-{step}")
                stats["creates"] += 1
            elif action < 0.55:
                target = rng.choice(known)
                name = rng.choice(["specialty", "city"])
                value = f"{name}-{seed}-{step}"
                replaced.add(device.hcps()[target][name])
                device.store.repository.update(Hcp, target, {name: value})
                written.add(value)
                stats["edits"] += 1
            elif action < 0.6:
                device.store.repository.delete(Hcp, rng.choice(known))
                stats["deletes"] += 1
            elif action < 0.95:
                if rng.random() < 0.2:
                    device.network.kill_after = rng.randint(0, 4)
                stats["syncs"] += 1
                try:
                    device.engine().run_once()
                except (SyncError, Killed):
                    stats["failed_syncs"] += 1
                    device.store.close()
                    device.open()
            else:
                port = server.port
                server.stop()
                server.engine.dispose()
                server = EmbeddedServer(root / "server.db", port=port).start()
                stats["restarts"] += 1

        for device in devices:
            device.network.faults = False
            device.network.kill_after = None
        for _ in range(2):
            for device in devices:
                device.engine().run_once()

        with Session(server.engine) as session:
            on_server = {
                row.record_id: {name: row.fields.get(name) for name in ("name", "specialty", "city", "deleted")}
                for row in session.exec(select(RecordRow).where(RecordRow.table_name == "hcp"))
            }
        assert set(on_server) == created, f"seed {seed}: server lost or invented records"
        names = [hcp["name"] for hcp in on_server.values()]
        assert len(names) == len(set(names)), f"seed {seed}: a record was duplicated"
        conflicts: set[object] = set()
        for device in devices:
            assert device.hcps() == on_server, f"seed {seed}: {device.data_dir.name} differs from the server"
            conflicts |= device.conflict_values()
        final = {value for hcp in on_server.values() for value in (hcp["specialty"], hcp["city"])}
        unaccounted = written - final - conflicts - replaced
        assert not unaccounted, f"seed {seed}: writes silently lost: {sorted(map(str, unaccounted))}"
        stats["conflicts"] = len(conflicts) // 2
        for device in devices:
            for fault, count in device.network.counts.items():
                stats[fault] = stats.get(fault, 0) + count
        return stats
    finally:
        for device in devices:
            if not device.store.locked:
                device.store.close()
        server.stop()
        server.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_devices_and_server_converge_under_faults(seed: int, tmp_path: Path) -> None:
    stats = run_simulation(seed, tmp_path)
    print(f"\nsimulation seed={seed}: " + ", ".join(f"{key}={value}" for key, value in stats.items()))
    assert stats["failed_syncs"] + stats["dropped"] + stats["lost"] > 0, "the run must actually have injected faults"
