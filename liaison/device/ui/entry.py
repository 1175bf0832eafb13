"""Serving the app: Flet's server starts first, and the shell is imported while the client loads.

Importing the shell (the store, SQLModel, the lock screen) takes about 0.8 s of
CPU; the Flutter client takes longer than that to load in the browser or window
before it connects. So `run()` opens the server's port with only Flet's own
imports done, imports the shell on a thread meanwhile, and the page handler
waits for that import (Python's import lock does the waiting) before it builds
the lock screen. This module therefore imports nothing of the store or the UI.

In web mode the address is said on stderr once the port answers, the line a
person (or a script timing the start) waits for.
"""

from __future__ import annotations

import importlib
import socket
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import flet as ft

from liaison.device.config import Settings
from liaison.device.ui import fonts

if TYPE_CHECKING:
    from liaison.device.ui.state import SyncFactory

SHELL = "liaison.device.ui.app"


def run(
    settings: Settings,
    data_dir: Path,
    *,
    web: bool = False,
    port: int | None = None,
    demo_passphrase: str | None = None,
    sync_factory: SyncFactory | None = None,
) -> None:
    def main(page: ft.Page) -> None:
        from liaison.device.ui.app import LiaisonApp  # waits here if the thread below is still importing it

        LiaisonApp(page, settings, data_dir, demo_passphrase=demo_passphrase, sync_factory=sync_factory).start()

    if web:
        port = port or _free_port()
        threading.Thread(target=_announce, args=(port,), name="announce-url", daemon=True).start()
        # The web server's own imports (FastAPI, uvicorn) come first, alone, so the port opens
        # as early as it can; the shell's import then overlaps the browser loading the client.
        importlib.import_module("flet_web.fastapi.serve_fastapi_web_app")
    threading.Thread(target=importlib.import_module, args=(SHELL,), name="import-shell", daemon=True).start()
    ft.run(
        main,
        name="",
        view=ft.AppView.WEB_BROWSER if web else ft.AppView.FLET_APP,
        host="127.0.0.1" if web else None,
        port=port or 0,
        no_cdn=True,
        assets_dir=fonts.assets_dir(),
    )


def _free_port() -> int:
    """A port chosen here rather than by Flet, so the address can be said."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _announce(port: int, timeout: float = 120.0) -> None:
    """Say where the app is once its port accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                print(f"Liaison is at http://127.0.0.1:{port}", file=sys.stderr, flush=True)
                return
        except OSError:
            time.sleep(0.05)
