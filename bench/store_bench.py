"""Store benchmark: saving an interaction and HCP search-as-you-type, SQLCipher vs plain SQLite.

    uv run python bench/store_bench.py [--hcps 50000] [--interactions 100000] [--samples 500]

Both stores are built the same way (through the repository, the one way in) and
measured in the same run, sample by sample in turn, so the ratio isolates what
encryption costs even when other work on the machine comes and goes. Targets
(issue 2): save p95 <= 5 ms, search p95 <= 20 ms, encrypted/plain <= 1.5.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import Engine
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from liaison.core.clock import HybridLogicalClock, Stamp
from liaison.core.records.models import Hcp, Interaction
from liaison.device.domain.demo import FIRST_NAMES, LAST_NAMES, SPECIALTIES, TOPICS
from liaison.device.store import migrate
from liaison.device.store.db import db_path, open_engine
from liaison.device.store.models import DeviceState
from liaison.device.store.queries import HcpFilter, interactions, search_hcps
from liaison.device.store.repository import Actor, Repository
from liaison.device.store.store import Store

CHUNK = 2000
PASSPHRASE = "benchmark passphrase"
TARGETS = {"save p95 (ms)": 5.0, "search p95 (ms)": 20.0}
RATIO_TARGET = 1.5
console = Console()


@dataclass
class Figures:
    save_p50: float
    save_p95: float
    search_p50: float
    search_p95: float
    profile_p95: float
    size_mb: float
    build_s: float


def plain_repository(data_dir: Path) -> tuple[Repository, Engine]:
    """The same repository over an unencrypted SQLite file: the baseline for the ratio."""
    data_dir.mkdir(parents=True)
    engine = open_engine(db_path(data_dir), None, plain=True)
    migrate.upgrade(engine)
    with Session(engine) as session:
        session.add(DeviceState(device_id="bench-plain", user="bench", clock=Stamp(0, 0, "-").encode()))
        session.commit()
    return Repository(engine, Actor("bench", "bench-plain"), HybridLogicalClock("bench-plain")), engine


def encrypted_repository(data_dir: Path) -> tuple[Repository, Engine]:
    store = Store.init(data_dir, PASSPHRASE, user="bench")
    return store.repository, store.engine


def fill(repository: Repository, hcps: int, interactions_total: int, rng: random.Random, label: str) -> list[str]:
    now = datetime.now(UTC)
    hcp_ids: list[str] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(f"{label}: HCPs", total=hcps)
        while len(hcp_ids) < hcps:
            rows = [_hcp(rng) for _ in range(min(CHUNK, hcps - len(hcp_ids)))]
            hcp_ids += repository.create_many(Hcp, rows)
            bar.update(task, completed=len(hcp_ids))
        task = bar.add_task(f"{label}: interactions", total=interactions_total)
        done = 0
        while done < interactions_total:
            rows = [_interaction(rng, hcp_ids, now) for _ in range(min(CHUNK, interactions_total - done))]
            done += len(repository.create_many(Interaction, rows))
            bar.update(task, completed=done)
    return hcp_ids


def measure(stores: dict[str, tuple[Repository, list[str]]], samples: int) -> dict[str, tuple[list[float], list[float], list[float]]]:
    """Each sample is taken on every store in turn, so a burst of load on this shared machine hits both alike."""
    now = datetime.now(UTC)
    rngs = {label: random.Random(7) for label in stores}
    timings: dict[str, tuple[list[float], list[float], list[float]]] = {label: ([], [], []) for label in stores}
    for _ in range(samples):
        for label, (repository, hcp_ids) in stores.items():
            row = _interaction(rngs[label], hcp_ids, now)
            timings[label][0].extend(_timed(1, partial(repository.create, Interaction, row)))
    sessions = {label: repository.session() for label, (repository, _) in stores.items()}
    try:
        for _ in range(samples):
            for label, session in sessions.items():
                prefix = _typed(rngs[label])
                timings[label][1].extend(_timed(1, partial(search_hcps, session, HcpFilter(search=prefix), limit=50)))
        for _ in range(samples):
            for label, session in sessions.items():
                hcp_id = rngs[label].choice(stores[label][1])
                timings[label][2].extend(_timed(1, partial(interactions, session, hcp_id=hcp_id, limit=100)))
    finally:
        for session in sessions.values():
            session.close()
    return timings


def run(hcps: int, interactions_total: int, samples: int, root: Path) -> dict[str, Figures]:
    stores: dict[str, tuple[Repository, list[str]]] = {}
    engines: dict[str, Engine] = {}
    builds: dict[str, float] = {}
    for label, opener in (("encrypted", encrypted_repository), ("plain", plain_repository)):
        rng = random.Random(42)
        started = time.perf_counter()
        repository, engine = opener(root / label)
        stores[label] = (repository, fill(repository, hcps, interactions_total, rng, label))
        builds[label] = time.perf_counter() - started
        engines[label] = engine
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    timings = measure(stores, samples)
    results: dict[str, Figures] = {}
    for label, (saves, searches, profiles) in timings.items():
        engines[label].dispose()
        size = sum(path.stat().st_size for path in (root / label).iterdir()) / 1e6
        results[label] = Figures(
            save_p50=_pct(saves, 50),
            save_p95=_pct(saves, 95),
            search_p50=_pct(searches, 50),
            search_p95=_pct(searches, 95),
            profile_p95=_pct(profiles, 95),
            size_mb=size,
            build_s=builds[label],
        )
    return results


def report(results: dict[str, Figures], args: argparse.Namespace) -> Table:
    enc, plain = results["encrypted"], results["plain"]
    table = Table(title=f"Store benchmark: {args.hcps:,} HCPs, {args.interactions:,} interactions, {args.samples} samples")
    for column in ("metric", "encrypted", "plain", "ratio", "target", "verdict"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    rows = [
        ("save p50 (ms)", enc.save_p50, plain.save_p50, None),
        ("save p95 (ms)", enc.save_p95, plain.save_p95, TARGETS["save p95 (ms)"]),
        ("search p50 (ms)", enc.search_p50, plain.search_p50, None),
        ("search p95 (ms)", enc.search_p95, plain.search_p95, TARGETS["search p95 (ms)"]),
        ("HCP history p95 (ms)", enc.profile_p95, plain.profile_p95, None),
    ]
    for metric, encrypted, baseline, target in rows:
        ratio = encrypted / baseline if baseline else float("nan")
        verdict = ""
        if target is not None:
            verdict = "PASS" if encrypted <= target and ratio <= RATIO_TARGET else "FAIL"
        target_text = f"≤ {target:g}, ratio ≤ {RATIO_TARGET:g}" if target is not None else ""
        table.add_row(metric, f"{encrypted:.2f}", f"{baseline:.2f}", f"{ratio:.2f}", target_text, verdict)
    table.add_row("store size (MB)", f"{enc.size_mb:.1f}", f"{plain.size_mb:.1f}", f"{enc.size_mb / plain.size_mb:.2f}", "", "")
    table.add_row("build (s)", f"{enc.build_s:.1f}", f"{plain.build_s:.1f}", f"{enc.build_s / plain.build_s:.2f}", "", "")
    table.add_row("peak RSS (MB)", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", "", "", "", "")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hcps", type=int, default=50_000)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", type=Path, help="build the stores here and keep them")
    args = parser.parse_args()
    if args.keep:
        results = run(args.hcps, args.interactions, args.samples, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="liaison-bench-") as root:
            results = run(args.hcps, args.interactions, args.samples, Path(root))
    console.print(report(results, args))
    if args.json:
        args.json.write_text(json.dumps({label: asdict(figures) for label, figures in results.items()}, indent=2))


def _timed(times: int, action: Callable[[], object]) -> list[float]:
    elapsed = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        elapsed.append((time.perf_counter() - started) * 1000)
    return elapsed


def _pct(values: list[float], percentile: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percentile - 1] if len(values) > 1 else values[0]


def _hcp(rng: random.Random) -> dict[str, object]:
    area = rng.choice(tuple(SPECIALTIES))
    return {
        "name": f"Dr {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}-{rng.randrange(10_000)}",
        "specialty": rng.choice(SPECIALTIES[area]),
        "institution": f"{rng.choice(LAST_NAMES)} Hospital",
        "city": rng.choice(("Leeds", "York", "Hull", "Durham", "Newcastle")),
        "kol_tier": rng.randint(1, 4),
        "therapeutic_areas": [area],
    }


def _interaction(rng: random.Random, hcp_ids: list[str], now: datetime) -> dict[str, object]:
    return {
        "hcp_id": rng.choice(hcp_ids),
        "occurred_at": now - timedelta(minutes=rng.randrange(525_600)),
        "channel": rng.choice(("in_person", "virtual", "phone", "email", "congress")),
        "topics": rng.sample(TOPICS, k=2),
        "products": ["zentrolimab"],
        "notes": "Discussed " + ", ".join(rng.sample(TOPICS, k=3)) + ". HCP asked for the subgroup data.",
    }


def _typed(rng: random.Random) -> str:
    """What an MSL has typed so far: 1–4 letters of a surname, sometimes two words."""
    last = rng.choice(LAST_NAMES)
    typed = last[: rng.randint(1, 4)]
    if rng.random() < 0.3:
        typed = f"{rng.choice(FIRST_NAMES)[:3]} {typed}"
    return typed


if __name__ == "__main__":
    main()
