"""End to end in headless Chromium: a promotional note is flagged before submit and filed only with a justification."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from liaison.core.records.models import ComplianceOverride
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.ui.conftest import ServedApp
from tests.device.ui.test_e2e import WAIT, go, shot, type_into, unlock

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROMOTIONAL = "Zentrolimab is the best option for all her patients."
WHY = "Her own words at the tumour board, quoted as she said them."


@pytest.fixture
def page(browser, data_dir: Path, territory_template: tuple[Path, bytes]) -> Iterator:  # type: ignore[no-untyped-def]
    shutil.copytree(territory_template[0], data_dir)
    app = ServedApp(data_dir)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    try:
        opened.goto(app.url)
        opened.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
        opened.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        yield opened
    finally:
        shot(opened, "last-review")
        context.close()
        app.stop()


def scroll_down(page) -> None:  # type: ignore[no-untyped-def]
    """Bring the foot of the form (findings, justification, buttons) on screen, as a person scrolls to press Submit."""
    page.mouse.move(640, 450)
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(500)


def test_a_promotional_note_is_flagged_then_submitted_anyway_with_a_justification(page, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    unlock(page)
    go(page, "HCPs")
    type_into(page, "Search HCPs", "rosal")
    page.get_by_text("Dr Rosalind Franklin").click()
    page.get_by_role("button", name="Log interaction with Dr Rosalind Franklin").click()
    type_into(page, "Notes", PROMOTIONAL)
    scroll_down(page)
    page.get_by_role("button", name="Submit", exact=True).click()

    page.get_by_text(re.compile(r'Notes: "best" · superlative')).wait_for(timeout=WAIT)
    page.get_by_text(re.compile("superlative claim that scientific exchange cannot substantiate")).wait_for(timeout=WAIT)
    page.get_by_text(re.compile("Suggestion: State the data")).wait_for(timeout=WAIT)
    shot(page, "review-findings")

    page.get_by_role("button", name="Submit anyway").click()
    page.get_by_text(re.compile("at least 20 characters")).first.wait_for(timeout=WAIT)
    type_into(page, "Justification", WHY)
    shot(page, "review-justified")
    page.get_by_role("button", name="Submit anyway").click()
    page.get_by_text(re.compile("Interaction history")).wait_for(timeout=WAIT)
    page.get_by_text(PROMOTIONAL).wait_for(timeout=WAIT)
    shot(page, "review-submitted")

    with Store.open(data_dir, PASSPHRASE) as store, store.repository.session() as session:
        [override] = session.exec(select(ComplianceOverride)).all()
    assert override.justification == WHY and [finding["rule_id"] for finding in override.findings] == ["SUP-001"]
