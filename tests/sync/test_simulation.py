"""A randomized simulation: several devices and a real server, with the network misbehaving.

Faults: requests dropped, responses lost, duplicated requests, stale requests
replayed out of order, the server restarted, a device killed mid-sync (its
process state gone, its store reopened from disk), device clocks skewed by
hours. And what devices send or suffer: an HCP typed into another territory
(refused, then corrected and resent), a modified client pushing far-future
stamps and values no device can store (refused), and a device revoked with
adverse events still in its queue. After every run, with the network healthy
again and every refusal corrected: no record lost, none duplicated, every
device equal to the server, every value ever written either current, kept as
a conflict, knowingly overwritten by a later edit or abandoned on a revoked
device; and every adverse event created on any device is on the server
exactly once, as filed.

The suite runs 8 seeds; `LIAISON_SIM_SEEDS=200 uv run pytest tests/sync/test_simulation.py -s`
runs seeds 0-199 and prints each one's counts.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from liaison.core.clock import HybridLogicalClock, Stamp
from liaison.core.records.models import AdverseEvent, Hcp
from liaison.device.store.models import Conflict, OutboxEntry
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.device.sync.errors import DeviceRevoked, SyncError
from liaison.server import admin
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow

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
        self.store.repository.clock = HybridLogicalClock(real.device, last=real.last, wall=lambda: int(time.time() * 1000) + self.skew_ms)

    def engine(self) -> SyncEngine:
        return SyncEngine(self.store, transport=self.network, pull_limit=7)

    def hcps(self) -> dict[str, dict[str, object]]:
        with self.store.repository.session() as session:
            return {
                hcp.id: {"name": hcp.name, "specialty": hcp.specialty, "city": hcp.city, "deleted": hcp.deleted} for hcp in session.exec(select(Hcp))
            }

    def conflict_values(self) -> set[object]:
        with self.store.repository.session() as session:
            return {value for c in session.exec(select(Conflict)) for value in (c.kept_value, c.lost_value)}

    def unsent(self) -> tuple[set[str], set[object]]:
        """HCPs this device created and values it wrote whose changes have not left its outbox."""
        with self.store.repository.session() as session:
            entries = session.exec(select(OutboxEntry).where(OutboxEntry.table_name == "hcp")).all()
        created = {entry.record_id for entry in entries if "created_at" in entry.fields}
        values = {entry.fields.get(name) for entry in entries for name in ("specialty", "city") if name in entry.fields}
        return created, values

    def correct_refusals(self) -> tuple[set[str], set[object]]:
        """What the MSL does with each refused HCP: moves it to their own territory and resends it, or,
        when they have deleted it since, discards its changes; the ids and values discarded."""
        repository = self.store.repository
        discarded: set[str] = set()
        values: set[object] = set()
        for refusal in repository.refused():
            if self.hcps()[refusal.record_id]["deleted"]:
                with repository.session() as session:
                    entries = session.exec(select(OutboxEntry).where(OutboxEntry.record_id == refusal.record_id)).all()
                values |= {entry.fields.get(name) for entry in entries for name in ("specialty", "city") if name in entry.fields}
                repository.discard_refused(refusal.change_id)
                discarded.add(refusal.record_id)
                continue
            repository.update(Hcp, refusal.record_id, {"territory": "north"})
            repository.resend_refused(refusal.change_id)
        assert not repository.refused(), "a corrected record is still refused"
        return discarded, values


def rogue_push(server: EmbeddedServer, device: SimDevice, rng: random.Random, step: int) -> bool:
    """A modified client on this device's token pushes what no device may keep; True when the server refused it."""
    state = device.engine().state()
    assert state is not None
    if rng.random() < 0.5:
        fields: dict[str, object] = {"name": f"Dr Future {step}"}
        stamp = Stamp(999_999_999_999_999, 0xFFFFFF, device.store.device_id).encode()
    else:
        fields = {"name": f"Dr Overflow {step}", "kol_tier": 2**63}
        stamp = Stamp(int(time.time() * 1000), 0, device.store.device_id).encode()
    change = {
        "change_id": f"rogue-{step}-{rng.getrandbits(32)}",
        "table": "hcp",
        "record_id": f"rogue-{step}",
        "fields": fields,
        "clocks": {"*": stamp},
        "device_id": device.store.device_id,
    }
    answer = httpx.post(f"{server.url}/v1/push", json={"changes": [change]}, headers={"Authorization": f"Bearer {state.token}"})
    return answer.status_code == 200 and [refused["change_id"] for refused in answer.json()["refused"]] == [change["change_id"]]


def run_simulation(seed: int, root: Path) -> dict[str, int]:
    rng = random.Random(seed)
    server = EmbeddedServer(root / "server.db").start()
    stats = {
        "steps": 0,
        "creates": 0,
        "typos": 0,
        "aes": 0,
        "edits": 0,
        "deletes": 0,
        "rogue_refused": 0,
        "revoked": 0,
        "syncs": 0,
        "failed_syncs": 0,
        "restarts": 0,
    }
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
        abandoned: set[str] = set()
        events: set[str] = set()
        written: set[object] = set()
        replaced: set[object] = set()
        lost_with_device: set[object] = set()
        revoked: list[SimDevice] = []

        def sync(device: SimDevice) -> None:
            try:
                device.engine().run_once()
            except DeviceRevoked:
                devices.remove(device)  # it delivered its safety records and wiped itself
            except (SyncError, Killed):
                stats["failed_syncs"] += 1
                device.store.close()
                device.open()

        for step in range(STEPS):
            stats["steps"] += 1
            device = rng.choice(devices)
            if device in revoked:
                sync(device)  # its MSL no longer works on it; it only has to hear that it was revoked
                continue
            known = [hcp_id for hcp_id, hcp in device.hcps().items() if not hcp["deleted"]]
            action = rng.random()
            if action < 0.2 or not known:
                typo = rng.random() < 0.2
                fields = {"name": f"Dr Sim {seed}-{step}", "specialty": f"spec-{seed}-{step}", **({"territory": "south"} if typo else {})}
                created.add(device.store.repository.create(Hcp, fields).id)
                written.add(f"spec-{seed}-{step}")
                stats["typos" if typo else "creates"] += 1
            elif action < 0.27:
                event = device.store.repository.create_submitted(
                    AdverseEvent,
                    {
                        "reporter": "Dr Sim",
                        "aware_at": datetime.now(UTC) - timedelta(hours=1),
                        "product": "simulamab",
                        "description": f"ae-{seed}-{step}",
                    },
                )
                events.add(event.id)
                stats["aes"] += 1
            elif action < 0.5:
                target = rng.choice(known)
                name = rng.choice(["specialty", "city"])
                value = f"{name}-{seed}-{step}"
                replaced.add(device.hcps()[target][name])
                device.store.repository.update(Hcp, target, {name: value})
                written.add(value)
                stats["edits"] += 1
            elif action < 0.55:
                device.store.repository.delete(Hcp, rng.choice(known))
                stats["deletes"] += 1
            elif action < 0.58:
                stats["rogue_refused"] += rogue_push(server, device, rng, step)
            elif action < 0.6 and not revoked and len(devices) > 1:
                unsent_ids, unsent_values = device.unsent()
                abandoned |= unsent_ids
                lost_with_device |= unsent_values
                admin.revoke_device(server.engine, device.store.device_id)
                revoked.append(device)
                stats["revoked"] += 1
            elif action < 0.95:
                if rng.random() < 0.2:
                    device.network.kill_after = rng.randint(0, 4)
                stats["syncs"] += 1
                sync(device)
            else:
                port = server.port
                server.stop()
                server.engine.dispose()
                server = EmbeddedServer(root / "server.db", port=port).start()
                stats["restarts"] += 1

        for device in [*devices]:
            device.network.faults = False
            device.network.kill_after = None
        for device in [*devices]:
            sync(device)  # the revoked device delivers and leaves; the others push and hear of everything
        discarded: set[str] = set()
        for device in devices:
            ids, values = device.correct_refusals()
            discarded |= ids
            lost_with_device |= values
        for _ in range(2):
            for device in devices:
                device.engine().run_once()

        with Session(server.engine) as session:
            on_server = {
                row.record_id: {name: row.fields.get(name) for name in ("name", "specialty", "city", "deleted")}
                for row in session.exec(select(RecordRow).where(RecordRow.table_name == "hcp"))
            }
            delivered = {row.record_id: row.fields for row in session.exec(select(RecordRow).where(RecordRow.table_name == "adverse_event"))}
        assert not [record_id for record_id in on_server if record_id.startswith("rogue-")], f"seed {seed}: a rogue change was kept"
        assert created - abandoned - discarded <= set(on_server) <= created - discarded, f"seed {seed}: server lost or invented records"
        names = [hcp["name"] for hcp in on_server.values()]
        assert len(names) == len(set(names)), f"seed {seed}: a record was duplicated"
        descriptions = [fields["description"] for fields in delivered.values()]
        assert len(descriptions) == len(set(descriptions)), f"seed {seed}: an AE was duplicated"
        assert set(delivered) == events, f"seed {seed}: AEs missing from the server: {sorted(events - set(delivered))}"
        assert all(fields["status"] == "submitted" for fields in delivered.values()), f"seed {seed}: an AE is not on the server as filed"
        conflicts: set[object] = set()
        for device in devices:
            kept = {hcp_id: hcp for hcp_id, hcp in device.hcps().items() if hcp_id not in discarded}
            assert kept == on_server, f"seed {seed}: {device.data_dir.name} differs from the server"
            conflicts |= device.conflict_values()
        final = {value for hcp in on_server.values() for value in (hcp["specialty"], hcp["city"])}
        unaccounted = written - final - conflicts - replaced - lost_with_device
        assert not unaccounted, f"seed {seed}: writes silently lost: {sorted(map(str, unaccounted))}"
        stats["conflicts"] = len(conflicts) // 2
        stats["aes_on_server"] = len(delivered)
        for device in [*devices, *revoked]:
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
