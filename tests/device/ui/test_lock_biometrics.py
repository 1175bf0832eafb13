"""The lock screen on a tablet: biometric unlock over the platform key store, always beside the passphrase.

No tablet exists here, so its two platform services are the fakes from
`tests.keystores` (the real services' method names and parameters); the store,
the keepers and the lock screen's handlers are the real ones.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from flet_local_auth import LocalAuthErrorCode

from liaison.device.config import Settings
from liaison.device.store import keys
from liaison.device.store.keeper import KeyringKeeper, SecureStorageKeeper, entry_name
from liaison.device.store.store import Store
from liaison.device.ui import biometrics
from liaison.device.ui.screens.lock import LockScreen
from liaison.device.ui.state import UiContext
from tests.conftest import PASSPHRASE
from tests.device.ui.driver import _run, button, click, labelled, press_enter, shows, tick, type_in
from tests.keystores import FakeLocalAuth, FakeSecureStorage, MemoryKeyring


class Tablet:
    """One store on an iPad: its Keychain, its Face ID, and the lock screens shown on it."""

    def __init__(self, data_dir: Path) -> None:
        Store.init(data_dir, PASSPHRASE, user="msl@example.org").close()
        self.data_dir = data_dir
        self.storage = FakeSecureStorage()
        self.auth = FakeLocalAuth()
        self.opened: list[Store] = []
        self.notices: list[str] = []

    @property
    def store_id(self) -> str:
        return keys.store_id(self.data_dir)

    def remember_key(self) -> None:
        self.storage.entries[entry_name(self.store_id)] = base64.b64encode(keys.unlock(self.data_dir, PASSPHRASE)).decode()

    def lock_screen(self) -> tuple[LockScreen, object]:
        ctx = UiContext(settings=Settings(), data_dir=self.data_dir)
        ctx.notify = self.notices.append
        lock = LockScreen(ctx, lambda store, server, code: self.opened.append(store), keeper=SecureStorageKeeper(self.storage), auth=self.auth)
        view = lock.view()
        _run(lock.offer())
        return lock, view

    def close(self) -> None:
        for store in self.opened:
            store.close()


@pytest.fixture
def tablet(data_dir: Path) -> Iterator[Tablet]:
    device = Tablet(data_dir)
    yield device
    device.close()


def offered(view: object, name: str) -> bool:
    return bool(button(view, name).visible)


def test_with_the_key_in_the_keychain_and_face_id_enrolled_biometrics_unlock_without_the_passphrase(tablet: Tablet) -> None:
    tablet.remember_key()
    _, view = tablet.lock_screen()
    assert offered(view, "Unlock with biometrics") and offered(view, "Forget on this device")
    assert labelled(view, "Passphrase") is not None, "the passphrase always remains"

    click(view, "Unlock with biometrics")
    [store] = tablet.opened
    assert not store.locked and store.store_id == tablet.store_id
    assert tablet.auth.prompts == [{"reason": biometrics.REASON, "biometric_only": True}]


def test_nothing_remembered_means_no_biometric_offer_and_ticking_remember_keeps_the_key_in_the_keychain(tablet: Tablet) -> None:
    _, view = tablet.lock_screen()
    assert not offered(view, "Unlock with biometrics") and not offered(view, "Forget on this device")

    type_in(view, "Passphrase", PASSPHRASE)
    tick(view, "Remember on this device")
    click(view, "Unlock")
    assert len(tablet.opened) == 1 and not tablet.notices
    assert tablet.storage.entries == {entry_name(tablet.store_id): base64.b64encode(keys.unlock(tablet.data_dir, PASSPHRASE)).decode()}

    _, next_time = tablet.lock_screen()
    assert offered(next_time, "Unlock with biometrics")


def test_a_tablet_without_enrolled_biometrics_offers_only_to_forget(tablet: Tablet) -> None:
    tablet.remember_key()
    tablet.auth.enrolled = []
    _, view = tablet.lock_screen()
    assert not offered(view, "Unlock with biometrics") and offered(view, "Forget on this device")


def test_a_tablet_without_biometric_hardware_offers_no_biometrics(tablet: Tablet) -> None:
    tablet.remember_key()
    tablet.auth.hardware = False
    _, view = tablet.lock_screen()
    assert not offered(view, "Unlock with biometrics")


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        (LocalAuthErrorCode.USER_CANCELED, biometrics.CANCELLED),
        (LocalAuthErrorCode.SYSTEM_CANCELED, biometrics.CANCELLED),
        (LocalAuthErrorCode.BIOMETRIC_LOCKOUT, biometrics.LOCKED_OUT),
        (LocalAuthErrorCode.NO_BIOMETRICS_ENROLLED, biometrics.UNAVAILABLE),
        (LocalAuthErrorCode.DEVICE_ERROR, biometrics.FAILED),
        (False, biometrics.NOT_RECOGNISED),
    ],
    ids=["cancelled", "system-cancelled", "locked-out", "unenrolled-since", "device-error", "not-recognised"],
)
def test_a_refused_or_cancelled_check_says_why_in_one_line_and_the_passphrase_still_unlocks(
    tablet: Tablet, outcome: bool | LocalAuthErrorCode, message: str
) -> None:
    tablet.remember_key()
    _, view = tablet.lock_screen()
    tablet.auth.outcome = outcome
    click(view, "Unlock with biometrics")
    assert not tablet.opened and shows(view, message) and "\n" not in message and "passphrase" in message

    type_in(view, "Passphrase", PASSPHRASE)
    press_enter(view, "Passphrase")
    assert len(tablet.opened) == 1


def test_a_key_gone_from_the_keychain_since_the_offer_is_named_not_a_crash(tablet: Tablet) -> None:
    tablet.remember_key()
    _, view = tablet.lock_screen()
    tablet.storage.entries.clear()
    click(view, "Unlock with biometrics")
    assert not tablet.opened and shows(view, biometrics.NOTHING_KEPT)


def test_forget_on_this_device_removes_the_key_and_the_biometric_offer(tablet: Tablet) -> None:
    tablet.remember_key()
    _, view = tablet.lock_screen()
    click(view, "Forget on this device")
    assert tablet.storage.entries == {}
    assert not offered(view, "Unlock with biometrics") and not offered(view, "Forget on this device")
    assert tablet.notices == ["This device no longer remembers your key: unlock with your passphrase."]

    _, next_time = tablet.lock_screen()
    assert not offered(next_time, "Unlock with biometrics") and not offered(next_time, "Forget on this device")


def test_a_keychain_that_cannot_keep_the_key_still_unlocks_and_says_so(tablet: Tablet) -> None:
    _, view = tablet.lock_screen()
    tablet.storage.failure = RuntimeError("PlatformException")
    type_in(view, "Passphrase", PASSPHRASE)
    tick(view, "Remember on this device")
    click(view, "Unlock")
    assert len(tablet.opened) == 1
    [notice] = tablet.notices
    assert "cannot be remembered" in notice and "passphrase" in notice


def test_first_run_offers_neither_and_clears_keys_a_wiped_or_uninstalled_store_left_in_the_keychain(data_dir: Path) -> None:
    storage = FakeSecureStorage()
    storage.entries = {entry_name("a-wiped-store"): base64.b64encode(bytes(32)).decode(), "another.app.token": "kept"}
    lock = LockScreen(
        UiContext(settings=Settings(), data_dir=data_dir), lambda *args: None, keeper=SecureStorageKeeper(storage), auth=FakeLocalAuth()
    )
    lock.view()
    assert _run(lock.offer()) == biometrics.LockChoices()
    assert storage.entries == {"another.app.token": "kept"}


def test_a_database_whose_key_file_is_gone_keeps_the_keychain_copy_of_its_key(tablet: Tablet) -> None:
    tablet.remember_key()
    kept = dict(tablet.storage.entries)
    keys.key_file_path(tablet.data_dir).unlink()
    lock, _ = tablet.lock_screen()
    assert lock.first_run and tablet.storage.entries == kept, "the last way to read that database stays"


# --- a desktop: keyring, and no biometrics --------------------------------------------


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    original = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(original)


def test_on_a_desktop_a_key_remembered_in_keyring_can_be_forgotten_but_biometrics_are_never_offered(
    data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    Store.init(data_dir, PASSPHRASE).close()
    opened: list[Store] = []
    lock = LockScreen(UiContext(settings=Settings(), data_dir=data_dir), lambda store, server, code: opened.append(store))
    assert isinstance(lock.keeper, KeyringKeeper) and lock.auth is None, "no page: a desktop's keyring, no local auth"
    view = lock.view()
    type_in(view, "Passphrase", PASSPHRASE)
    tick(view, "Remember on this device")
    click(view, "Unlock")
    opened.pop().close()
    assert list(memory_keyring.secrets.values()) == [keys.unlock(data_dir, PASSPHRASE).hex()]

    lock = LockScreen(UiContext(settings=Settings(), data_dir=data_dir), lambda store, server, code: opened.append(store))
    view = lock.view()
    _run(lock.offer())
    assert offered(view, "Forget on this device") and not offered(view, "Unlock with biometrics")
    click(view, "Forget on this device")
    assert memory_keyring.secrets == {}


def test_biometric_unlock_refuses_outright_where_the_key_is_not_in_a_platform_store(data_dir: Path, memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(biometrics.BiometricRefused, match="not available"):
        _run(biometrics.unlock_key(KeyringKeeper(), FakeLocalAuth(), "store-a"))
    with pytest.raises(biometrics.BiometricRefused, match="not available"):
        _run(biometrics.unlock_key(SecureStorageKeeper(FakeSecureStorage()), None, "store-a"))
