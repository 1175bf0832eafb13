"""UI fixtures: a store with a known territory, and the app served to headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.core.records.models import Hcp
from liaison.device.domain.demo import DemoSize, populate
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "tests" / "artifacts" / "screens"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic"]


def fill_territory(store: Store, *, content: bool = True) -> str:
    """A small demo territory plus one HCP the tests look for; returns that HCP's id."""
    populate(store.repository, DemoSize(hcps=40, interactions=60), content=content)
    return store.repository.create(
        Hcp, {"name": "Dr Rosalind Franklin", "specialty": "Oncology", "therapeutic_areas": ["Oncology"], "kol_tier": 1, "contact_consent": True}
    ).id


@pytest.fixture(scope="session")
def territory_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """One filled store for the whole session; each test gets its own copy (Argon2id and the fill run once)."""
    from liaison.device.store import keys

    template = tmp_path_factory.mktemp("territory") / "store"
    with Store.init(template, PASSPHRASE, user="msl@example.org") as store:
        fill_territory(store)
    return template, keys.unlock(template, PASSPHRASE)


@pytest.fixture
def territory_store(data_dir: Path, territory_template: tuple[Path, bytes]) -> Iterator[Store]:
    template, data_key = territory_template
    shutil.copytree(template, data_dir)
    store = Store.open(data_dir, data_key=data_key)
    yield store
    store.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServedApp:
    """`liaison --web` in a subprocess on a temporary data dir, as a user would start it."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = data_dir.parent / "app.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "liaison.device.cli", "--web", "--port", str(self.port), "--data-dir", str(data_dir)],
            cwd=ROOT,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "LIAISON_SYNC_INTERVAL_MINUTES": "1", **(env or {})},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited: {self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the app did not start: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium at /usr/bin/chromium (install Debian's chromium package; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
