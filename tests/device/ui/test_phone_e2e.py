"""On a 390-px phone in headless Chromium: nothing hides under the floating button, labels wrap, "More" shows where you are."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.device.ui.conftest import ARTIFACTS, ServedApp
from tests.device.ui.test_e2e import WAIT, unlock

PHONE = {"width": 390, "height": 844}
SHOTS = ARTIFACTS / "phone"


@pytest.fixture
def phone(browser, tmp_path: Path, territory_template: tuple[Path, bytes]) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "store"
    shutil.copytree(territory_template[0], data_dir)
    app = ServedApp(data_dir)
    context = browser.new_context(viewport=PHONE)
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


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def scroll_to_the_end(page: Any) -> None:
    """Wheel over the screen's body until nothing moves: the MSL reaching the form's last buttons."""
    page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
    for _ in range(12):
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(150)
    page.wait_for_timeout(400)


def scroll_until_shown(page: Any, locator: Any) -> None:
    """Wheel down until the control is laid out (a list builds what is near the screen only) and on screen."""
    page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 3)
    for _ in range(60):
        found = locator.bounding_box() if locator.count() else None
        if found and found["y"] >= 0 and found["y"] + found["height"] <= PHONE["height"] - 80:
            return
        page.mouse.wheel(0, 120)
        page.wait_for_timeout(80)
    pytest.fail(f"{locator} never came on screen")


def scroll_beside_the_fab(page: Any, name: str) -> None:
    """Wheel down a little at a time until the button is level with the floating button, where it would hide under a wide one."""
    button = page.get_by_role("button", name=name, exact=True)
    fab = box(page.get_by_role("button", name="Log interaction", exact=True))
    page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 3)
    for _ in range(80):
        found = button.bounding_box() if button.count() else None
        if found and found["y"] < fab["y"] + fab["height"] and fab["y"] < found["y"] + found["height"]:
            return
        page.mouse.wheel(0, 40)
        page.wait_for_timeout(60)
    pytest.fail(f"{name} never came level with the floating button")


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on screen"
    return found  # type: ignore[no-any-return]


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def assert_clear_of_the_fab(page: Any, name: str) -> None:
    button = page.get_by_role("button", name=name, exact=True)
    fab = page.get_by_role("button", name="Log interaction", exact=True)
    target, floating = box(button), box(fab)
    assert target["y"] + target["height"] <= PHONE["height"], f"{name} is below the screen"
    assert not overlap(target, floating), f"{name} {target} lies under the floating button {floating}"
    hit = page.evaluate(
        "([x, y]) => { const el = document.elementFromPoint(x, y); return el ? (el.getAttribute('aria-label') || el.textContent || '') : '' }",
        [target["x"] + target["width"] / 2, target["y"] + target["height"] / 2],
    )
    assert name in hit, f"the point at the centre of {name} belongs to {hit!r}"


@pytest.mark.browser
@pytest.mark.slow
def test_submit_scrolls_clear_of_the_floating_button_and_checkbox_labels_wrap(phone: Any) -> None:
    page = phone
    fab = page.get_by_role("button", name="Log interaction", exact=True)
    assert box(fab)["width"] <= 72, "on a phone the floating button is the round one, not the extended"
    fab.click()
    page.get_by_text("Log interaction", exact=True).first.wait_for(timeout=WAIT)
    for label in ("Unsolicited question from the HCP (reactive)", "Off-label use was discussed (only in reply to an attested inquiry)"):
        words = page.get_by_text(label, exact=True)
        scroll_until_shown(page, words)
        seen = box(words)
        assert seen["x"] >= 0 and seen["x"] + seen["width"] <= PHONE["width"], f"{label!r} runs off the screen: {seen}"
    shot(page, "log-interaction-labels")
    page.mouse.wheel(0, -20000)
    scroll_beside_the_fab(page, "Submit")
    shot(page, "log-interaction-submit-beside-fab")
    assert_clear_of_the_fab(page, "Submit")
    scroll_to_the_end(page)
    shot(page, "log-interaction-end")
    assert_clear_of_the_fab(page, "Submit")
    assert_clear_of_the_fab(page, "Save draft")


@pytest.mark.browser
@pytest.mark.slow
def test_report_adverse_event_scrolls_clear_of_the_floating_button(phone: Any) -> None:
    page = phone
    page.get_by_role("tab", name=re.compile(r"^Safety")).click()
    page.get_by_role("textbox", name=re.compile(r"^Reporter\b")).first.wait_for(timeout=WAIT)
    words = page.get_by_text("Persistent or significant disability/incapacity", exact=True)
    scroll_until_shown(page, words)
    seen = box(words)
    assert seen["x"] + seen["width"] <= PHONE["width"], f"a criterion runs off the screen: {seen}"
    page.mouse.wheel(0, -20000)
    scroll_beside_the_fab(page, "Report adverse event")
    shot(page, "safety-report-beside-fab")
    assert_clear_of_the_fab(page, "Report adverse event")


@pytest.mark.browser
@pytest.mark.slow
def test_a_screen_reached_through_more_highlights_more_in_the_bar(phone: Any) -> None:
    page = phone
    assert page.get_by_role("tab", name=re.compile(r"^Home"), selected=True).count() == 1
    page.get_by_role("tab", name=re.compile(r"^More")).click()
    page.get_by_text("Inquiries", exact=True).click()
    page.get_by_role("textbox", name=re.compile(r"^Question \(verbatim\)")).wait_for(timeout=WAIT)
    page.wait_for_timeout(400)
    assert page.get_by_role("tab", name=re.compile(r"^More"), selected=True).count() == 1
    assert page.get_by_role("tab", name=re.compile(r"^Home"), selected=True).count() == 0
    shot(page, "more-inquiries")


def test_the_bar_highlights_more_for_every_screen_reached_through_it() -> None:
    from liaison.device.ui.app import MORE, bar_index, more_destinations
    from liaison.device.ui.screens import registry

    labels = [*registry.NARROW, MORE]
    assert [labels[bar_index(name)] for name in registry.NARROW] == registry.NARROW
    assert {labels[bar_index(name)] for name in more_destinations()} == {MORE}
    assert set(more_destinations()) | set(registry.NARROW) == set(registry.DESTINATIONS) and "Sync" in more_destinations()
