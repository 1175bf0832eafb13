"""Sync benchmark: initial pull, push, no-op cost against server size, and many devices at once.

Real parts throughout: `liaison-server serve` in its own process on loopback, real
encrypted stores on the client side, PostgreSQL or a SQLite file behind the server.

    uv run python bench/sync_bench.py                                  # both backends, the issue's sizes
    uv run python bench/sync_bench.py --backend sqlite --pull 20000 --push 2000 --large 100000 --devices 50
    uv run python bench/sync_bench.py --pull-only --repeat 3                # the initial pull alone, three new devices

The no-op sync is measured on two servers at once, one holding --small changes and
one holding --large, a round on each in turn, so the machine's load changes hit both
sides of the ratio alike. It prints one table per backend (and writes JSON with
--json). It asserts nothing about time: the figures go into docs/PERFORMANCE.md with
this command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from liaison.core.clock import ALL_FIELDS, Stamp
from liaison.core.protocol import Change, PushRequest
from liaison.core.records.models import Hcp, Interaction
from liaison.device.store.store import Store
from liaison.device.sync.apply import apply_pull
from liaison.device.sync.engine import SyncEngine
from liaison.server import admin, migrate
from liaison.server.db import make_engine
from liaison.server.models import ChangeLog, RecordRow, User
from liaison.server.pages import encode_cursor
from liaison.server.process import served

PASSPHRASE = "bench passphrase that is long enough"
POSTGRES_ADMIN_URL = os.environ.get("LIAISON_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
TERRITORY = "FR-Rhone"
EMAIL = "bench@example.org"
SEED_CHUNK = 5_000
console = Console(width=150)


@dataclass
class Row:
    scenario: str
    size: int
    seconds: float
    rate: str = ""
    target: str = ""
    verdict: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- the server under test -------------------------------------------------------


@contextmanager
def database(backend: str, workdir: Path, label: str = "server") -> Iterator[str]:
    """A fresh, empty database for one backend; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'{label}.db'}"
        return
    import psycopg

    name = f"liaison_bench_{os.getpid()}_{label}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- seeding the server directly (not timed) -----------------------------------------


class Seeder:
    """Writes records and their change-log rows straight into the server's tables.

    The shapes come from a real store's outbox, so a device applies them exactly
    as it would apply changes pushed by another device.
    """

    def __init__(self, engine: Engine, email: str, templates: dict[str, dict[str, Any]]) -> None:
        self.engine = engine
        self.templates = templates
        self.device = "bench-seed-" + uuid.uuid4().hex[:8]
        self.wall = int(time.time() * 1000) - 86_400_000
        with engine.connect() as conn:
            self.user_id = conn.execute(select(User.id).where(User.email == email)).scalar_one()
        self.hcp_ids: list[str] = []
        self.count = 0

    def total(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(ChangeLog)).scalar_one())

    def last_seq(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(ChangeLog.seq))).scalar_one() or 0)

    def seed(self, n: int, progress: Progress, label: str) -> None:
        task = progress.add_task(label, total=n)
        done = 0
        while done < n:
            size = min(SEED_CHUNK, n - done)
            records, log = [], []
            now = datetime.now(UTC)
            for _ in range(size):
                table, fields = self._next()
                self.wall += 1
                record_id = fields.pop("id")
                clocks = {ALL_FIELDS: Stamp(self.wall, 0, self.device).encode()}
                records.append(
                    {
                        "table_name": table,
                        "record_id": record_id,
                        "fields": fields,
                        "clocks": clocks,
                        "owner_user_id": self.user_id,
                        "territory": None,
                        "updated_seq": 0,
                    }
                )
                log.append(
                    {
                        "change_id": uuid.uuid4().hex,
                        "table_name": table,
                        "record_id": record_id,
                        "fields": fields,
                        "clocks": clocks,
                        "base_clocks": {},
                        "device_id": self.device,
                        "owner_user_id": self.user_id,
                        "territory": None,
                        "received_at": now,
                    }
                )
            with self.engine.begin() as conn:
                conn.execute(insert(RecordRow), records)
                conn.execute(insert(ChangeLog), log)
            done += size
            progress.update(task, advance=size)
        progress.remove_task(task)

    def _next(self) -> tuple[str, dict[str, Any]]:
        """Every third record an HCP, the rest interactions with the HCPs seeded so far."""
        self.count += 1
        record_id = str(uuid.uuid4())
        if self.count % 3 == 1 or not self.hcp_ids:
            self.hcp_ids.append(record_id)
            fields = dict(self.templates["hcp"], id=record_id, name=f"Dr Bench {self.count}", device_id=self.device)
            return "hcp", fields
        hcp_id = self.hcp_ids[self.count % len(self.hcp_ids)]
        notes = f"Discussed subgroup data and dosing in renal impairment, visit {self.count}"
        return "interaction", dict(self.templates["interaction"], id=record_id, hcp_id=hcp_id, notes=notes, device_id=self.device)


def shape_templates(workdir: Path) -> dict[str, dict[str, Any]]:
    """One HCP and one interaction from a real store's outbox: the wire shape devices send."""
    from sqlmodel import select as sql_select

    from liaison.device.store.models import OutboxEntry

    with Store.init(workdir / "template", PASSPHRASE, user="bench@example.org") as store:
        hcp = store.repository.create(
            Hcp,
            {
                "name": "Dr Template",
                "specialty": "Oncology",
                "institution": "Hôpital Édouard Herriot",
                "city": "Lyon",
                "country": "FR",
                "kol_tier": 2,
                "therapeutic_areas": ["Oncology"],
            },
        )
        store.repository.create(
            Interaction,
            {
                "hcp_id": hcp.id,
                "occurred_at": datetime.now(UTC),
                "channel": "in_person",
                "therapeutic_area": "Oncology",
                "products": ["orvatinib"],
                "topics": ["subgroup analysis"],
                "notes": "template",
            },
        )
        with store.repository.session() as session:
            entries = session.exec(sql_select(OutboxEntry)).all()
            return {entry.table_name: dict(entry.fields) for entry in entries}


# --- devices -------------------------------------------------------------------------


def new_device(workdir: Path, name: str, server: str, engine: Engine, email: str) -> tuple[Store, SyncEngine]:
    store = Store.init(workdir / name, PASSPHRASE, user=email)
    sync = SyncEngine(store)
    sync.enroll(server, admin.enroll_code(engine, email=email), device_name=name)
    return store, sync


def timed_round(sync: SyncEngine) -> tuple[float, float, int, int]:
    """(seconds for the whole round, seconds until the push finished, pushed, pulled)."""
    marks: dict[str, float] = {}
    start = time.perf_counter()

    def progress(stage: str, fraction: float) -> None:
        marks[stage] = time.perf_counter() - start

    report = sync.run_once(progress)
    total = time.perf_counter() - start
    return total, marks.get("push", 0.0), report.pushed, report.pulled


def initial_pull(workdir: Path, name: str, server: str, engine: Engine, email: str) -> Row:
    """A new device's first round: everything the server holds for it, into its encrypted store."""
    fresh, fresh_sync = new_device(workdir, name, server, engine, email)
    cpu = time.process_time()
    seconds, _, _, pulled = timed_round(fresh_sync)
    cpu = time.process_time() - cpu
    stored = stored_records(fresh)
    fresh.close()
    return Row(
        "initial pull to a new device",
        pulled,
        seconds,
        f"{pulled / seconds:,.0f} records/s, client CPU {cpu:.1f} s",
        "≤ 10 s for 100k",
        _verdict(seconds * 100_000 / max(pulled, 1), 10.0),
        {"records_in_store": stored, "client_cpu_seconds": cpu},
    )


def noop_rounds(*devices: SyncEngine, rounds: int = 15) -> list[list[float]]:
    """`rounds` no-op rounds of each device, taken in turn, so load that comes and goes on the machine hits each alike."""
    timings: list[list[float]] = [[] for _ in devices]
    for _ in range(rounds):
        for device, seconds in zip(devices, timings, strict=True):
            total, _, pushed, pulled = timed_round(device)
            assert pushed == 0 and pulled == 0, (pushed, pulled)
            seconds.append(total)
    return timings


@contextmanager
def caught_up_elsewhere(
    backend: str, workdir: Path, size: int, workers: int, templates: dict[str, dict[str, Any]], progress: Progress
) -> Iterator[SyncEngine]:
    """A server of its own holding `size` changes, and a device caught up with it: the no-op sync's small side."""
    with database(backend, workdir, f"small-{size}") as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        admin.create_user(engine, email=EMAIL, name="Bench MSL", role="msl", territory=TERRITORY)
        seeder = Seeder(engine, EMAIL, templates)
        seeder.seed(size, progress, f"seeding a second server with {size:,} changes")
        with served(url, workdir / f"small-{size}.log", workers=workers) as server:
            store, sync = new_device(workdir, f"watcher-{size}", server, engine, EMAIL)
            catch_up(store, seeder.last_seq())
            try:
                yield sync
            finally:
                store.close()
        engine.dispose()


def stored_records(store: Store) -> int:
    """HCPs and interactions in the device's encrypted store: proof the pull landed, not just arrived."""
    with store.repository.session() as session:
        return sum(int(session.exec(select(func.count()).select_from(model)).one()[0]) for model in (Hcp, Interaction))


def catch_up(store: Store, seq: int) -> None:
    """Put a device's cursor at the end of the log, as if it had pulled everything before."""
    apply_pull(store.repository, [], encode_cursor(seq))


# --- many devices at once ------------------------------------------------------------


async def crowd(server: str, engine: Engine, devices: int, rounds: int, template: dict[str, Any]) -> dict[str, Any]:
    """`devices` simulated devices (a laptop and a tablet per MSL, one territory each) push 5 new HCPs
    then pull until caught up, `rounds` times, all at once."""
    users = max(1, devices // 2)
    codes = []
    for index in range(users):
        email = f"crowd{index}@example.org"
        admin.create_user(engine, email=email, name=f"Crowd {index}", role="msl", territory=f"crowd-{index}")
    for index in range(devices):
        codes.append(admin.enroll_code(engine, email=f"crowd{index % users}@example.org"))
    latencies: list[float] = []
    errors: list[str] = []
    pushed = pulled = 0
    limits = httpx.Limits(max_connections=devices, max_keepalive_connections=devices)
    async with httpx.AsyncClient(base_url=server, timeout=60, limits=limits) as client:

        async def call(method: str, path: str, **kwargs: Any) -> httpx.Response | None:
            """One timed request; a transport failure counts as an error, as a device would see it."""
            start = time.perf_counter()
            try:
                reply = await client.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                errors.append(f"{method} {path}: {type(exc).__name__}")
                return None
            latencies.append(time.perf_counter() - start)
            if reply.status_code != 200:
                errors.append(f"{method} {path} {reply.status_code}: {reply.text[:160]}")
                return None
            return reply

        async def device(index: int) -> None:
            nonlocal pushed, pulled
            device_id = f"crowd-device-{index}-{uuid.uuid4().hex[:6]}"
            answer = await call("POST", "/v1/enroll", json={"protocol": 1, "code": codes[index], "device_id": device_id, "device_name": device_id})
            if answer is None:
                return
            headers = {"Authorization": f"Bearer {answer.json()['token']}"}
            cursor, counter = "", 0
            for _ in range(rounds):
                changes = []
                for _ in range(5):
                    counter += 1
                    fields = dict(template, name=f"Dr Crowd {index}-{counter}", device_id=device_id)
                    stamp = Stamp(int(time.time() * 1000), counter, device_id).encode()
                    changes.append(
                        Change(
                            change_id=uuid.uuid4().hex,
                            table="hcp",
                            record_id=str(uuid.uuid4()),
                            fields=fields,
                            clocks={ALL_FIELDS: stamp},
                            device_id=device_id,
                        )
                    )
                body = PushRequest(changes=changes).model_dump_json()
                reply = await call("POST", "/v1/push", content=body, headers={**headers, "Content-Type": "application/json"})
                if reply is None:
                    continue
                pushed += len(changes)
                more = True
                while more:
                    reply = await call("GET", "/v1/pull", params={"cursor": cursor, "limit": 500}, headers=headers)
                    if reply is None:
                        break
                    page = reply.json()
                    cursor, more = page["cursor"], page["more"]
                    pulled += len(page["changes"])

        start = time.perf_counter()
        await asyncio.gather(*(device(index) for index in range(devices)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "devices": devices,
        "rounds": rounds,
        "pushed": pushed,
        "pulled": pulled,
        "seconds": elapsed,
        "requests": len(latencies),
        "changes_per_second": pushed / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0,
        "errors": len(errors),
        "first_errors": errors[:3],
    }


# --- one backend, end to end ---------------------------------------------------------


def run_backend(backend: str, args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    workdir = Path(tempfile.mkdtemp(prefix=f"liaison-sync-bench-{backend}-"))
    try:
        with database(backend, workdir) as url:
            engine = make_engine(url)
            migrate.upgrade(engine)
            email = EMAIL
            admin.create_user(engine, email=email, name="Bench MSL", role="msl", territory=TERRITORY)
            seeder = Seeder(engine, email, shape_templates(workdir))
            workers = args.workers if backend == "postgres" else 1  # SQLite is served by one process
            with (
                served(url, workdir / "server.log", workers=workers) as server,
                Progress(
                    TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True
                ) as progress,
            ):
                console.print(f"[bold]{backend}[/]: server at {server} with {workers} worker(s)")

                seeder.seed(max(0, args.pull - seeder.total()), progress, f"seeding up to {args.pull:,} changes")
                rows += [initial_pull(workdir, f"fresh-{index}", server, engine, email) for index in range(args.repeat)]
                if args.pull_only:
                    engine.dispose()
                    return rows

                seeder.seed(max(0, args.large - seeder.total()), progress, f"seeding up to {args.large:,} changes")
                watcher, watcher_sync = new_device(workdir, "watcher", server, engine, email)
                catch_up(watcher, seeder.last_seq())
                with caught_up_elsewhere(backend, workdir, args.small, workers, seeder.templates, progress) as small_sync:
                    small, large = noop_rounds(small_sync, watcher_sync)
                watcher.close()
                ratio = statistics.median(large) / statistics.median(small)
                rows.append(Row(f"no-op sync, server holds {args.small:,}", args.small, statistics.median(small), "median of 15, interleaved"))
                rows.append(
                    Row(
                        f"no-op sync, server holds {seeder.total():,}",
                        seeder.total(),
                        statistics.median(large),
                        "median of 15, interleaved",
                        "ratio ≤ 1.5",
                        f"ratio {ratio:.2f} " + ("PASS" if ratio <= 1.5 else "FAIL"),
                        {"ratio": ratio},
                    )
                )

                pusher, pusher_sync = new_device(workdir, "pusher", server, engine, email)
                catch_up(pusher, seeder.last_seq())  # a device in daily use: only its own new work to send
                task = progress.add_task(f"writing {args.push:,} interactions on a device", total=None)
                hcp = pusher.repository.create(Hcp, {"name": "Dr Pusher", "specialty": "Cardiology"})
                pusher.repository.create_many(
                    Interaction,
                    (
                        {
                            "hcp_id": hcp.id,
                            "occurred_at": datetime.now(UTC),
                            "channel": "phone",
                            "therapeutic_area": "Cardiometabolic",
                            "topics": ["dosing"],
                            "notes": f"call {index}",
                        }
                        for index in range(args.push - 1)
                    ),
                )
                progress.remove_task(task)
                total, push_seconds, pushed, _ = timed_round(pusher_sync)
                pusher.close()
                rows.append(
                    Row(
                        "push from one device",
                        pushed,
                        push_seconds,
                        f"{pushed / push_seconds:,.0f} changes/s",
                        "≤ 3 s for 10k",
                        _verdict(push_seconds * 10_000 / max(pushed, 1), 3.0),
                        {"round_seconds": total},
                    )
                )

                result = asyncio.run(crowd(server, engine, args.devices, args.rounds, seeder.templates["hcp"]))
                rows.append(
                    Row(
                        f"{args.devices} devices at once",
                        result["pushed"],
                        result["seconds"],
                        f"{result['changes_per_second']:,.0f} changes/s, p95 {result['p95_ms']:.0f} ms",
                        "zero errors",
                        "PASS" if result["errors"] == 0 else f"FAIL ({result['errors']} errors)",
                        result,
                    )
                )
            engine.dispose()
    finally:
        if args.keep:
            console.print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return rows


def _verdict(projected: float, target: float) -> str:
    return f"{projected:.1f} s proj. " + ("PASS" if projected <= target else "FAIL")


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pull", type=int, default=100_000, help="records a new device pulls")
    parser.add_argument("--push", type=int, default=10_000, help="changes one device pushes")
    parser.add_argument("--small", type=int, default=10_000, help="changes on the second server, the no-op sync's small side")
    parser.add_argument("--large", type=int, default=1_000_000, help="server size for the second no-op sync")
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="push-and-pull rounds per simulated device")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes with PostgreSQL (SQLite always has one)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (stores, server database and log)")
    parser.add_argument("--pull-only", action="store_true", help="measure only the initial pull (see --repeat)")
    parser.add_argument("--repeat", type=int, default=1, help="initial pulls, each to its own new device")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: dict[str, list[dict[str, Any]]] = {}
    for backend in backends:
        if backend == "postgres" and not postgres_reachable():
            console.print(f"[yellow]postgres skipped: nothing reachable at {POSTGRES_ADMIN_URL}[/]")
            continue
        rows = run_backend(backend, args)
        results[backend] = [asdict(row) for row in rows]
        table = Table(title=f"Sync benchmark: {backend}")
        for column in ("scenario", "size", "seconds", "rate", "target", "verdict"):
            table.add_column(column, justify="right" if column in ("size", "seconds") else "left")
        for row in rows:
            table.add_row(row.scenario, f"{row.size:,}", f"{row.seconds:.3f}", row.rate, row.target, row.verdict)
        console.print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "results": results}, indent=2))


if __name__ == "__main__":
    main()
