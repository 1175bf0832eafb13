"""Fixtures every part of the suite shares: a real encrypted store in a temporary data dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.device.store.store import Store

pytest_plugins = ["tests.servers"]  # real central servers on loopback, for every layer's specs

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """A fresh, unlocked SQLCipher store; locked again after the test."""
    opened = Store.init(data_dir, PASSPHRASE, user="msl@example.org")
    yield opened
    opened.close()
