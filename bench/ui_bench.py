"""UI benchmark in headless Chromium: launch to Home, HCP search keystrokes, opening a busy HCP profile; and the pre-call brief.

    uv run python bench/ui_bench.py [--hcps 50000] [--interactions 100000] [--keystrokes 40] [--briefs 40] [--brief-only]

The store is filled through the repository (as the store benchmark does), plus one
HCP with 200 interactions; then `liaison --web` serves it and Chromium drives it as
a person would. Targets (issue 4): launch to an interactive Home <= 3 s, keystroke
to updated results p95 <= 150 ms, HCP profile with 200 interactions <= 300 ms.

The brief case (issue 13) runs in this process on the same store, before the
browser: another HCP gets 200 interactions and some inquiries, follow-ups,
insights, a trial site, an event and content shared, and each sample builds
their `Brief` and the brief screen's controls (no page), then does the same for
an HCP with no records at all: the floor, measured in turn with the busy one so
load on this shared machine hits both alike. Target: busy brief <= 300 ms.
`--brief-only` fills the store and runs this case alone.
It prints a table and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from store_bench import LAST_NAMES, fill  # noqa: E402

from liaison.core.records.models import ContentItem, Hcp, Insight, Interaction, MedicalEvent, MedicalInquiry, TrialSite  # noqa: E402
from liaison.device.config import Settings  # noqa: E402
from liaison.device.domain.brief import brief_for  # noqa: E402
from liaison.device.store import queries  # noqa: E402
from liaison.device.store.queries import HcpFilter  # noqa: E402
from liaison.device.store.repository import Repository  # noqa: E402
from liaison.device.store.store import Store  # noqa: E402
from liaison.device.ui.screens import brief as brief_screen  # noqa: E402
from liaison.device.ui.state import UiContext  # noqa: E402

PASSPHRASE = "ui bench passphrase, long enough"
PROFILE_NAME = "Dr Zelda Profilebench"
BRIEF_NAME = "Dr Bria Briefbench"
FLOOR_NAME = "Dr Flora Floorbench"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic"]
WAIT_MS = 60_000
SEARCH_NAME = re.compile(r"^Search HCPs\b")
"""The search field's accessible name: its label, then its hint once the field has the focus.

The field takes the focus by itself when the screen opens; from then on Flutter shows
the hint and names the node "Search HCPs" followed by the hint, so an exact name
matches only for the moment before the focus arrives.
"""
console = Console(width=150)


def build_store(data_dir: Path, hcps: int, interactions: int) -> None:
    rng = random.Random(4)
    with Store.init(data_dir, PASSPHRASE, user="msl@example.org") as store:
        fill(store.repository, hcps, interactions, rng, "filling the store")
        busy = store.repository.create(Hcp, {"name": PROFILE_NAME, "specialty": "Oncology", "therapeutic_areas": ["Oncology"], "kol_tier": 1})
        now = datetime.now(UTC)
        store.repository.create_many(
            Interaction,
            (
                {
                    "hcp_id": busy.id,
                    "occurred_at": now - timedelta(days=day),
                    "channel": "in_person",
                    "topics": ["dosing"],
                    "notes": f"Visit {day}: discussed the subgroup data",
                }
                for day in range(200)
            ),
        )
        fill_brief(store.repository, now)


def fill_brief(repository: Repository, now: datetime) -> None:
    """The brief's busy HCP: 200 interactions (some sharing content), promises, inquiries, insights, a site, an event; and the floor's HCP."""
    busy = repository.create(Hcp, {"name": BRIEF_NAME, "specialty": "Nephrology", "kol_tier": 1, "contact_consent": True})
    repository.create(Hcp, {"name": FLOOR_NAME})
    expires = (now + timedelta(days=365)).date()
    booklets = [
        repository.create(ContentItem, {"title": f"Booklet {n}", "version": "1", "approval_code": f"MED-{n:04d}", "expires_on": expires}).id
        for n in range(12)
    ]
    repository.create_many(
        Interaction,
        (
            {
                "hcp_id": busy.id,
                "occurred_at": now - timedelta(days=day),
                "channel": "in_person",
                "topics": ["dosing", "renal"],
                "notes": f"Brief visit {day}: discussed the renal subgroup data " * 6,
                "materials": [booklets[day % len(booklets)]] if day % 3 == 0 else [],
            }
            for day in range(200)
        ),
    )
    for day in range(8):
        promises = [{"text": f"Send paper {day}", "due": (now + timedelta(days=day - 4)).date().isoformat()}]
        data = {"hcp_id": busy.id, "occurred_at": now - timedelta(days=300 + day), "channel": "phone", "notes": "promised", "follow_ups": promises}
        repository.create_submitted(Interaction, data)
    for day in range(12):
        asked = {"hcp_id": busy.id, "received_at": now - timedelta(days=day), "question": f"Question {day} on renal dosing"}
        repository.create(MedicalInquiry, asked)
    for day in range(40):
        repository.create(Insight, {"hcp_id": busy.id, "text": f"Insight {day}: wants subgroup data", "captured_at": now - timedelta(days=day)})
    repository.create(TrialSite, {"study": "RENAL-1", "protocol": "RN-001", "site_name": "City Hospital", "pi_hcp_id": busy.id})
    repository.create(MedicalEvent, {"kind": "congress", "title": "ERA 2026", "starts_at": now - timedelta(days=60), "attendee_ids": [busy.id]})


def measure_brief(data_dir: Path, samples: int) -> dict[str, list[float]]:
    """Seconds per sample to build the Brief and then the brief screen's controls, the busy HCP and the floor's in turn."""
    timings: dict[str, list[float]] = {"busy_data": [], "busy_controls": [], "floor_data": [], "floor_controls": []}
    with Store.open(data_dir, PASSPHRASE) as store:
        ctx = UiContext(settings=Settings(), data_dir=data_dir, store=store)
        with store.repository.session() as session:
            ids = {name: queries.search_hcps(session, HcpFilter(search=name), limit=1)[0].id for name in (BRIEF_NAME, FLOOR_NAME)}
        today = ctx.display.today()
        for sample in range(samples + 1):  # the first warms the caches and imports, and is not counted
            for label, name in (("busy", BRIEF_NAME), ("floor", FLOOR_NAME)):
                start = time.perf_counter()
                brief = brief_for(store.repository, ids[name], today, zone=ctx.display.zone)
                built = time.perf_counter()
                brief_screen.view(ctx, brief)
                done = time.perf_counter()
                if sample:
                    timings[f"{label}_data"].append(built - start)
                    timings[f"{label}_controls"].append(done - built)
        assert len(brief.interactions) == 0  # the floor's HCP has nothing
    return timings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def keystroke_plan(data_dir: Path, count: int) -> list[tuple[str, list[str], list[str]]]:
    """Prefixes to type, each with the names its results must show and names that must be gone.

    Only keystrokes that change what is on screen are timed: otherwise "updated"
    could not be told from "unchanged".
    """
    plan: list[tuple[str, list[str], list[str]]] = []
    rng = random.Random(11)
    with Store.open(data_dir, PASSPHRASE) as store, store.repository.session() as session:
        while sum(1 for _, shown, _ in plan if shown) < count:
            word = rng.choice(LAST_NAMES).lower()
            before: list[str] = []
            for end in range(1, len(word) + 1):
                names = [hcp.name for hcp in queries.search_hcps(session, HcpFilter(search=word[:end]), limit=3)]
                gone = [name for name in before if name not in names]
                plan.append((word[:end], names, gone) if names and gone else (word[:end], [], []))
                before = names
            plan.append(("", [], []))  # clear the field before the next word
    return plan


def run(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    data_dir = workdir / "store"
    started = time.perf_counter()
    build_store(data_dir, args.hcps, args.interactions)
    console.print(f"store filled in {time.perf_counter() - started:.0f} s")
    briefs = measure_brief(data_dir, args.briefs)
    brief_result = _brief_figures(briefs)
    if args.brief_only:
        return brief_result
    plan = keystroke_plan(data_dir, args.keystrokes)
    port = free_port()
    log = (workdir / "app.log").open("w")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        spawn = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "liaison.device.cli", "--web", "--port", str(port), "--data-dir", str(data_dir)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.02)
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT_MS)
            page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
            field = page.get_by_role("textbox", name="Passphrase", exact=True)
            field.wait_for(timeout=WAIT_MS)
            to_lock = time.perf_counter() - spawn
            field.click()
            page.keyboard.type(PASSPHRASE)
            unlock = time.perf_counter()
            page.keyboard.press("Enter")
            page.get_by_text("Today").wait_for(timeout=WAIT_MS)
            to_home = time.perf_counter() - unlock

            page.get_by_role("button", name=re.compile(r"^HCPs\b")).first.click()  # the rail destination, not a button that mentions HCPs
            search = page.get_by_role("textbox", name=SEARCH_NAME)
            search.wait_for(timeout=WAIT_MS)
            search.click()
            page.wait_for_timeout(300)
            keystrokes: list[float] = []
            for prefix, shown, gone in plan:
                if not prefix:
                    page.keyboard.press("Control+a")
                    page.keyboard.press("Backspace")
                    page.wait_for_timeout(200)
                    continue
                start = time.perf_counter()
                page.keyboard.type(prefix[-1])
                if shown:
                    page.wait_for_function(
                        "([shown, gone]) => { const t = document.body.textContent; "
                        "return shown.every(n => t.includes(n)) && gone.every(n => !t.includes(n)); }",
                        arg=[shown, gone],
                        timeout=WAIT_MS,
                        polling="raf",
                    )
                    keystrokes.append(time.perf_counter() - start)
                else:
                    page.wait_for_timeout(150)

            profile: list[float] = []
            page.keyboard.press("Control+a")
            page.keyboard.press("Backspace")
            page.keyboard.type("Profilebench")
            page.get_by_text(PROFILE_NAME).first.wait_for(timeout=WAIT_MS)
            for _ in range(args.profiles):
                start = time.perf_counter()
                page.get_by_text(PROFILE_NAME).first.click()
                page.get_by_text("Visit 0: discussed the subgroup data").wait_for(timeout=WAIT_MS)
                profile.append(time.perf_counter() - start)
                page.get_by_role("button", name=re.compile(r"^HCPs\b")).first.click()  # the rail destination, not a button that mentions HCPs
                # The search survives leaving the screen: back on HCPs, the busy HCP is listed again as it was.
                page.get_by_text(PROFILE_NAME).first.wait_for(timeout=WAIT_MS)
        except Exception:
            shot = Path(tempfile.gettempdir()) / "liaison-ui-bench-failure.png"
            page.screenshot(path=str(shot))
            console.print(f"the page when the benchmark stopped: {shot}")
            raise
        finally:
            process.terminate()
            process.wait(timeout=20)
            browser.close()
    keystrokes.sort()
    return {
        "launch_to_lock_s": to_lock,
        "unlock_to_home_s": to_home,
        "launch_to_home_s": to_lock + to_home,
        "keystrokes": len(keystrokes),
        "keystroke_p50_ms": 1000 * statistics.median(keystrokes),
        "keystroke_p95_ms": 1000 * keystrokes[int(0.95 * (len(keystrokes) - 1))],
        "profile_median_ms": 1000 * statistics.median(profile),
        "profile_max_ms": 1000 * max(profile),
        **brief_result,
    }


def _brief_figures(timings: dict[str, list[float]]) -> dict[str, float]:
    """Median and p95 in ms of each part, the whole (data and controls of one sample together), and the busy-to-floor ratio."""
    figures: dict[str, float] = {}
    for label in ("busy", "floor"):
        whole = sorted(a + b for a, b in zip(timings[f"{label}_data"], timings[f"{label}_controls"], strict=True))
        figures[f"brief_{label}_median_ms"] = 1000 * statistics.median(whole)
        figures[f"brief_{label}_p95_ms"] = 1000 * whole[int(0.95 * (len(whole) - 1))]
        figures[f"brief_{label}_data_median_ms"] = 1000 * statistics.median(timings[f"{label}_data"])
        figures[f"brief_{label}_controls_median_ms"] = 1000 * statistics.median(timings[f"{label}_controls"])
    figures["brief_samples"] = len(timings["busy_data"])
    figures["brief_ratio"] = figures["brief_busy_median_ms"] / figures["brief_floor_median_ms"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hcps", type=int, default=50_000)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--keystrokes", type=int, default=40, help="at least this many keystrokes timed (more are typed)")
    parser.add_argument("--profiles", type=int, default=5, help="times the busy HCP profile is opened")
    parser.add_argument("--briefs", type=int, default=40, help="samples of the brief case (busy HCP and floor in turn)")
    parser.add_argument("--brief-only", action="store_true", help="fill the store and run the brief case alone, without the browser")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists() and not args.brief_only:
        raise SystemExit("needs Debian's chromium at /usr/bin/chromium")
    workdir = Path(tempfile.mkdtemp(prefix="liaison-ui-bench-"))
    try:
        result = run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    where = "the brief case alone, in process" if args.brief_only else "headless Chromium"
    table = Table(title=f"UI benchmark: {args.hcps:,} HCPs, {args.interactions:,} interactions, {where}")
    for column in ("measure", "figure", "target", "verdict"):
        table.add_column(column)
    brief_rows = [
        (
            f"brief of an HCP with 200 interactions: Brief + screen controls ({result['brief_samples']:.0f} samples)",
            f"median {result['brief_busy_median_ms']:.0f} ms, p95 {result['brief_busy_p95_ms']:.0f} ms "
            f"(data {result['brief_busy_data_median_ms']:.0f} + controls {result['brief_busy_controls_median_ms']:.0f})",
            "≤ 300 ms",
            _verdict(result["brief_busy_median_ms"] <= 300),
        ),
        (
            "floor: brief of an HCP with no records, interleaved",
            f"median {result['brief_floor_median_ms']:.1f} ms, p95 {result['brief_floor_p95_ms']:.1f} ms "
            f"(data {result['brief_floor_data_median_ms']:.1f} + controls {result['brief_floor_controls_median_ms']:.1f})",
            "",
            "",
        ),
        ("brief: busy / floor (medians)", f"{result['brief_ratio']:.2f}", "", ""),
    ]
    rows = (
        []
        if args.brief_only
        else [
            ("launch to lock screen", f"{result['launch_to_lock_s']:.2f} s", "", ""),
            ("unlock to interactive Home", f"{result['unlock_to_home_s']:.2f} s", "", ""),
            ("launch to interactive Home", f"{result['launch_to_home_s']:.2f} s", "≤ 3 s", _verdict(result["launch_to_home_s"] <= 3)),
            (
                f"keystroke to updated results ({result['keystrokes']} timed)",
                f"p50 {result['keystroke_p50_ms']:.0f} ms, p95 {result['keystroke_p95_ms']:.0f} ms",
                "p95 ≤ 150 ms",
                _verdict(result["keystroke_p95_ms"] <= 150),
            ),
            (
                "open HCP profile with 200 interactions",
                f"median {result['profile_median_ms']:.0f} ms, max {result['profile_max_ms']:.0f} ms",
                "≤ 300 ms",
                _verdict(result["profile_median_ms"] <= 300),
            ),
        ]
    )
    for row in [*rows, *brief_rows]:
        table.add_row(*row)
    console.print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "result": result}, indent=2))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


if __name__ == "__main__":
    main()
