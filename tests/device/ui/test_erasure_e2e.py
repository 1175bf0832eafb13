"""Erasing an HCP in headless Chromium: the profile's action, the dialog's labelled controls, and the HCP gone after."""

from __future__ import annotations

import re

import pytest

from tests.device.ui.test_e2e import WAIT, app_url, go, page, server, shot, type_into, unlock  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_erasing_an_hcp_from_the_profile(page) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    unlock(page)
    go(page, "HCPs")
    type_into(page, "Search HCPs", "rosal")
    page.get_by_text("Dr Rosalind Franklin").click()
    page.get_by_role("button", name="Erase personal data").click()
    page.get_by_text("Erase the personal data of Dr Rosalind Franklin?").wait_for(timeout=WAIT)
    page.get_by_text(re.compile("This cannot be undone")).wait_for(timeout=WAIT)
    page.get_by_role("button", name="Erase", exact=True).click()
    page.get_by_text(re.compile("must say why")).wait_for(timeout=WAIT)
    shot(page, "erase-dialog")
    type_into(page, "Reason for erasure", "Request by e-mail of 20 Nov, GDPR art. 17")
    page.get_by_role("button", name="Erase", exact=True).click()
    # The snack bar's text is also in Flutter's live-region announcement: wait for the snack bar's own node.
    page.locator("flt-semantics").get_by_text(re.compile("Personal data erased")).wait_for(timeout=WAIT)
    type_into(page, "Search HCPs", "rosal")
    page.get_by_text("No HCP matches.").wait_for(timeout=WAIT)
    shot(page, "erased")
