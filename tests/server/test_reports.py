"""The manager's adverse-event timeliness report: awareness to receipt, per event and per MSL, for their team only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, select

from liaison.core.rules.safety import ReportingWindow
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import ChangeLog
from liaison.server.settings import ServerSettings
from tests.server.test_routes import Device, error

NOW = datetime.now(UTC).replace(microsecond=0)


def adverse_event(
    device: Device,
    event_id: str,
    hours_ago: float,
    *,
    status: str = "submitted",
    product: str = "zentrolimab",
    device_deadline: timedelta = timedelta(hours=24),
) -> dict:
    aware = NOW - timedelta(hours=hours_ago)
    return device.change(
        "adverse_event",
        event_id,
        {
            "reporter": "Dr Curie",
            "aware_at": aware.isoformat(),
            "deadline_at": (aware + device_deadline).isoformat(),
            "product": product,
            "description": "Grade 3 rash",
            "seriousness": "serious",
            "status": status,
        },
    )


def first_filed(server: EmbeddedServer, event_id: str) -> datetime:
    with Session(server.engine) as session:
        rows = session.exec(select(ChangeLog).where(ChangeLog.record_id == event_id).order_by(ChangeLog.seq)).all()
    return next(row.received_at for row in rows if row.fields.get("status") == "submitted")


@pytest.fixture
def team(server: EmbeddedServer) -> dict[str, Device]:
    """A manager, two MSLs reporting to her, and an MSL of another team; each pushes adverse events."""
    people = {
        "mia": Device(server, "mia@example.org", role="manager"),
        "ada": Device(server, "ada@example.org", manager="mia@example.org"),
        "bob": Device(server, "bob@example.org", manager="mia@example.org"),
        "eve": Device(server, "eve@example.org", territory="south"),
    }
    assert people["ada"].push(adverse_event(people["ada"], "ae-on-time", 2), adverse_event(people["ada"], "ae-late", 30)).status_code == 200
    bob = people["bob"]
    assert bob.push(adverse_event(bob, "ae-draft", 1, status="draft"), adverse_event(bob, "ae-filed-later", 3, status="draft")).status_code == 200
    assert bob.push(bob.change("adverse_event", "ae-filed-later", {"status": "submitted"})).status_code == 200
    assert people["eve"].push(adverse_event(people["eve"], "ae-other-team", 5)).status_code == 200
    return people


def test_a_manager_sees_each_of_her_teams_events_with_hours_to_receipt_and_the_outcome(server: EmbeddedServer, team: dict[str, Device]) -> None:
    answer = team["mia"].client.get("/reports/ae-timeliness")
    assert answer.status_code == 200
    events = {event["event_id"]: event for event in answer.json()["events"]}
    assert set(events) == {"ae-on-time", "ae-late", "ae-draft", "ae-filed-later"}, "nothing of another team"

    on_time = events["ae-on-time"]
    received = first_filed(server, "ae-on-time")
    assert (on_time["msl_email"], on_time["product"], on_time["seriousness"], on_time["outcome"]) == (
        "ada@example.org",
        "zentrolimab",
        "serious",
        "on time",
    )
    assert datetime.fromisoformat(on_time["received_at"]) == received
    assert on_time["hours_to_receipt"] == round((received - (NOW - timedelta(hours=2))).total_seconds() / 3600, 1)
    assert events["ae-late"]["outcome"] == "late" and events["ae-late"]["hours_to_receipt"] >= 30
    assert events["ae-draft"]["received_at"] is None and events["ae-draft"]["outcome"] == "pending", "a synced draft is not a report yet"
    assert datetime.fromisoformat(events["ae-filed-later"]["received_at"]) == first_filed(server, "ae-filed-later"), (
        "received when it arrived as filed"
    )


def test_per_msl_counts_median_and_worst_hours_and_how_many_were_late(team: dict[str, Device]) -> None:
    msls = {row["msl_email"]: row for row in team["mia"].client.get("/reports/ae-timeliness").json()["msls"]}
    assert set(msls) == {"ada@example.org", "bob@example.org"}
    events = {event["event_id"]: event for event in team["mia"].client.get("/reports/ae-timeliness").json()["events"]}
    ada = msls["ada@example.org"]
    hours = sorted([events["ae-on-time"]["hours_to_receipt"], events["ae-late"]["hours_to_receipt"]])
    assert (ada["events"], ada["received"], ada["late"]) == (2, 2, 1)
    assert ada["median_hours"] == round(sum(hours) / 2, 1) and ada["worst_hours"] == hours[-1]
    bob = msls["bob@example.org"]
    assert (bob["events"], bob["received"], bob["late"], bob["worst_hours"]) == (2, 1, 0, events["ae-filed-later"]["hours_to_receipt"])


def test_csv_gives_one_row_per_event_or_per_msl(team: dict[str, Device]) -> None:
    answer = team["mia"].client.get("/reports/ae-timeliness", params={"format": "csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert {row["event_id"] for row in rows} == {"ae-on-time", "ae-late", "ae-draft", "ae-filed-later"}
    assert {row["outcome"] for row in rows} == {"on time", "late", "pending"}
    assert next(row for row in rows if row["event_id"] == "ae-draft")["received_at"] == ""
    per_msl = list(csv.DictReader(io.StringIO(team["mia"].client.get("/reports/ae-timeliness", params={"format": "csv", "by": "msl"}).text)))
    assert [(row["msl_email"], row["events"], row["late"]) for row in per_msl] == [("ada@example.org", "2", "1"), ("bob@example.org", "2", "0")]


def test_an_administrator_sees_every_team(server: EmbeddedServer, team: dict[str, Device]) -> None:
    admin = Device(server, "root@example.org", role="admin", territory=None)
    events = {event["event_id"] for event in admin.client.get("/reports/ae-timeliness").json()["events"]}
    assert "ae-other-team" in events and "ae-on-time" in events


def test_an_msl_is_refused_and_so_is_a_request_without_a_token(server: EmbeddedServer, team: dict[str, Device]) -> None:
    refused = team["ada"].client.get("/reports/ae-timeliness")
    assert refused.status_code == 403 and error(refused)["code"] == "forbidden"
    assert httpx.get(f"{server.url}/reports/ae-timeliness").status_code == 401


def test_a_manager_with_no_team_gets_an_empty_report_and_a_bad_format_is_named(server: EmbeddedServer) -> None:
    lonely = Device(server, "lonely@example.org", role="manager")
    assert lonely.client.get("/reports/ae-timeliness").json()["events"] == []
    answer = lonely.client.get("/reports/ae-timeliness", params={"format": "xml"})
    assert answer.status_code == 422 and "format" in error(answer)["message"]


def test_the_deadline_is_the_servers_whatever_deadline_the_device_stored(server: EmbeddedServer) -> None:
    """An event filed 30 days after awareness is late, though its device said it had ten years; one with a too-early device deadline is on time."""
    Device(server, "mia@example.org", role="manager")
    ada = Device(server, "ada@example.org", manager="mia@example.org")
    assert (
        ada.push(
            adverse_event(ada, "ae-a-month-late", 30 * 24, device_deadline=timedelta(days=3650)),
            adverse_event(ada, "ae-prompt", 2, device_deadline=timedelta(minutes=1)),
        ).status_code
        == 200
    )
    mia = Device(server, "mia@example.org", name="tablet")
    events = {event["event_id"]: event for event in mia.client.get("/reports/ae-timeliness").json()["events"]}
    late, prompt = events["ae-a-month-late"], events["ae-prompt"]
    assert late["outcome"] == "late"
    assert datetime.fromisoformat(late["deadline_at"]) == datetime.fromisoformat(late["aware_at"]) + timedelta(hours=24)
    assert datetime.fromisoformat(late["device_deadline_at"]) - datetime.fromisoformat(late["aware_at"]) == timedelta(days=3650), "shown, not used"
    assert prompt["outcome"] == "on time"
    rows = {row["event_id"]: row for row in csv.DictReader(io.StringIO(mia.client.get("/reports/ae-timeliness", params={"format": "csv"}).text))}
    assert rows["ae-a-month-late"]["outcome"] == "late"


def test_the_window_is_the_servers_configured_policy(server: EmbeddedServer, team: dict[str, Device]) -> None:
    server.app.state.settings = server.app.state.settings.with_overrides(ae_window_hours=48)
    events = {event["event_id"]: event for event in team["mia"].client.get("/reports/ae-timeliness").json()["events"]}
    assert events["ae-late"]["outcome"] == "on time", "30 hours is within a 48-hour window"
    dashboard_rows = team["mia"].client.get("/manager/ae-timeliness.json").json()["events"]
    assert {row["event_id"]: row["outcome"] for row in dashboard_rows}["ae-late"] == "on time"


def test_the_servers_policy_is_the_apps_setting_read_from_the_same_environment() -> None:
    assert ServerSettings.from_env({}).ae_window == ReportingWindow(hours=24)
    business = ServerSettings.from_env({"LIAISON_AE_WINDOW_BUSINESS_DAYS": "3", "LIAISON_TIMEZONE": "Europe/Paris"})
    assert business.ae_window == ReportingWindow(hours=None, business_days=3, holidays_country="US") and str(business.ae_timezone) == "Europe/Paris"
    assert ServerSettings.from_env({"LIAISON_AE_WINDOW_HOURS": "12"}).ae_window == ReportingWindow(hours=12)


def test_the_server_counts_business_days_without_public_holidays_whatever_the_device_says(server: EmbeddedServer, team: dict[str, Device]) -> None:
    server.app.state.settings = server.app.state.settings.with_overrides(
        ae_window_business_days=1, timezone="America/New_York", holidays_country="US"
    )
    ada = team["ada"]
    before_thanksgiving = datetime(2026, 11, 25, 10, 0, tzinfo=UTC) + timedelta(hours=5)  # 10:00 in New York
    event = ada.change(
        "adverse_event",
        "ae-thanksgiving",
        {
            "reporter": "Dr Curie",
            "aware_at": before_thanksgiving.isoformat(),
            "deadline_at": (before_thanksgiving + timedelta(days=1)).isoformat(),
            "product": "zentrolimab",
            "description": "Grade 3 rash",
            "seriousness": "serious",
            "status": "submitted",
        },
    )
    assert ada.push(event).status_code == 200
    events = {item["event_id"]: item for item in team["mia"].client.get("/reports/ae-timeliness").json()["events"]}
    assert datetime.fromisoformat(events["ae-thanksgiving"]["deadline_at"]) == before_thanksgiving + timedelta(days=2), (
        "Thanksgiving is no business day"
    )
