"""Where a device keeps its store: one answer for the CLI, the desktop app and `flet build` bundles."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from liaison.device.config import Settings


def default_data_dir(settings: Settings) -> Path:
    """The per-user data dir: the deployment profile's choice, else the platform's usual place."""
    if settings.data_dir:
        return Path(settings.data_dir).expanduser()
    if os.environ.get("FLET_APP_STORAGE_DATA"):
        return Path(os.environ["FLET_APP_STORAGE_DATA"]) / "liaison"  # inside a `flet build` bundle (tablets)
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "Liaison"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Liaison"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "liaison"
