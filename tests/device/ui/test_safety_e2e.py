"""End to end in headless Chromium: a draft adverse event opened from Safety, completed, reported, then followed up."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from liaison.core.records.models import AdverseEvent, Amendment
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.ui.conftest import ServedApp
from tests.device.ui.test_e2e import WAIT, go, shot, type_into, unlock

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = "e2edrug: Dizziness after the first dose"


@pytest.fixture
def draft_id(data_dir: Path, territory_template: tuple[Path, bytes]) -> str:
    """The territory, plus a draft the MSL saved two hours ago with only the minimum in it."""
    shutil.copytree(territory_template[0], data_dir)
    with Store.open(data_dir, data_key=territory_template[1]) as store:
        return store.repository.create(
            AdverseEvent,
            {
                "reporter": "Nurse Jones",
                "aware_at": datetime.now(UTC) - timedelta(hours=2),
                "product": "e2edrug",
                "description": "Dizziness after the first dose",
            },
        ).id


@pytest.fixture
def page(browser, data_dir: Path, draft_id: str) -> Iterator:  # type: ignore[no-untyped-def]
    app = ServedApp(data_dir)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    try:
        opened.goto(app.url)
        opened.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
        opened.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        yield opened
    finally:
        shot(opened, "last-safety")
        context.close()
        app.stop()


def test_a_draft_is_opened_from_safety_completed_reported_and_followed_up(page, data_dir: Path, draft_id: str) -> None:  # type: ignore[no-untyped-def]
    unlock(page)
    go(page, "Safety")
    page.get_by_text(TITLE).click()
    page.get_by_role("textbox", name=re.compile(r"^Reporter's contact")).wait_for(timeout=WAIT)
    assert not page.get_by_text("must be provided and visible").count(), "no framework error under the description"

    type_into(page, "Onset date", (date.today() - timedelta(days=2)).isoformat())
    page.get_by_role("checkbox", name="Hospitalisation or its prolongation").click()
    type_into(page, "Reporter's contact", "ward 4, ext 2231")
    type_into(page, "Concomitant medication", "metformin")
    shot(page, "ae-draft-completed")
    page.get_by_role("button", name="Report adverse event").click()

    page.get_by_role("button", name="Save case reference").wait_for(timeout=WAIT)
    shot(page, "ae-filed")
    page.mouse.move(640, 500)
    page.mouse.wheel(0, 1200)  # the follow-up form is below the report; Flutter builds what is scrolled to
    page.get_by_role("button", name="Add follow-up information").wait_for(timeout=WAIT)
    type_into(page, "Concomitant medication", " and ramipril")
    type_into(page, "Source of the new information", "call with the ward nurse")
    page.get_by_role("button", name="Add follow-up information").click()
    # The snack bar's text is also in Flutter's live-region announcement: wait for the snack bar's own node.
    page.locator("flt-semantics").get_by_text(re.compile("Follow-up information added")).wait_for(timeout=WAIT)
    shot(page, "ae-followed-up")

    with Store.open(data_dir, PASSPHRASE) as store:
        event = store.repository.get(AdverseEvent, draft_id)
        with store.repository.session() as session:
            [amendment] = session.exec(select(Amendment).where(Amendment.subject_id == draft_id)).all()
    assert (event.status, event.seriousness, event.reporter_contact, event.concomitant_medication) == (
        "submitted",
        "serious",
        "ward 4, ext 2231",
        "metformin",
    )
    assert amendment.changes == {"concomitant_medication": "metformin and ramipril"} and amendment.reason == "call with the ward nurse"
