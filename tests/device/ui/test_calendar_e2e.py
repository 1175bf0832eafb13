"""In headless Chromium: a visit planned for tomorrow in the Calendar shows in its agenda, with the HCP, place and status."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
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
    served = ServedApp(data_dir, env={"TZ": "UTC"})
    yield served
    served.stop()


def test_a_visit_planned_for_tomorrow_shows_in_the_agenda(browser, app: ServedApp) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(app.url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    unlock(page)
    go(page, "Calendar")
    page.get_by_role("button", name="Plan visit").click()
    type_into(page, "HCPs (the first one leads)", "Rosalind Franklin")
    page.keyboard.press("Enter")
    page.get_by_role("button", name=re.compile("Dr Rosalind Franklin")).wait_for(timeout=WAIT)
    type_into(page, "Date", "")
    page.keyboard.press("Control+A")
    page.keyboard.type((date.today() + timedelta(days=1)).isoformat(), delay=10)
    type_into(page, "Place", "Addenbrooke's")
    shot(page, "calendar-plan-form")
    page.get_by_role("button", name="Plan", exact=True).click()
    # the visit's tile and its actions read as one labelled group: time and HCPs, then place, channel and status
    planned = re.compile(r"Dr Rosalind Franklin\s+Addenbrooke's · in person · Planned")
    page.get_by_label(planned).wait_for(timeout=WAIT)
    shot(page, "calendar-day")
    page.get_by_role("button", name=re.compile("^Agenda")).click()
    page.get_by_label(re.compile(r"\d{4} – .+\d{4}")).or_(page.get_by_text(re.compile(r"\d{4} – .+\d{4}"))).first.wait_for(timeout=WAIT)
    page.get_by_label(planned).wait_for(timeout=WAIT)
    shot(page, "calendar-agenda")
    context.close()
