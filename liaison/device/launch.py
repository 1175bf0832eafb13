"""Starting the app: the data dir, the demo set-up, the sync service, then the Flet UI.

`liaison --demo` needs no prior step: a throw-away encrypted store filled with
demo data, and an in-process central server on loopback (SQLite) that the
store is enrolled with, so background sync can be watched from the first minute.
The demo store and the server's database are built once a day into the user's
cache directory and copied for each run (`domain/demo_cache.py`), so a start
only copies; every step is said on stderr as it happens, and a Linux machine
without a display is told so at once, with `--web` offered, instead of waiting.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from liaison.core.errors import LiaisonError
from liaison.core.extras import require
from liaison.device.config import Settings

if TYPE_CHECKING:
    from liaison.device.store.store import Store
    from liaison.device.sync.service import SyncService
    from liaison.server.embedded import EmbeddedServer

DEMO_PASSPHRASE = "liaison demo"
DEMO_USER = "demo.msl@example.org"
DEMO_MANAGER = "demo.manager@example.org"
DEMO_MANAGER_PASSWORD = "liaison demo manager"
DEMO_SEED = 7
DEMO_HCPS, DEMO_INTERACTIONS = 300, 900


class NoDisplay(LiaisonError):
    """A window was asked for where none can open."""


def say(message: str) -> None:
    """What the start is doing, on stderr, so a slow step is never a silent one."""
    print(message, file=sys.stderr, flush=True)


def no_display(environ: dict[str, str] | os._Environ[str] = os.environ, platform: str = sys.platform) -> bool:
    """Linux opens windows through X11 or Wayland; with neither named, Flet's window client waits forever."""
    return platform.startswith("linux") and not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY")


def launch(settings: Settings, data_dir: Path | None, *, demo: bool, web: bool, port: int | None) -> None:
    if demo:
        require("server", "liaison --demo")  # its embedded central server
    if web:
        require("desktop", "liaison --web")  # Flet's web server
    if not web and no_display():
        command = "liaison --demo --web" if demo else "liaison --web"
        raise NoDisplay(f"there is no display here (DISPLAY and WAYLAND_DISPLAY are unset): run `{command}` and open the address it prints")
    from liaison.device.data_dir import default_data_dir
    from liaison.device.ui.entry import run

    if demo:
        data_dir = data_dir or _throwaway_dir()
        settings, server = prepare_demo(settings, data_dir)
        atexit.register(server.stop)
    path = data_dir or default_data_dir(settings)
    if not web:
        say("opening the window…")
    run(
        settings,
        path,
        web=web,
        port=port,
        demo_passphrase=DEMO_PASSPHRASE if demo else None,
        sync_factory=_sync_factory(settings),
    )


def _throwaway_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="liaison-demo-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path / "store"


def prepare_demo(settings: Settings, data_dir: Path) -> tuple[Settings, EmbeddedServer]:
    """A demo store enrolled with an embedded server on loopback: copied from today's build, built if there is none.

    A build's store is enrolled with its server at one port; when that port is
    taken (another demo running), this run builds its own on a free port instead.
    """
    from liaison.device.domain import demo_cache
    from liaison.device.store import keys
    from liaison.server.embedded import EmbeddedServer

    if not keys.key_file_path(data_dir).exists():
        key = demo_cache.cache_key(
            seed=DEMO_SEED,
            hcps=DEMO_HCPS,
            interactions=DEMO_INTERACTIONS,
            today=date.today(),
            schemas=(demo_cache.migrations_of("liaison.device.store.migrations"), demo_cache.migrations_of("liaison.server.migrations")),
        )
        build, built = demo_cache.cached(key, lambda into: _build_demo(settings, into))
        if not built:
            say(f"copying the demo data built earlier today ({build})…")
        if _port_free(_demo_port(build / "store" / "demo-server")):
            demo_cache.copy_build(build, data_dir)
        else:
            say("the cached demo's server port is in use (another demo running?): building this one afresh…")
            _build_demo(settings, data_dir)
    server_dir = data_dir / "demo-server"
    server_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedServer(server_dir / "server.db", port=_demo_port(server_dir))
    say(f"starting the central server on {server.url}")
    server.start()
    say(f"Manager dashboard: {server.url}/manager/ (sign in as {DEMO_MANAGER}, password {DEMO_MANAGER_PASSWORD!r})")
    return settings.with_overrides(server_url=server.url, sync_interval_minutes=1), server


def _build_demo(settings: Settings, data_dir: Path) -> None:
    """A store filled with demo data and enrolled with a server whose database lies beside it; both closed after."""
    from liaison.device.domain.demo import DemoSize, content_items, example_plan, populate
    from liaison.device.store.store import Store
    from liaison.device.sync.engine import SyncEngine
    from liaison.server.embedded import EmbeddedServer
    from liaison.server.web.auth import set_password

    say("building demo data… (once a day; later starts copy it)")
    server_dir = data_dir / "demo-server"
    server_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedServer(server_dir / "server.db", port=_demo_port(server_dir)).start()
    try:
        server.publish_content(content_items(date.today()))
        server.publish_plan(example_plan()["document"])
        server.create_user(DEMO_MANAGER, "Demo Manager", role="manager")
        set_password(server.engine, email=DEMO_MANAGER, password=DEMO_MANAGER_PASSWORD)
        code = server.create_user(DEMO_USER, "Demo MSL", territory="north-east", manager_email=DEMO_MANAGER)
        with Store.init(data_dir, DEMO_PASSPHRASE, user=DEMO_USER, settings=settings) as store:
            engine = SyncEngine(store)
            engine.enroll(server.url, code, "demo laptop")
            engine.run_once()
            populate(
                store.repository,
                DemoSize(hcps=DEMO_HCPS, interactions=DEMO_INTERACTIONS),
                seed=DEMO_SEED,
                content=False,
                progress=lambda stage, done, total: say(f"  {stage}: {done}/{total}"),
            )
    finally:
        server.stop()
        server.engine.dispose()


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _demo_port(server_dir: Path) -> int:
    """A demo dir that is reused keeps its server port, so its enrolment stays valid."""
    from liaison.server.embedded import free_port

    marker = server_dir / "port"
    if marker.exists():
        return int(marker.read_text())
    port = free_port()
    marker.write_text(str(port))
    return port


def _sync_factory(settings: Settings) -> Callable[[Store], SyncService]:
    def factory(store: Store) -> SyncService:
        from liaison.device.sync.service import SyncService

        return SyncService(store, interval_minutes=settings.sync_interval_minutes)

    return factory
