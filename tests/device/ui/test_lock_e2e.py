"""The lock screen in headless Chromium (`liaison --web`): no biometrics on the web, the passphrase always works.

The served app remembers keys in a file keyring shared with the test
(`tests.keystores.FileKeyring`), so "Forget on this device" proves that the
lock screen has asked its key store before the test looks for a biometric button.
The tablet's biometric path is specified without a browser in `test_lock_biometrics.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from liaison.device.store import keys, remember
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.ui.conftest import ServedApp
from tests.device.ui.test_e2e import WAIT, shot, type_into
from tests.keystores import KEYRING_FILE_ENV, FileKeyring

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """A store whose key this desktop remembers; returns its data dir and the keyring file."""
    data_dir, keyring_file = tmp_path / "store", tmp_path / "keyring.json"
    monkeypatch.setenv(KEYRING_FILE_ENV, str(keyring_file))
    original = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    try:
        with Store.init(data_dir, PASSPHRASE, user="msl@example.org") as store:
            store.remember_key(PASSPHRASE)
        yield data_dir, keyring_file
    finally:
        keyring.set_keyring(original)


def served(browser, data_dir: Path, keyring_file: Path):  # type: ignore[no-untyped-def]
    app = ServedApp(data_dir, env={"PYTHON_KEYRING_BACKEND": "tests.keystores.FileKeyring", KEYRING_FILE_ENV: str(keyring_file)})
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(app.url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    return app, context, page


def test_on_the_web_no_biometric_unlock_is_offered_and_the_passphrase_unlocks(browser, remembered: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    data_dir, keyring_file = remembered
    app, context, page = served(browser, data_dir, keyring_file)
    try:
        page.get_by_text("Liaison is locked").wait_for(timeout=WAIT)
        page.get_by_role("button", name="Forget on this device").wait_for(timeout=WAIT)
        shot(page, "lock-remembered-web")
        assert page.get_by_role("button", name="Unlock with biometrics").count() == 0
        assert page.get_by_text("Unlock with biometrics").count() == 0
        type_into(page, "Passphrase", PASSPHRASE)
        page.get_by_role("button", name="Unlock").click()
        page.get_by_text("Today").wait_for(timeout=WAIT)
    finally:
        context.close()
        app.stop()


def test_forget_on_this_device_empties_the_key_store_and_the_passphrase_still_unlocks(browser, remembered: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    data_dir, keyring_file = remembered
    entry = f"{remember.SERVICE}/{keys.store_id(data_dir)}"
    assert entry in json.loads(keyring_file.read_text())
    app, context, page = served(browser, data_dir, keyring_file)
    try:
        page.get_by_role("button", name="Forget on this device").click(timeout=WAIT)
        page.get_by_text("no longer remembers your key").first.wait_for(timeout=WAIT)
        assert entry not in json.loads(keyring_file.read_text())
        assert page.get_by_role("button", name="Forget on this device").count() == 0
        type_into(page, "Passphrase", PASSPHRASE)
        page.keyboard.press("Enter")
        page.get_by_text("Today").wait_for(timeout=WAIT)
    finally:
        shot(page, "last-lock-forget-web")
        context.close()
        app.stop()
