"""The insight numbers behind the manager's dashboard, from a server filled by real pushes over loopback.

A manager's team of three MSLs in three territories, plus an MSL of another
team, push insights captured in April and May 2026; the report for May
(`as_of` 2026-05-20) is checked count by count.
"""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest
from sqlmodel import Session, select

from liaison.server import taxonomy
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import User
from liaison.server.reports.insights import InsightReport, insight_report
from liaison.server.reports.periods import ReportParams
from tests.server.test_routes import Device

MAY = ReportParams(period="month", periods=3, as_of=date(2026, 5, 20))
_ids = count(1)


def insight(
    device: Device, theme: str, day: str, *, text: str | None = None, area: str = "Oncology", product: str = "zentrolimab", **extra: object
) -> dict:
    record_id = f"insight-{next(_ids)}"
    fields = {
        "text": text or f"{theme} heard on {day} ({record_id})",
        "theme": theme,
        "therapeutic_area": area,
        "product": product,
        "captured_at": f"{day}T10:00:00+00:00",
        **extra,
    }
    return device.change("insight", record_id, fields)


def push(device: Device, *changes: dict) -> list[str]:
    answer = device.push(*changes)
    assert answer.status_code == 200, answer.text
    return [change["record_id"] for change in changes]


@pytest.fixture
def team(server: EmbeddedServer) -> dict[str, Device]:
    server.create_user("boss@example.org", "Grace Manager", role="manager")
    server.create_user("rival@example.org", "Other Manager", role="manager")
    return {
        "ada": Device(server, "ada@example.org", territory="north", manager="boss@example.org"),
        "ben": Device(server, "ben@example.org", territory="south", manager="boss@example.org"),
        "cy": Device(server, "cy@example.org", territory="east", manager="boss@example.org"),
        "zed": Device(server, "zed@example.org", territory="west", manager="rival@example.org"),
    }


@pytest.fixture
def filled(team: dict[str, Device]) -> dict[str, Device]:
    ada, ben, cy, zed = team["ada"], team["ben"], team["cy"], team["zed"]
    push(ada, insight(ada, "access_barriers", "2026-04-10"))
    push(ada, *(insight(ada, "access_barriers", f"2026-05-0{day}") for day in (2, 3)))
    push(ben, *(insight(ben, "access_barriers", f"2026-05-0{day}", product="orvatinib") for day in (4, 5)))
    push(ada, *(insight(ada, "safety_perception", f"2026-04-1{day}", area="Cardiometabolic", product="cardiostatin") for day in (1, 2, 3)))
    push(cy, *(insight(cy, "safety_perception", f"2026-05-1{day}", area="Cardiometabolic", product="cardiostatin") for day in (1, 2, 3)))
    push(cy, *(insight(cy, "onc_biomarker_testing", f"2026-05-0{day}", area="haematology") for day in (6, 7, 8)))
    push(ben, *(insight(ben, "trial_design", f"2026-04-2{day}") for day in (1, 2)))
    push(ben, *(insight(ben, "trial_design", f"2026-05-1{day}") for day in (4, 5, 6)))
    [original] = push(ada, insight(ada, "competitor_landscape", "2026-05-09", text="The competitor's subcutaneous form launches next quarter."))
    push(
        ben, insight(ben, "competitor_landscape", "2026-05-10", text="Competitor launches its subcutaneous form next quarter.", duplicate_of=original)
    )
    [gone] = push(cy, insight(cy, "education_gap", "2026-05-11"))
    push(cy, cy.change("insight", gone, {"deleted": True, "deleted_at": "2026-05-12T00:00:00+00:00"}))
    push(ada, insight(ada, "unmet_need", "2026-01-05"))  # before the window
    push(zed, *(insight(zed, "off_label_interest", f"2026-05-0{day}") for day in (1, 2, 3, 4)))  # another team
    return team


def report(server: EmbeddedServer, email: str, params: ReportParams = MAY) -> InsightReport:
    with Session(server.engine) as session:
        viewer = session.exec(select(User).where(User.email == email)).one()
        return insight_report(session, viewer, taxonomy.current(session), params)


def test_counts_cover_the_managers_team_in_the_window_once_per_signal(server: EmbeddedServer, filled: dict[str, Device]) -> None:
    numbers = report(server, "boss@example.org")
    assert numbers.periods == ["2026-03", "2026-04", "2026-05"]
    assert numbers.msls == 3
    assert numbers.reports == 21  # zed's, the deleted one and January's are not in it
    assert numbers.signals == 20  # the insight linked as the same signal counts once
    assert "off_label_interest" not in numbers.themes and "unmet_need" not in numbers.themes
    assert numbers.themes["access_barriers"] == {"2026-04": 1, "2026-05": 4}
    assert numbers.themes["competitor_landscape"] == {"2026-05": 1}


def test_counts_by_therapeutic_area_product_and_region(server: EmbeddedServer, filled: dict[str, Device]) -> None:
    numbers = report(server, "boss@example.org")
    areas = numbers.counts["therapeutic_area"]
    assert set(areas) == {"Oncology", "Cardiometabolic"}  # "haematology" reads as Oncology
    assert areas["Oncology"]["onc_biomarker_testing"] == {"2026-05": 3}
    assert areas["Cardiometabolic"]["safety_perception"] == {"2026-04": 3, "2026-05": 3}
    products = numbers.counts["product"]
    assert products["orvatinib"] == {"access_barriers": {"2026-05": 2}}
    assert products["zentrolimab"]["access_barriers"] == {"2026-04": 1, "2026-05": 2}
    regions = numbers.counts["region"]
    assert set(regions) == {"north", "south", "east"}
    assert regions["north"]["access_barriers"] == {"2026-04": 1, "2026-05": 2}
    assert regions["south"]["trial_design"] == {"2026-04": 2, "2026-05": 3}
    assert regions["east"] == {"safety_perception": {"2026-05": 3}, "onc_biomarker_testing": {"2026-05": 3}}
    assert numbers.values("region") == ["north", "south", "east"]  # by signals (7, 7, 6), then by name
    assert sum(row["count"] for row in numbers.rows() if row["dimension"] == "region") == numbers.signals


def test_a_sharp_rise_against_the_previous_period_is_flagged_as_emerging(server: EmbeddedServer, filled: dict[str, Device]) -> None:
    emerging = {item.theme: item for item in report(server, "boss@example.org").emerging}
    assert (emerging["access_barriers"].previous, emerging["access_barriers"].current, emerging["access_barriers"].emerging) == (1, 4, True)
    assert (emerging["onc_biomarker_testing"].previous, emerging["onc_biomarker_testing"].current, emerging["onc_biomarker_testing"].emerging) == (
        0,
        3,
        True,
    )
    assert emerging["safety_perception"].emerging is False  # steady
    assert emerging["trial_design"].emerging is False  # rising, but not twice as often
    assert emerging["competitor_landscape"].emerging is False  # one signal is not a trend
    assert emerging["access_barriers"].series == [0, 1, 4]
    flagged = [item.theme for item in report(server, "boss@example.org").emerging if item.emerging]
    assert flagged == ["access_barriers", "onc_biomarker_testing"]  # biggest rise first


def test_the_top_examples_are_the_most_echoed_and_say_different_things(server: EmbeddedServer, team: dict[str, Device]) -> None:
    ada, ben, cy = team["ada"], team["ben"], team["cy"]
    echoed = "Prior authorization for zentrolimab takes weeks and first requests are denied."
    push(ada, insight(ada, "access_barriers", "2026-05-02", text=echoed))
    push(
        ben, insight(ben, "access_barriers", "2026-05-03", text="Prior authorization for zentrolimab takes several weeks; first requests get denied.")
    )
    push(cy, insight(cy, "access_barriers", "2026-05-04", text="First requests for zentrolimab prior authorization are denied and it takes weeks."))
    push(
        cy,
        insight(
            cy, "access_barriers", "2026-05-05", text="The hospital formulary committee meets twice a year, so the drug waits months to be listed."
        ),
    )
    examples = report(server, "boss@example.org").examples["access_barriers"]
    assert examples[0].echoes == 2 and "prior authorization" in examples[0].text.lower()
    assert [example.rank for example in examples] == [1, 2]
    assert "formulary" in examples[1].text and examples[1].echoes == 0


def test_weeks_are_iso_weeks_and_an_administrator_sees_every_team(server: EmbeddedServer, filled: dict[str, Device]) -> None:
    server.create_user("admin@example.org", "Admin", role="admin")
    weekly = report(server, "boss@example.org", ReportParams(period="week", periods=4, as_of=date(2026, 5, 20)))
    assert weekly.periods == ["2026-W18", "2026-W19", "2026-W20", "2026-W21"]
    assert weekly.themes["safety_perception"] == {"2026-W20": 3}
    everyone = report(server, "admin@example.org")
    assert everyone.msls == 4 and "off_label_interest" in everyone.themes
    assert report(server, "rival@example.org").themes.keys() == {"off_label_interest"}


def test_an_msl_or_a_manager_without_a_team_gets_an_empty_report(server: EmbeddedServer, team: dict[str, Device]) -> None:
    server.create_user("lonely@example.org", "New Manager", role="manager")
    assert report(server, "lonely@example.org").reports == 0
    assert report(server, "ada@example.org").reports == 0
