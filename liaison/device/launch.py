"""Starting the app: the data dir, the demo set-up, the sync service, then the Flet UI.

`liaison --demo` needs no prior step: a throw-away encrypted store filled with
demo data, and an in-process central server on loopback (SQLite) that the
store is enrolled with, so background sync can be watched from the first minute.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from liaison.core.extras import require
from liaison.device.config import Settings

if TYPE_CHECKING:
    from liaison.device.store.store import Store
    from liaison.device.sync.service import SyncService

DEMO_PASSPHRASE = "liaison demo"
DEMO_USER = "demo.msl@example.org"
DEMO_MANAGER = "demo.manager@example.org"
DEMO_MANAGER_PASSWORD = "liaison demo manager"


def launch(settings: Settings, data_dir: Path | None, *, demo: bool, web: bool, port: int | None) -> None:
    if demo:
        require("server", "liaison --demo")  # its embedded central server
    if web:
        require("desktop", "liaison --web")  # Flet's web server
    from liaison.device.data_dir import default_data_dir
    from liaison.device.ui.entry import run

    if demo:
        data_dir = data_dir or _throwaway_dir()
        settings = _prepare_demo(settings, data_dir)
    path = data_dir or default_data_dir(settings)
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


def _prepare_demo(settings: Settings, data_dir: Path) -> Settings:
    """Create and fill the demo store once, start the embedded server, enrol the store with it."""
    from liaison.device.domain.demo import DemoSize, content_items, populate
    from liaison.device.store import keys
    from liaison.device.store.store import Store
    from liaison.device.sync.engine import SyncEngine
    from liaison.server.embedded import EmbeddedServer
    from liaison.server.web.auth import set_password

    server_dir = data_dir / "demo-server"
    server_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedServer(server_dir / "server.db", port=_demo_port(server_dir)).start()
    atexit.register(server.stop)
    if not keys.key_file_path(data_dir).exists():
        server.publish_content(content_items(date.today()))
        server.create_user(DEMO_MANAGER, "Demo Manager", role="manager")
        set_password(server.engine, email=DEMO_MANAGER, password=DEMO_MANAGER_PASSWORD)
        code = server.create_user(DEMO_USER, "Demo MSL", territory="north-east", manager_email=DEMO_MANAGER)
        with Store.init(data_dir, DEMO_PASSPHRASE, user=DEMO_USER, settings=settings) as store:
            engine = SyncEngine(store)
            engine.enroll(server.url, code, "demo laptop")
            engine.run_once()
            populate(store.repository, DemoSize(hcps=300, interactions=900), content=False)
    print(f"Manager dashboard: {server.url}/manager/ (sign in as {DEMO_MANAGER}, password {DEMO_MANAGER_PASSWORD!r})", file=sys.stderr)
    return settings.with_overrides(server_url=server.url, sync_interval_minutes=1)


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
