"""The demo store, built once and copied for each run of `liaison --demo`.

Building it (Argon2id, enrolment with the embedded server, 300 HCPs and 900
interactions through the repository) takes seconds a start should not pay
again. A build is kept in the user's cache directory under a key made of what
decides its contents: the demo data's version and seed, its size, the day (the
demo's dates are relative to today), and the migrations of both schemas. A
start copies the build; a key nothing matches any more is removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

import platformdirs

DEMO_DATA_VERSION = 1
"""Raise when the demo data changes in a way its seed and size do not show."""


def cache_root() -> Path:
    return Path(platformdirs.user_cache_dir("liaison", appauthor=False)) / "demo"


def cache_key(*, seed: int, hcps: int, interactions: int, today: date, schemas: tuple[str, ...]) -> str:
    """One build per demo version, seed, size, day and pair of schemas."""
    parts = [f"v{DEMO_DATA_VERSION}", f"seed{seed}", f"{hcps}x{interactions}", today.isoformat(), *schemas]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def migrations_of(package: str) -> str:
    """A package's migration files, as one digest: a new migration makes a new key."""
    versions = resources.files(package).joinpath("versions")
    names = sorted(item.name for item in versions.iterdir() if item.name.endswith(".py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]


def cached(key: str, build: Callable[[Path], None], root: Path | None = None) -> tuple[Path, bool]:
    """The build for `key`, made by `build(dir)` if it is not there yet; returns (its dir, whether it was built now).

    The build is made beside the cache and renamed into place when it is whole,
    so a start interrupted mid-build leaves nothing a later start would copy.
    """
    root = root or cache_root()
    final = root / key
    if (final / "complete").exists():
        return final, False
    root.mkdir(parents=True, exist_ok=True)
    partial = root / f".{key}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    build(partial / "store")
    (partial / "complete").write_text(key)
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    for stale in root.iterdir():
        if stale.name != key and not stale.name.startswith("."):
            shutil.rmtree(stale, ignore_errors=True)
    return final, True


def copy_build(build: Path, data_dir: Path) -> None:
    """A run's own copy of the build, so nothing it writes reaches the cache."""
    shutil.copytree(build / "store", data_dir, dirs_exist_ok=True)
