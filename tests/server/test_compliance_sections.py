"""The dashboard's compliance sections: adverse-event timeliness and guard overrides, for the manager's team only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import httpx
import pytest

from liaison.server.embedded import EmbeddedServer
from liaison.server.web import auth
from tests.server.test_manager_web import sign_in
from tests.server.test_reports import team  # noqa: F401  (the fixture: mia manages ada and bob; eve is elsewhere)
from tests.server.test_routes import Device

PASSWORD = "a manager's long passphrase"


def override(device: Device, override_id: str, justification: str) -> dict:
    return device.change(
        "compliance_override",
        override_id,
        {
            "subject_table": "interaction",
            "subject_id": f"int-{override_id}",
            "findings": [
                {
                    "field": "notes",
                    "rule_id": "SUP-001",
                    "category": "superlative",
                    "phrase": "best-in-class",
                    "reason": "An unsupported superlative.",
                }
            ],
            "justification": justification,
            "overridden_at": datetime.now(UTC).isoformat(),
        },
    )


@pytest.fixture
def manager(server: EmbeddedServer, team: dict[str, Device]) -> httpx.Client:  # noqa: F811
    ada, eve = team["ada"], team["eve"]
    assert ada.push(override(ada, "ov-ada", "The HCP quoted the journal's own headline; I recorded it verbatim.")).status_code == 200
    assert eve.push(override(eve, "ov-eve", "Another team's reason that the manager must not read.")).status_code == 200
    auth.set_password(server.engine, email="mia@example.org", password=PASSWORD)
    client = httpx.Client(base_url=server.url)
    assert sign_in(client, "mia@example.org", PASSWORD).status_code in (200, 303)
    return client


def test_the_dashboard_shows_late_adverse_events_and_overrides_of_the_team(manager: httpx.Client) -> None:
    page = manager.get("/manager/", follow_redirects=True)
    assert page.status_code == 200
    assert "Adverse-event timeliness" in page.text and "Compliance overrides" in page.text
    assert "<span class=flag>late</span>" in page.text, "an overdue report is flagged"
    assert "recorded it verbatim" in page.text and "best-in-class" in page.text
    assert "must not read" not in page.text


def test_the_compliance_sections_export_the_same_numbers(manager: httpx.Client) -> None:
    events = manager.get("/manager/ae-timeliness.json").json()["events"]
    assert {event["event_id"] for event in events} == {"ae-on-time", "ae-late", "ae-draft", "ae-filed-later"}
    assert {event["event_id"]: event["outcome"] for event in events}["ae-late"] == "late"

    rows = list(csv.DictReader(io.StringIO(manager.get("/manager/overrides.csv").text)))
    assert [(row["override_id"], row["rule_id"], row["msl_email"]) for row in rows] == [("ov-ada", "SUP-001", "ada@example.org")]


def test_what_an_msl_typed_reaches_the_manager_as_text_never_as_markup(server: EmbeddedServer, team: dict[str, Device]) -> None:  # noqa: F811
    ada = team["ada"]
    typed = '</blockquote><script>alert("owned")</script>'
    assert ada.push(override(ada, "ov-script", typed)).status_code == 200
    auth.set_password(server.engine, email="mia@example.org", password=PASSWORD)
    client = httpx.Client(base_url=server.url)
    assert sign_in(client, "mia@example.org", PASSWORD).status_code in (200, 303)
    page = client.get("/manager/", follow_redirects=True)
    assert page.status_code == 200 and "<script" not in page.text
    assert "&lt;/blockquote&gt;&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in page.text
