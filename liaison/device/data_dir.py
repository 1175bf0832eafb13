"""Where the app keeps its store when nobody says: the profile's `data_dir`, a Flet bundle's storage, else the platform's.

The platform's place is `platformdirs.user_data_dir("Liaison")`: `%LOCALAPPDATA%\\Liaison`
on Windows, `~/Library/Application Support/Liaison` on macOS, `$XDG_DATA_HOME/Liaison`
on Linux. Before platformdirs the default was spelled `liaison`, which on Linux
is another directory: a store already there stays where it is, so nobody's
records seem to vanish after an update.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from liaison.device.config import Settings

APP_NAME = "Liaison"
EARLIER_NAME = "liaison"
"""The directory name the default had before platformdirs (the same directory where file names ignore case)."""
BUNDLE_STORAGE_ENV = "FLET_APP_STORAGE_DATA"
"""Set by a `flet build` bundle (tablets) to the app's private storage."""


def default_data_dir(settings: Settings) -> Path:
    """The per-user data dir: the deployment profile's choice, else the platform's usual place."""
    if settings.data_dir:
        return Path(settings.data_dir).expanduser()
    if os.environ.get(BUNDLE_STORAGE_ENV):
        return Path(os.environ[BUNDLE_STORAGE_ENV]) / EARLIER_NAME
    earlier = Path(user_data_dir(EARLIER_NAME, appauthor=False))
    return earlier if _holds_a_store(earlier) else Path(user_data_dir(APP_NAME, appauthor=False))


def _holds_a_store(path: Path) -> bool:
    from liaison.device.store import keys  # the store's modules load cryptography: imported only when asked

    return keys.key_file_path(path).exists()
