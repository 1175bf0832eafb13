"""The manager's dashboard in headless Chromium: sign in through the form, read the charts, the emerging
themes and the verbatim examples, as a manager would; screenshots go to tests/artifacts/screens/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.server.embedded import EmbeddedServer
from liaison.server.web import auth
from tests.device.ui.conftest import ARTIFACTS
from tests.server.test_insights_report import insight, push
from tests.server.test_routes import Device

pytestmark = [pytest.mark.browser]

PASSWORD = "a manager's long passphrase"
WAIT = 15_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(tmp_path / "server.db") as running:
        running.create_user("boss@example.org", "Grace Manager", role="manager")
        auth.set_password(running.engine, email="boss@example.org", password=PASSWORD)
        ada = Device(running, "ada@example.org", territory="north", manager="boss@example.org")
        ben = Device(running, "ben@example.org", territory="south", manager="boss@example.org")
        for month, count in (("2026-01", 2), ("2026-02", 3), ("2026-03", 2), ("2026-04", 3), ("2026-05", 3)):
            push(ada, *(insight(ada, "safety_perception", f"{month}-1{day}", area="Cardiometabolic", product="cardiostatin") for day in range(count)))
        push(ben, insight(ben, "access_barriers", "2026-04-08"))
        push(
            ben,
            *(
                insight(
                    ben,
                    "access_barriers",
                    f"2026-05-0{day}",
                    product="orvatinib",
                    text=f"Prior authorization for orvatinib takes weeks and first requests are denied (site {day}).",
                )
                for day in range(1, 6)
            ),
        )
        push(
            ada,
            *(
                insight(ada, "onc_biomarker_testing", f"2026-05-1{day}", text=text)
                for day, text in enumerate(
                    (
                        "Community hospitals wait three weeks for NGS results before starting treatment.",
                        "NGS results take three weeks at community hospitals, delaying treatment.",
                        "Pathologists say there is rarely enough tissue left for NGS after diagnosis.",
                    )
                )
            ),
        )
        yield running


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, server: EmbeddedServer, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/manager/")
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT)
    page.get_by_label("E-mail").fill("boss@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_manager_signs_in_and_reads_the_teams_insight_themes(page, server: EmbeddedServer) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server, "not the password")
    page.get_by_role("alert").filter(has_text="Wrong e-mail or password.").wait_for(timeout=WAIT)
    shot(page, "manager-sign-in-refused")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Insight themes").wait_for(timeout=WAIT)
    page.goto(f"{server.url}/manager/?period=month&periods=6&as_of=2026-05-20")
    page.get_by_role("heading", name="Insight themes").wait_for(timeout=WAIT)

    assert page.get_by_role("img", name="Signals per theme over time, whole team").is_visible()
    for value in ("Cardiometabolic", "Oncology", "orvatinib", "north", "south"):
        assert page.get_by_role("img", name=f"Signals per theme over time, {value}").count() == 1, value
    flagged = page.get_by_role("row").filter(has_text="▲ emerging").all_inner_texts()
    assert [row.split("\t")[0] for row in flagged] == ["Access and reimbursement barriers", "Biomarker and molecular testing"]
    assert page.get_by_role("row").filter(has_text="Safety and tolerability concerns").filter(has_text="▲ emerging").count() == 0
    examples = page.get_by_role("heading", name="Top verbatim examples")
    examples.scroll_into_view_if_needed()
    assert page.get_by_text(re.compile(r"echoed by 4 other insights")).count() == 1
    assert page.get_by_text("Pathologists say there is rarely enough tissue left for NGS after diagnosis.", exact=False).count() == 1
    shot(page, "manager-dashboard")

    with page.expect_download() as download:
        page.locator("section#insights").get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("insights-")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT)
    page.goto(f"{server.url}/manager/")
    assert page.url.endswith("/manager/login")
