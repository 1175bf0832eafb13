"""With no data dir given, the store goes where platformdirs says, unless one already sits at the earlier default."""

from __future__ import annotations

from pathlib import Path

import pytest
from platformdirs import user_data_dir

from liaison.device.config import Settings
from liaison.device.data_dir import default_data_dir
from liaison.device.store import keys
from liaison.device.store.store import Store

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("FLET_APP_STORAGE_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


def test_a_new_install_uses_the_platforms_user_data_dir(xdg: Path) -> None:
    assert default_data_dir(Settings()) == Path(user_data_dir("Liaison", appauthor=False))
    assert not (xdg / "liaison").exists()


def test_a_store_at_the_earlier_default_stays_where_it_is(xdg: Path) -> None:
    earlier = Path(user_data_dir("liaison", appauthor=False))
    Store.init(earlier, PASSPHRASE).close()
    assert keys.key_file_path(earlier).exists()
    found = default_data_dir(Settings())
    assert found == earlier, "the existing store is kept, not replaced by an empty one"
    with Store.open(found, PASSPHRASE):
        pass


def test_an_empty_earlier_directory_does_not_hold_the_default_back(xdg: Path) -> None:
    (xdg / "liaison").mkdir(parents=True)
    (xdg / "liaison" / "prefs.json").write_text("{}", encoding="utf-8")
    assert default_data_dir(Settings()) == Path(user_data_dir("Liaison", appauthor=False))
