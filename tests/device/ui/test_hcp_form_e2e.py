"""Adding an HCP in headless Chromium: "Add HCP", the form's labelled fields, the new profile, and search finding them."""

from __future__ import annotations

import re

import pytest

from tests.device.ui.test_e2e import WAIT, app_url, go, page, server, shot, type_into, unlock  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_hcp_added_through_the_app_is_found_in_search(page) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    unlock(page)
    go(page, "HCPs")
    page.get_by_role("button", name="Add HCP").click()
    page.get_by_text("Add an HCP").wait_for(timeout=WAIT)
    type_into(page, "Name", "Dr Chiara Conti")
    type_into(page, "Primary institution", "Policlinico Gemelli")
    type_into(page, "E-mails", "c.conti@gemelli.example, chiara@uni.example")
    page.get_by_role("checkbox", name="Consents to be contacted").click()
    page.get_by_role("button", name="Add affiliation").click()
    type_into(page, "Institution 1", "Università Cattolica")
    shot(page, "hcp-add-form")
    page.get_by_role("button", name="Save HCP").click()
    page.get_by_role("button", name="Edit").wait_for(timeout=WAIT)
    page.get_by_text("E-mail: chiara@uni.example").wait_for(timeout=WAIT)
    page.get_by_text(re.compile(r"^Consents to contact \(recorded")).wait_for(timeout=WAIT)
    shot(page, "hcp-added-profile")
    page.get_by_role("button", name="Back to HCPs").click()
    type_into(page, "Search HCPs", "gemel")
    page.get_by_text(re.compile(r"^1 HCPs")).wait_for(timeout=WAIT)
    shot(page, "hcp-added-found")
    # A list tile reads as one text, initials, title and subtitle; the snack bar's announcement names her too.
    page.get_by_text(re.compile(r"Dr Chiara Conti\s+Policlinico Gemelli")).click()
    page.get_by_text("E-mail: c.conti@gemelli.example").wait_for(timeout=WAIT)
