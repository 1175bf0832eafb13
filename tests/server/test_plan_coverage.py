"""The medical plan on the manager's dashboard: how often each strategic imperative and listening priority was
served by filed interactions and spoken to by insights, by region and month, and which have no insight yet.

A manager's team of two MSLs in two territories, plus an MSL of another team, push
tagged records from real devices' point of view over loopback; the report for May
2026 (`as_of` 2026-05-20, three months) is checked count by count.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from itertools import count

import httpx
import pytest
from sqlmodel import Session, select

from liaison.server import medical_plan
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import User
from liaison.server.reports.periods import ReportParams
from liaison.server.reports.plan_coverage import PlanCoverage, plan_coverage
from liaison.server.web import auth
from tests.server.test_insights_report import push
from tests.server.test_manager_web import PASSWORD, sign_in
from tests.server.test_publish_plan import ADMIN, plan_document
from tests.server.test_routes import Device

MAY = ReportParams(period="month", periods=3, as_of=date(2026, 5, 20))
_ids = count(1)
NEVER_HEARD = ["SI-ONC-1", "SI-ONC-2", "LP-ONC-2", "SI-CM-1", "LP-CM-1", "SI-IMM-1", "LP-IMM-1", "LP-RD-1"]


def visit(device: Device, day: str, *codes: str, status: str = "submitted") -> dict:
    fields = {"hcp_id": "hcp-1", "occurred_at": f"{day}T09:00:00+00:00", "channel": "in_person", "status": status, "plan_items": list(codes)}
    return device.change("interaction", f"interaction-{next(_ids)}", fields)


def heard(device: Device, day: str, *codes: str, record_id: str | None = None, **extra: object) -> dict:
    fields = {"text": f"Heard on {day}.", "captured_at": f"{day}T10:00:00+00:00", "plan_items": list(codes), **extra}
    return device.change("insight", record_id or f"insight-{next(_ids)}", fields)


@pytest.fixture
def filled(server: EmbeddedServer) -> dict[str, Device]:
    server.create_user(ADMIN, "Medical affairs", role="admin")
    medical_plan.publish(server.engine, admin_email=ADMIN, document=plan_document(1))
    server.create_user("boss@example.org", "Grace Manager", role="manager")
    server.create_user("rival@example.org", "Other Manager", role="manager")
    ada = Device(server, "ada@example.org", territory="north", manager="boss@example.org")
    ben = Device(server, "ben@example.org", territory="south", manager="boss@example.org")
    zed = Device(server, "zed@example.org", territory="west", manager="rival@example.org")
    push(ada, visit(ada, "2026-05-02", "SI-ONC-1", "LP-ONC-1"), visit(ada, "2026-04-10", "SI-ONC-1"))
    push(ada, visit(ada, "2026-05-03", "SI-ONC-1", status="draft"))  # not filed: not counted
    push(ada, heard(ada, "2026-05-04", "LP-ONC-1"))
    push(ben, visit(ben, "2026-05-05", "SI-ONC-1", "SI-CM-1"), visit(ben, "2026-05-06"))
    push(ben, heard(ben, "2026-05-06", "LP-ONC-1", record_id="first"))
    push(ben, heard(ben, "2026-05-07", "LP-ONC-1", duplicate_of="first"))  # the same signal: once
    push(ben, heard(ben, "2026-05-08", "SI-OLD-9"))  # a code the plan no longer holds
    [gone] = push(ben, heard(ben, "2026-05-09", "SI-IMM-1"))
    push(ben, ben.change("insight", gone, {"deleted": True, "deleted_at": "2026-05-10T00:00:00+00:00"}))
    push(ben, heard(ben, "2026-01-05", "LP-CM-1"))  # before the window
    push(zed, heard(zed, "2026-05-01", "LP-RD-1"), visit(zed, "2026-05-01", "LP-RD-1"))  # another team
    return {"ada": ada, "ben": ben, "zed": zed}


def report(server: EmbeddedServer, email: str, params: ReportParams = MAY) -> PlanCoverage:
    with Session(server.engine) as session:
        viewer = session.exec(select(User).where(User.email == email)).one()
        return plan_coverage(session, viewer, medical_plan.current(session), params)


def test_each_imperative_and_listening_priority_is_counted_by_region_and_month(server: EmbeddedServer, filled: dict[str, Device]) -> None:
    numbers = report(server, "boss@example.org")
    assert numbers.plan_version == 1 and numbers.periods == ["2026-03", "2026-04", "2026-05"]
    items = {coverage.item.code: coverage for coverage in numbers.items}
    assert list(items) == ["SI-ONC-1", "SI-ONC-2", "LP-ONC-1", "LP-ONC-2", "SI-CM-1", "LP-CM-1", "SI-IMM-1", "LP-IMM-1", "LP-RD-1"]  # no KSS
    assert items["SI-ONC-1"].counts == {"interaction": {"north": {"2026-04": 1, "2026-05": 1}, "south": {"2026-05": 1}}, "insight": {}}
    assert items["LP-ONC-1"].counts == {"interaction": {"north": {"2026-05": 1}}, "insight": {"north": {"2026-05": 1}, "south": {"2026-05": 1}}}
    assert items["SI-CM-1"].counts == {"interaction": {"south": {"2026-05": 1}}, "insight": {}}
    assert items["LP-RD-1"].total("interaction") == items["LP-RD-1"].total("insight") == 0  # zed is another team's
    assert (items["SI-ONC-1"].by_period("interaction", "2026-05"), items["SI-ONC-1"].by_region("interaction", "north")) == (2, 2)
    assert numbers.regions == ["north", "south"]  # by tags (4, 3)
    assert numbers.other_tags == 1


def test_the_items_nobody_has_brought_back_an_insight_on_are_listed(server: EmbeddedServer, filled: dict[str, Device]) -> None:
    assert [item.code for item in report(server, "boss@example.org").without_insights] == NEVER_HEARD
    everyone = report(server, ADMIN)
    assert "LP-RD-1" not in [item.code for item in everyone.without_insights] and "west" in everyone.regions


def test_without_a_published_plan_the_section_says_so(server: EmbeddedServer) -> None:
    server.create_user("boss@example.org", "Grace Manager", role="manager")
    numbers = report(server, "boss@example.org")
    assert numbers.plan_version is None and numbers.items == [] and numbers.without_insights == []


def test_the_dashboard_and_its_exports_show_the_same_numbers_to_the_manager_only(server: EmbeddedServer, filled: dict[str, Device]) -> None:
    auth.set_password(server.engine, email="boss@example.org", password=PASSWORD)
    browser = httpx.Client(base_url=server.url)
    query = {"period": "month", "periods": "3", "as_of": "2026-05-20"}
    assert browser.get("/manager/medical-plan.csv", params=query).status_code == 401
    sign_in(browser, "boss@example.org", PASSWORD)
    page = browser.get("/manager/", params=query)
    assert page.status_code == 200 and "Medical plan" in page.text and "No insights yet" in page.text
    assert "<b>LP-RD-1</b> Time to diagnosis" in page.text and "Sequencing after an immunotherapy" in page.text

    document = browser.get("/manager/medical-plan.json", params=query).json()
    assert document["plan_version"] == 1 and document["without_insights"] == NEVER_HEARD
    assert {(row["code"], row["region"], row["period"], row["interactions"], row["insights"]) for row in document["counts"]} == {
        ("SI-ONC-1", "north", "2026-04", 1, 0),
        ("SI-ONC-1", "north", "2026-05", 1, 0),
        ("SI-ONC-1", "south", "2026-05", 1, 0),
        ("LP-ONC-1", "north", "2026-05", 1, 1),
        ("LP-ONC-1", "south", "2026-05", 0, 1),
        ("SI-CM-1", "south", "2026-05", 1, 0),
    }
    rows = list(csv.DictReader(io.StringIO(browser.get("/manager/medical-plan.csv", params=query).text)))
    assert len([row for row in rows if row["row"] == "count"]) == len(document["counts"])
    assert [row["code"] for row in rows if row["row"] == "no_insights"] == NEVER_HEARD

    ada = filled["ada"]
    refused = ada.client.get("/manager/medical-plan.csv", params=query)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
