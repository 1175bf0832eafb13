"""Starting `liaison --demo`: it says what it is doing, copies a demo built once, and never waits silently for a window."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liaison.device import launch
from liaison.device.cli import cli
from liaison.device.domain import demo_cache
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine

ROOT = Path(__file__).resolve().parents[2]
HEADLESS = {"DISPLAY": None, "WAYLAND_DISPLAY": None}


# --- no display ----------------------------------------------------------------------


def test_without_a_display_the_app_says_so_in_one_line_and_offers_web(tmp_path: Path) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--demo", "--data-dir", str(tmp_path / "store")], env=HEADLESS)
    assert result.exit_code == 1 and time.monotonic() - started < 5
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: there is no display here") and "liaison --demo --web" in line
    assert not (tmp_path / "store").exists(), "nothing was built for a window that cannot open"


def test_a_display_is_missing_only_on_linux_with_neither_x11_nor_wayland() -> None:
    assert launch.no_display({}, "linux")
    assert not launch.no_display({"DISPLAY": ":0"}, "linux")
    assert not launch.no_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not launch.no_display({}, "darwin") and not launch.no_display({}, "win32")


# --- the web address -------------------------------------------------------------------


def test_web_mode_prints_the_address_once_it_answers(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "liaison.device.cli", "--web", "--port", str(port), "--data-dir", str(tmp_path / "store")],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if line.startswith("Liaison is at"):
                break
        assert lines[-1].strip() == f"Liaison is at http://127.0.0.1:{port}", "".join(lines)
    finally:
        process.terminate()
        process.wait(timeout=15)


# --- the demo cache ----------------------------------------------------------------------


def test_a_build_is_made_once_and_a_stale_one_removed(tmp_path: Path) -> None:
    builds: list[Path] = []

    def build(into: Path) -> None:
        builds.append(into)
        into.mkdir(parents=True)
        (into / "data").write_text("demo")

    first, built = demo_cache.cached("today", build, tmp_path)
    again, built_again = demo_cache.cached("today", build, tmp_path)
    assert (built, built_again) == (True, False) and first == again and len(builds) == 1
    tomorrow, _ = demo_cache.cached("tomorrow", build, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tomorrow"] and (tomorrow / "store" / "data").read_text() == "demo"


def test_an_interrupted_build_is_never_copied(tmp_path: Path) -> None:
    def broken(into: Path) -> None:
        into.mkdir(parents=True)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo_cache.cached("today", broken, tmp_path)
    assert not (tmp_path / "today").exists()


def test_the_key_follows_the_day_the_size_and_both_schemas() -> None:
    base = {"seed": 7, "hcps": 300, "interactions": 900, "today": date(2026, 12, 3), "schemas": ("a", "b")}
    key = demo_cache.cache_key(**base)  # type: ignore[arg-type]
    changed = [{"today": date(2026, 12, 4)}, {"hcps": 301}, {"seed": 8}, {"schemas": ("a", "c")}]
    assert all(demo_cache.cache_key(**{**base, **change}) != key for change in changed)  # type: ignore[arg-type]
    assert demo_cache.migrations_of("liaison.device.store.migrations") != demo_cache.migrations_of("liaison.server.migrations")


def test_a_second_demo_start_copies_the_build_and_syncs_with_its_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    settings, server = launch.prepare_demo(launch.Settings(), tmp_path / "first")
    server.stop()
    assert "building demo data" in capfd.readouterr().err

    monkeypatch.setattr(launch, "_build_demo", lambda *args: pytest.fail("the demo was built again"))
    started = time.monotonic()
    settings, server = launch.prepare_demo(launch.Settings(), tmp_path / "second")
    took = time.monotonic() - started
    try:
        said = capfd.readouterr().err
        assert "copying the demo data built earlier today" in said and f"starting the central server on {server.url}" in said
        assert took < 5, f"a cached start took {took:.1f} s"
        with Store.open(tmp_path / "second", launch.DEMO_PASSPHRASE) as store:
            report = SyncEngine(store).run_once()
        assert report.pushed > 0 and report.refused == 0, "the copied store's demo records reach the copied server"
        assert settings.server_url == server.url
    finally:
        server.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
