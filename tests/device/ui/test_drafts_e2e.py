"""In headless Chromium: what the MSL typed is in the encrypted store about a second later, so closing the window (or the app dying) loses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.ui.conftest import ServedApp, fill_territory
from tests.device.ui.test_e2e import WAIT, go, shot, type_into, unlock

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "store"
    with Store.init(data_dir, PASSPHRASE, user="msl@example.org") as store:
        fill_territory(store, content=False)
    return data_dir


@pytest.fixture
def app(data_dir: Path) -> Iterator[ServedApp]:
    served = ServedApp(data_dir)
    yield served
    served.stop()


def test_a_draft_typed_in_the_browser_outlives_the_window_and_the_app(browser, app: ServedApp, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(app.url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    unlock(page)
    go(page, "Insights")
    type_into(page, "Insight", "Sites want a shorter washout before cycle 2")
    page.wait_for_timeout(2500)
    shot(page, "draft-typed")
    context.close()
    app.stop()

    with Store.open(data_dir, PASSPHRASE) as store:
        kept = store.repository.drafts.all()
    assert kept.get("insight", {}).get("text") == "Sites want a shorter washout before cycle 2"
