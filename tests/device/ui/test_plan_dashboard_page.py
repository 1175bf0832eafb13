"""The dashboard's Medical plan section in headless Chromium: a manager reads which imperatives and listening
priorities the team served and heard about, by month and region, and which have no insight yet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.server.embedded import EmbeddedServer
from liaison.server.web import auth
from tests.device.ui.test_manager_page import PASSWORD, WAIT, shot, sign_in
from tests.server.test_insights_report import push
from tests.server.test_plan_coverage import heard, visit
from tests.server.test_publish_plan import plan_document
from tests.server.test_routes import Device

pytestmark = [pytest.mark.browser]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(tmp_path / "server.db") as running:
        running.publish_plan(plan_document(1))
        running.create_user("boss@example.org", "Grace Manager", role="manager")
        auth.set_password(running.engine, email="boss@example.org", password=PASSWORD)
        ada = Device(running, "ada@example.org", territory="north", manager="boss@example.org")
        ben = Device(running, "ben@example.org", territory="south", manager="boss@example.org")
        push(ada, visit(ada, "2026-04-10", "SI-ONC-1"), visit(ada, "2026-05-02", "SI-ONC-1", "LP-ONC-1"), heard(ada, "2026-05-03", "LP-ONC-1"))
        push(ben, visit(ben, "2026-05-05", "SI-CM-1"), heard(ben, "2026-05-06", "LP-CM-1"), heard(ben, "2026-05-07", "LP-ONC-1"))
        yield running


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def test_a_manager_reads_the_plans_coverage_and_what_has_no_insight_yet(page, server: EmbeddedServer) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server, PASSWORD)
    page.get_by_role("heading", name="Insight themes").wait_for(timeout=WAIT)
    page.goto(f"{server.url}/manager/?period=month&periods=3&as_of=2026-05-20")
    section = page.locator("section#medical-plan")
    section.get_by_role("heading", name="Medical plan").wait_for(timeout=WAIT)
    section.scroll_into_view_if_needed()

    by_period = section.get_by_role("row").filter(has_text="SI-ONC-1").first.inner_text().split("\t")
    assert by_period[1:] == ["Strategic imperative", "0 · 0", "1 · 0", "1 · 0", "2 · 0"]
    listening = section.get_by_role("row").filter(has_text="LP-ONC-1").first.inner_text().split("\t")
    assert listening[-1] == "1 · 2"
    assert section.get_by_role("columnheader", name="north").count() == 1 and section.get_by_role("columnheader", name="south").count() == 1
    missing = section.get_by_role("listitem").all_inner_texts()
    assert any(text.startswith("SI-ONC-1 ") for text in missing) and not any(text.startswith("LP-ONC-1 ") for text in missing)
    shot(page, "manager-medical-plan")

    with page.expect_download() as download:
        section.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("medical-plan-")
