"""In headless Chromium through `liaison --web`: the plan the server published is offered on the insight form for
the therapeutic area typed, and the ticked item goes on the saved insight."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from liaison.device.domain.demo import content_items, example_plan
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server.embedded import EmbeddedServer
from tests.conftest import PASSPHRASE
from tests.device.ui.conftest import ServedApp, fill_territory
from tests.device.ui.test_e2e import WAIT, go, page, server, shot, type_into, unlock  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEQUENCING = "LP-ONC-1 · Sequencing after an immunotherapy"


@pytest.fixture
def app_url(tmp_path: Path, server: EmbeddedServer) -> Iterator[str]:  # noqa: F811
    data_dir = tmp_path / "store"
    server.publish_content(content_items(date.today()))
    server.publish_plan(example_plan()["document"])
    code = server.create_user("msl@example.org", "Ada MSL", territory="north-east")
    with Store.init(data_dir, PASSPHRASE, user="msl@example.org") as store:
        engine = SyncEngine(store)
        engine.enroll(server.url, code, "test laptop")
        engine.run_once()
        fill_territory(store, content=False)
    app = ServedApp(data_dir)
    yield app.url
    app.stop()


def test_the_insight_form_offers_the_areas_plan_items_and_the_saved_insight_carries_the_ticked_one(page) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    unlock(page)
    go(page, "Insights")
    type_into(page, "Therapeutic area", "Oncology")
    page.get_by_role("checkbox", name=re.compile(r"^SI-CM-1 ")).wait_for(state="detached", timeout=WAIT)  # another area's item leaves the offer
    sequencing = page.get_by_role("checkbox", name=SEQUENCING)
    sequencing.wait_for(timeout=WAIT)
    sequencing.click()
    type_into(page, "Insight", "Teams ask what to give after progression on a checkpoint inhibitor.")
    shot(page, "insight-plan-items")
    page.get_by_role("button", name="Save insight").click()
    page.locator("span").get_by_text("Insight saved").wait_for(timeout=WAIT)
    tagged = page.get_by_text(re.compile(r"plan: LP-ONC-1"))
    page.mouse.move(640, 600)
    for _ in range(12):  # the list builds only what is near the screen: wheel down until the saved insight is laid out
        if tagged.count():
            break
        page.mouse.wheel(0, 500)
        page.wait_for_timeout(300)
    tagged.first.wait_for(timeout=WAIT)
