"""In headless Chromium in Tokyo: the calendar beside "Date and time" fills the field, and the day picked is the day logged."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.device.ui.conftest import ServedApp
from tests.device.ui.test_e2e import WAIT, go, shot, type_into, unlock


@pytest.fixture
def in_tokyo(browser, tmp_path: Path, territory_template: tuple[Path, bytes]) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The app in web mode on a server in Los Angeles, its browser in Tokyo."""
    data_dir = tmp_path / "store"
    shutil.copytree(territory_template[0], data_dir)
    app = ServedApp(data_dir, env={"TZ": "America/Los_Angeles"})
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo")
    page = context.new_page()
    try:
        page.goto(app.url)
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
        page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        unlock(page)
        close = page.get_by_role("button", name="Close", exact=True)  # the territory's overdue-report banner
        close.first.wait_for(timeout=WAIT)
        close.first.click()
        yield page
    finally:
        context.close()
        app.stop()


def test_home_asks_for_the_zone_and_the_calendar_fills_the_typed_field(in_tokyo: Any) -> None:
    page = in_tokyo
    page.get_by_role("button", name="Choose time zone").wait_for(timeout=WAIT)
    go(page, "HCPs")
    type_into(page, "Search HCPs", "rosal")
    page.get_by_text("Dr Rosalind Franklin").click()
    page.get_by_role("button", name="Log interaction with Dr Rosalind Franklin").click()
    type_into(page, "Notes", "Picked from the calendar")
    page.get_by_role("button", name="Pick the date: Date and time").last.click()  # the first is its tooltip's node
    page.get_by_role("button", name=re.compile(r"^1, \w+, December 1, 2026")).click()
    shot(page, "date-picker")
    page.get_by_role("button", name="OK").click()
    page.get_by_role("button", name="Submit").click()
    page.get_by_text(re.compile("Interaction history")).wait_for(timeout=WAIT)
    page.get_by_text(re.compile(r"^Dec 1, 2026 · in person · submitted")).wait_for(timeout=WAIT)
    shot(page, "picked-interaction")
