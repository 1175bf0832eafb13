"""The pre-call brief in headless Chromium, on a 390-px phone and on a desktop: opened from the HCP's profile, nothing runs off the screen."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from liaison.core.records.models import Interaction, MedicalInquiry
from liaison.device.store import queries
from liaison.device.store.queries import HcpFilter
from liaison.device.store.store import Store
from tests.device.ui.conftest import ARTIFACTS, ServedApp
from tests.device.ui.test_e2e import WAIT, type_into, unlock

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
NOTES = "Discussed the renal subgroup data and the dosing in stage 4 chronic kidney disease at length with the whole team"
QUESTION = "Is dose adjustment needed in CKD stage 4?"


def prepare(data_dir: Path, data_key: bytes) -> None:
    """Dr Franklin of the demo territory, with a visit that promised a late paper and an inquiry waiting five days."""
    with Store.open(data_dir, data_key=data_key) as store:
        with store.repository.session() as session:
            [franklin] = queries.search_hcps(session, HcpFilter(search="Rosalind Franklin"), limit=1)
        now = datetime.now(UTC)
        promise = [{"text": "Send the renal paper", "due": (now - timedelta(days=2)).date().isoformat()}]
        visit = {"hcp_id": franklin.id, "occurred_at": now - timedelta(hours=2), "channel": "in_person", "notes": NOTES, "follow_ups": promise}
        store.repository.create_submitted(Interaction, visit)
        store.repository.create(MedicalInquiry, {"hcp_id": franklin.id, "received_at": now - timedelta(days=5), "question": QUESTION})


@pytest.fixture(params=sorted(WIDTHS))
def opened(request: pytest.FixtureRequest, browser, tmp_path: Path, territory_template: tuple[Path, bytes]) -> Iterator[tuple[Any, str]]:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "store"
    shutil.copytree(territory_template[0], data_dir)
    prepare(data_dir, territory_template[1])
    app = ServedApp(data_dir)
    context = browser.new_context(viewport=WIDTHS[request.param])
    page = context.new_page()
    try:
        page.goto(app.url)
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
        page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        unlock(page)
        close = page.get_by_role("button", name="Close", exact=True)  # the territory's overdue-report banner
        close.first.wait_for(timeout=WAIT)
        close.first.click()
        yield page, request.param
    finally:
        context.close()
        app.stop()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def within(page: Any, locator: Any, width: int) -> None:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on screen"
    assert found["x"] >= 0 and found["x"] + found["width"] <= width + 0.5, f"{locator} runs off the {width}-px screen: {found}"


def open_profile(page: Any, width_name: str) -> None:
    """HCPs from the bar (phone) or the rail (desktop), then Dr Franklin found by search."""
    if width_name == "phone":
        page.get_by_role("tab", name=re.compile(r"^HCPs")).click()
    else:
        page.get_by_role("button", name=re.compile(r"^HCPs\b")).first.click()
    search = page.get_by_role("textbox", name=re.compile(r"^Search HCPs"))
    search.wait_for(timeout=WAIT)
    if width_name == "phone":
        # Seen here: right after the bar's tab, the first tap on the field only takes the focus off the tab; the second lands.
        search.click()
        page.wait_for_timeout(300)
    type_into(page, "Search HCPs", "Franklin")
    page.get_by_text(re.compile(r"^1 HCPs")).wait_for(timeout=WAIT)
    page.get_by_text(re.compile(r"Dr Rosalind Franklin")).first.click()


def test_the_brief_opens_from_the_profile_and_fits_the_screen(opened: tuple[Any, str]) -> None:
    page, width_name = opened
    width = WIDTHS[width_name]["width"]
    open_profile(page, width_name)
    brief = page.get_by_role("button", name="Brief", exact=True)
    brief.wait_for(timeout=WAIT)
    brief.click()

    page.get_by_text(re.compile(r"^Last interactions")).wait_for(timeout=WAIT)
    heading = page.get_by_text("Dr Rosalind Franklin", exact=True)
    within(page, heading, width)
    within(page, page.get_by_text("Oncology · KOL tier 1", exact=True), width)
    # A list entry reads as its title and subtitle together: the visit with its excerpt, the inquiry with its age.
    visit = page.get_by_text(re.compile(r"in person · submitted\s+Discussed the renal subgroup data"))
    visit.wait_for(timeout=WAIT)
    within(page, visit, width)
    shot(page, f"brief-{width_name}")

    inquiry = page.get_by_text(re.compile(rf"{re.escape(QUESTION)}\s+.* · 5 days open"))
    late = page.get_by_text(re.compile(r"Send the renal paper[\s\S]*Overdue · due "))
    for entry in (inquiry, late):
        for _ in range(40):  # the list lays out what is near the screen only: wheel down until it is there
            if entry.count() and (entry.bounding_box() or {}).get("y", -1) >= 0:
                break
            page.mouse.move(width / 2, 300)
            page.mouse.wheel(0, 200)
            page.wait_for_timeout(80)
        assert entry.count(), f"{entry} never came on screen"
        within(page, entry, width)
    shot(page, f"brief-{width_name}-follow-ups")

    late.click()
    page.get_by_role("button", name="Record amendment").wait_for(timeout=WAIT)  # the interaction it was promised in, opened


def test_profile_leads_back_from_the_brief(opened: tuple[Any, str]) -> None:
    page, width_name = opened
    open_profile(page, width_name)
    page.get_by_role("button", name="Brief", exact=True).click()
    profile = page.get_by_role("button", name="Profile", exact=True)
    profile.wait_for(timeout=WAIT)
    within(page, profile, WIDTHS[width_name]["width"])
    profile.click()
    page.get_by_role("button", name="Edit", exact=True).wait_for(timeout=WAIT)
