"""Where "Remember on this device" keeps the data key: keyring on desktops, the platform's key store on tablets."""

from __future__ import annotations

import base64
import inspect
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import flet as ft
import keyring
import pytest
from flet_local_auth import LocalAuthentication
from flet_secure_storage import SecureStorage
from keyring.backends import fail

from liaison.core.errors import KeyringUnavailable
from liaison.device.store import keeper as keepers
from liaison.device.store import keys, remember
from liaison.device.store.keeper import KeyringKeeper, SecureStorageKeeper, entry_name, keeper_for
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.ui.driver import _run
from tests.keystores import FakeLocalAuth, FakeSecureStorage, MemoryKeyring

DATA_KEY = bytes(range(32))


run = _run  # on a thread of its own when Playwright's sync API left this one a running loop


def page_on(platform: ft.PagePlatform, *, web: bool = False) -> SimpleNamespace:
    """The two attributes of a Flet page that say where the app runs."""
    return SimpleNamespace(platform=platform, web=web)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    original = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(original)


# --- which keeper -------------------------------------------------------------------


@pytest.mark.parametrize("platform", [ft.PagePlatform.ANDROID, ft.PagePlatform.IOS])
def test_an_installed_tablet_app_keeps_the_key_in_the_platform_store(platform: ft.PagePlatform) -> None:
    chosen = keeper_for(page_on(platform))  # type: ignore[arg-type]
    assert isinstance(chosen, SecureStorageKeeper) and chosen.platform
    assert isinstance(chosen.storage, SecureStorage)


@pytest.mark.parametrize("platform", [ft.PagePlatform.MACOS, ft.PagePlatform.WINDOWS, ft.PagePlatform.LINUX])
def test_desktops_keep_it_in_keyring(platform: ft.PagePlatform) -> None:
    chosen = keeper_for(page_on(platform))  # type: ignore[arg-type]
    assert isinstance(chosen, KeyringKeeper) and not chosen.platform


def test_a_browser_on_a_tablet_and_no_page_at_all_use_keyring_too() -> None:
    """In `--web` the Python runs on the desktop that serves the page; its browser storage is no key store."""
    assert isinstance(keeper_for(page_on(ft.PagePlatform.ANDROID, web=True)), KeyringKeeper)  # type: ignore[arg-type]
    assert isinstance(keeper_for(None), KeyringKeeper)


# --- the fakes speak the real services' API ----------------------------------------


def shape(method: object) -> list[tuple[str, object, object]]:
    """Each parameter's name, kind and default: what a caller relies on."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(method).parameters.values()]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fake", "real", "methods"),
    [
        (FakeSecureStorage, SecureStorage, ["get_availability", "set", "get", "get_all", "contains_key", "remove"]),
        (FakeLocalAuth, LocalAuthentication, ["is_device_supported", "can_check_biometrics", "get_available_biometrics", "authenticate"]),
    ],
    ids=["secure-storage", "local-auth"],
)
def test_the_tablet_fakes_have_the_real_services_method_names_and_parameters(fake: type, real: type, methods: list[str]) -> None:
    for name in methods:
        real_method, fake_method = getattr(real, name), getattr(fake, name)
        assert inspect.iscoroutinefunction(real_method) and inspect.iscoroutinefunction(fake_method), name
        assert shape(fake_method) == shape(real_method), name


# --- the platform store (a tablet) ---------------------------------------------------


def test_the_platform_store_keeps_the_key_base64_under_a_name_from_the_store_id() -> None:
    storage = FakeSecureStorage()
    keeper = SecureStorageKeeper(storage)
    run(keeper.remember("store-a", DATA_KEY))
    assert storage.entries == {entry_name("store-a"): base64.b64encode(DATA_KEY).decode()}
    assert "store-a" in entry_name("store-a") and entry_name("store-a") != entry_name("store-b")
    assert run(keeper.recall("store-a")) == DATA_KEY and run(keeper.holds("store-a"))
    assert run(keeper.recall("store-b")) is None and not run(keeper.holds("store-b"))


def test_forgetting_removes_the_key_and_forgetting_twice_is_quiet() -> None:
    storage = FakeSecureStorage()
    keeper = SecureStorageKeeper(storage)
    run(keeper.remember("store-a", DATA_KEY))
    run(keeper.remember("store-b", b"\x01" * 32))
    run(keeper.forget("store-a"))
    run(keeper.forget("store-a"))
    assert run(keeper.recall("store-a")) is None and list(storage.entries) == [entry_name("store-b")]


def test_forgetting_all_removes_every_liaison_key_and_nothing_else() -> None:
    storage = FakeSecureStorage()
    storage.entries["another.app.token"] = "kept"
    keeper = SecureStorageKeeper(storage)
    run(keeper.remember("store-a", DATA_KEY))
    run(keeper.remember("store-b", DATA_KEY))
    run(keeper.forget_all())
    assert storage.entries == {"another.app.token": "kept"}


def test_a_platform_store_that_refuses_says_so_in_one_line_without_the_key() -> None:
    storage = FakeSecureStorage()
    secret = base64.b64encode(DATA_KEY).decode()
    storage.failure = RuntimeError(f"PlatformException(set failed for value {secret})")
    keeper = SecureStorageKeeper(storage)
    with pytest.raises(KeyringUnavailable, match="cannot be remembered") as refused:
        run(keeper.remember("store-a", DATA_KEY))
    assert secret not in str(refused.value) and DATA_KEY.hex() not in str(refused.value) and "\n" not in str(refused.value)
    assert run(keeper.recall("store-a")) is None and not run(keeper.holds("store-a")) and not run(keeper.available())
    run(keeper.forget("store-a"))


def test_a_platform_store_that_never_answers_reads_as_nothing_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keepers, "SERVICE_TIMEOUT", 0.05)
    storage = FakeSecureStorage()
    storage.entries[entry_name("store-a")] = base64.b64encode(DATA_KEY).decode()
    storage.silent = True
    keeper = SecureStorageKeeper(storage)
    assert run(keeper.recall("store-a")) is None
    with pytest.raises(KeyringUnavailable):
        run(keeper.remember("store-a", DATA_KEY))


def test_a_damaged_entry_reads_as_nothing_kept() -> None:
    storage = FakeSecureStorage()
    storage.entries[entry_name("store-a")] = "not base64 at all!"
    assert run(SecureStorageKeeper(storage).recall("store-a")) is None


@pytest.mark.parametrize(("answer", "available"), [(None, True), (True, True), (False, False)], ids=["android-cannot-say", "ios-yes", "ios-locked"])
def test_the_platform_store_is_available_unless_ios_says_it_is_not(answer: bool | None, available: bool) -> None:
    assert run(SecureStorageKeeper(FakeSecureStorage(availability=answer)).available()) is available


# --- keyring (desktops) ---------------------------------------------------------------


def test_keyring_keeper_keeps_the_entry_that_store_open_recalls(data_dir: Path, memory_keyring: MemoryKeyring) -> None:
    Store.init(data_dir, PASSPHRASE).close()
    store_id, data_key = keys.store_id(data_dir), keys.unlock(data_dir, PASSPHRASE)
    keeper = KeyringKeeper()
    assert run(keeper.available())
    run(keeper.remember(store_id, data_key))
    assert memory_keyring.secrets == {(remember.SERVICE, store_id): data_key.hex()}, "the same entry as before the keeper"
    assert run(keeper.recall(store_id)) == data_key and run(keeper.holds(store_id))
    with Store.open(data_dir) as store:
        assert not store.locked
    run(keeper.forget(store_id))
    assert memory_keyring.secrets == {} and not run(keeper.holds(store_id))


def test_without_an_os_key_store_the_keyring_keeper_refuses_clearly() -> None:
    original = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        keeper = KeyringKeeper()
        assert not run(keeper.available())
        with pytest.raises(KeyringUnavailable, match="no OS key store"):
            run(keeper.remember("store-a", DATA_KEY))
        assert run(keeper.recall("store-a")) is None
        run(keeper.forget("store-a"))
    finally:
        keyring.set_keyring(original)


def test_the_file_keyring_shared_with_a_served_app_round_trips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.keystores import KEYRING_FILE_ENV, FileKeyring

    monkeypatch.setenv(KEYRING_FILE_ENV, str(tmp_path / "keyring.json"))
    original = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    try:
        run(KeyringKeeper().remember("store-a", DATA_KEY))
        assert os.path.exists(tmp_path / "keyring.json")
        assert run(KeyringKeeper().recall("store-a")) == DATA_KEY
    finally:
        keyring.set_keyring(original)
