"""End to end in headless Chromium: the MSL's day through `liaison --web`, offline and back online."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from liaison.device.domain.demo import content_items
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server.embedded import EmbeddedServer
from tests.conftest import PASSPHRASE
from tests.device.ui.conftest import ARTIFACTS, ServedApp, fill_territory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESTINATIONS = ["Home", "HCPs", "Interactions", "Calendar", "Inquiries", "Safety", "Insights", "Trials", "Events", "Library", "Sync", "Settings"]
WAIT = 30_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(tmp_path / "server.db") as running:
        yield running


@pytest.fixture
def app_url(tmp_path: Path, server: EmbeddedServer) -> Iterator[str]:
    data_dir = tmp_path / "store"
    server.publish_content(content_items(date.today()))
    code = server.create_user("msl@example.org", "Ada MSL", territory="north-east")
    with Store.init(data_dir, PASSPHRASE, user="msl@example.org") as store:
        engine = SyncEngine(store)
        engine.enroll(server.url, code, "test laptop")
        engine.run_once()
        fill_territory(store, content=False)
    app = ServedApp(data_dir)
    yield app.url
    app.stop()


@pytest.fixture
def page(browser, app_url: str, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.goto(app_url)
    opened.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
    opened.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    yield opened
    shot(opened, f"last-{request.node.name}")
    context.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Flutter updates its semantics tree a frame before the canvas shows it: let the frame paint first."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def type_into(page, label: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click the field, let Flutter move the focus there, then type as a person would.

    A focused field's name is its label followed by its hint (if it has one), and an
    autofocused field may have the focus before the click: the label is matched as the start.
    """
    field = page.get_by_role("textbox", name=re.compile(rf"^{re.escape(label)}(\s|$)"))
    field.click()
    page.wait_for_timeout(300)
    page.keyboard.type(text, delay=10)


def go(page, destination: str) -> None:  # type: ignore[no-untyped-def]
    """On a wide window the rail's destinations read as buttons named "<name> Tab n of 11"."""
    page.get_by_role("button", name=re.compile(rf"^{destination}\b")).first.click()


def draw_signature(page) -> None:  # type: ignore[no-untyped-def]
    """Sign with the mouse, as on a laptop: two strokes across the pad."""
    box = page.get_by_text("Signature pad", exact=True).bounding_box()
    assert box is not None, "the signature pad is not on screen"
    for row in (0.35, 0.65):
        page.mouse.move(box["x"] + 20, box["y"] + box["height"] * row)
        page.mouse.down()
        for step in range(1, 11):
            page.mouse.move(box["x"] + 20 + step * (box["width"] - 40) / 10, box["y"] + box["height"] * (row + (0.1 if step % 2 else -0.1)), steps=3)
        page.mouse.up()


def unlock(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Unlock").wait_for(timeout=WAIT)
    shot(page, "lock")
    type_into(page, "Passphrase", PASSPHRASE)
    page.get_by_role("button", name="Unlock").click()
    page.get_by_text("Today").wait_for(timeout=WAIT)


def test_a_wrong_passphrase_is_refused_beside_the_field(page) -> None:  # type: ignore[no-untyped-def]
    type_into(page, "Passphrase", "not my passphrase")
    page.get_by_role("button", name="Unlock").click()
    page.get_by_text("wrong passphrase").wait_for(timeout=WAIT)


def test_the_field_day(page, server: EmbeddedServer) -> None:  # type: ignore[no-untyped-def]
    unlock(page)
    reminder = re.compile(r"Adverse event report \(.+\) is overdue")  # the demo's 30-hour-old draft
    page.get_by_role("group", name=reminder).or_(page.get_by_text(reminder)).first.wait_for(timeout=WAIT)  # the banner names its group
    shot(page, "reminder")
    page.get_by_text(re.compile(r"Online · 0 pending")).wait_for(timeout=60_000)
    shot(page, "home")

    go(page, "HCPs")
    type_into(page, "Search HCPs", "rosal")
    page.get_by_text("Dr Rosalind Franklin").wait_for(timeout=WAIT)
    shot(page, "hcps")
    page.get_by_text("Dr Rosalind Franklin").click()
    page.get_by_role("button", name="Log interaction with Dr Rosalind Franklin").click()
    type_into(page, "Topics", "subgroup analysis")
    type_into(page, "Notes", "Discussed ZEN-301 subgroup data")
    shot(page, "log-interaction")
    page.get_by_role("button", name="Submit").click()
    page.get_by_text(re.compile("Interaction history")).wait_for(timeout=WAIT)
    page.get_by_text("Discussed ZEN-301 subgroup data").wait_for(timeout=WAIT)
    shot(page, "hcp-profile")

    go(page, "Inquiries")
    type_into(page, "HCP", "rosal")
    page.keyboard.press("Enter")
    type_into(page, "Question (verbatim)", "Is there renal dosing data in stage 3 CKD?")
    page.get_by_role("checkbox", name="The HCP attests this request is unsolicited").click()
    draw_signature(page)
    shot(page, "inquiry-signed")
    page.get_by_role("button", name="Submit inquiry").click()
    page.get_by_text("Is there renal dosing data in stage 3 CKD?").wait_for(timeout=WAIT)
    page.get_by_text(re.compile("Dr Rosalind Franklin · submitted")).wait_for(timeout=WAIT)

    page.keyboard.press("Alt+l")
    page.get_by_text("No HCP chosen yet").wait_for(timeout=WAIT)

    go(page, "Insights")
    type_into(page, "Insight", "Community sites lack biomarker testing")
    suggested = page.get_by_role("checkbox", name="Patient selection and biomarkers")
    suggested.wait_for(timeout=2 * WAIT)  # suggestions come from a worker thread, after the typing settles
    suggested.click()
    page.get_by_role("group", name="Similar insights already captured").wait_for(timeout=WAIT)
    page.get_by_role("button", name="Same signal").first.click()
    page.get_by_role("button", name="Linked").wait_for(timeout=WAIT)
    shot(page, "insight-suggestions")
    page.get_by_role("button", name="Save insight").click()
    page.get_by_text("Community sites lack biomarker testing").first.wait_for(timeout=WAIT)

    go(page, "Safety")
    type_into(page, "Reporter", "Dr Rosalind Franklin, oncologist")
    type_into(page, "Patient initials", "JD")
    type_into(page, "Product", "zentrolimab")
    type_into(page, "Event description", "Grade 3 rash after second dose, told by Maria Lopez")
    page.get_by_text(re.compile("“Maria Lopez” looks like a person.s name")).wait_for(timeout=WAIT)
    shot(page, "safety-identifier-warning")
    page.get_by_role("button", name="Report adverse event").click()
    page.get_by_role("button", name="Save case reference").wait_for(timeout=WAIT)  # the filed event opens, read-only
    go(page, "Safety")
    page.get_by_text(re.compile("zentrolimab: Grade 3 rash")).wait_for(timeout=WAIT)
    # its countdown while it waits to be sent, or "Reported" once sync has taken it (the server is online: a race)
    page.get_by_text(re.compile("due in|Reported: reached the server")).first.wait_for(timeout=WAIT)

    page.get_by_text(re.compile(r"Online · 0 pending")).wait_for(timeout=60_000)
    server.stop()
    go(page, "Insights")
    type_into(page, "Insight", "Captured while the network was down")
    page.get_by_role("button", name="Save insight").click()
    page.get_by_text(re.compile(r"Offline · [1-9]\d* pending")).wait_for(timeout=60_000)
    shot(page, "offline")
    server.start()
    page.get_by_text(re.compile(r"Online · 0 pending")).wait_for(timeout=90_000)

    for destination in DESTINATIONS:
        go(page, destination)
        page.wait_for_timeout(400)
        shot(page, destination.lower())


def test_narrow_windows_get_a_navigation_bar_and_the_rest_under_more(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 600, "height": 900})
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    unlock(page)
    page.get_by_role("tab", name="Safety").wait_for(timeout=WAIT)
    assert page.get_by_role("tab", name="Settings").count() == 0
    shot(page, "narrow-home")
    page.get_by_role("tab", name="More").click()
    page.get_by_text("Settings", exact=True).click()
    page.get_by_text("Change passphrase").first.wait_for(timeout=WAIT)
    shot(page, "narrow-settings")
    context.close()


def test_first_run_sets_a_passphrase_then_locks_and_unlocks(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = ServedApp(tmp_path / "fresh")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(app.url)
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
        page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        page.get_by_text("Set up Liaison").wait_for(timeout=WAIT)
        type_into(page, "Passphrase", PASSPHRASE)
        type_into(page, "Confirm passphrase", PASSPHRASE + " typo")
        page.get_by_role("button", name="Create store").click()
        page.get_by_text("does not match the passphrase").wait_for(timeout=WAIT)
        shot(page, "first-run")
        type_into(page, "Confirm passphrase", "")
        page.keyboard.press("Control+a")
        page.keyboard.press("Backspace")
        page.keyboard.type(PASSPHRASE, delay=10)
        page.get_by_role("button", name="Create store").click()
        page.get_by_text("Today").wait_for(timeout=WAIT)
        page.get_by_text("Offline only · 0 pending").first.wait_for(timeout=WAIT)

        go(page, "Settings")
        page.get_by_role("button", name="Lock now").click()
        page.get_by_text("Liaison is locked").wait_for(timeout=WAIT)
        type_into(page, "Passphrase", PASSPHRASE)
        page.keyboard.press("Enter")
        page.get_by_text("Today").wait_for(timeout=WAIT)
    finally:
        shot(page, "last-first-run")
        context.close()
        app.stop()
