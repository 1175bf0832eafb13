"""The data steward's web page on a real server: the queue with its duplicates, the decisions, and every role refused."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import Session

from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow
from liaison.server.web import auth
from tests.server.test_manager_web import PASSWORD, csrf_of, sign_in
from tests.server.test_steward_cli import pushed

STEWARD = "dora@example.org"


@pytest.fixture
def people(server: EmbeddedServer) -> EmbeddedServer:
    server.create_user("ada@example.org", "Ada", territory="north")
    for email, name, role in ((STEWARD, "Dora Steward", "data_steward"), ("boss@example.org", "Grace Manager", "manager")):
        server.create_user(email, name, role=role)
        auth.set_password(server.engine, email=email, password=PASSWORD)
    return server


def status_of(server: EmbeddedServer, hcp_id: str) -> object:
    with Session(server.engine) as session:
        row = session.get(RecordRow, ("hcp", hcp_id))
        assert row is not None
        return row.fields.get("master_status")


def test_a_steward_signs_in_to_the_queue_sees_the_duplicate_and_merges_into_it(people: EmbeddedServer) -> None:
    database = people.settings.database_url
    existing = pushed(database, {"name": "Dr Marie Curie", "city": "Paris"})
    request = pushed(database, {"name": "Prof. Marie Curie", "city": "PARIS", "master_status": "requested"})
    browser = httpx.Client(base_url=people.url)
    signed = sign_in(browser, STEWARD, PASSWORD)
    assert (signed.status_code, signed.headers["location"]) == (303, "/manager/")
    home = browser.get("/manager/")
    assert (home.status_code, home.headers["location"]) == (303, "/manager/hcp-requests"), "a steward's page is the queue"
    queue = browser.get("/manager/hcp-requests")
    assert queue.status_code == 200 and "Prof. Marie Curie" in queue.text and "same name and city" in queue.text and existing in queue.text
    assert browser.get("/manager/insights.json").status_code == 403, "a steward exports no reports"

    merged = browser.post(f"/manager/hcp-requests/{request}/merge", data={"csrf": csrf_of(queue), "into": existing})
    assert merged.status_code == 303 and status_of(people, request) == "merged"
    after = browser.get(merged.headers["location"])
    assert f"Merged {request} into {existing}" in after.text and "No HCP requests awaiting a decision" in after.text


def test_reject_needs_a_reason_and_a_form_from_elsewhere_is_refused(people: EmbeddedServer) -> None:
    request = pushed(people.settings.database_url, {"name": "Dr Waiting", "master_status": "requested"})
    browser = httpx.Client(base_url=people.url)
    sign_in(browser, STEWARD, PASSWORD)
    queue = browser.get("/manager/hcp-requests")
    assert browser.post(f"/manager/hcp-requests/{request}/approve", data={"csrf": "forged"}).status_code == 403
    blank = browser.post(f"/manager/hcp-requests/{request}/reject", data={"csrf": csrf_of(queue), "reason": " "})
    assert blank.status_code == 422 and "reason: say why" in blank.text
    done = browser.post(f"/manager/hcp-requests/{request}/reject", data={"csrf": csrf_of(queue), "reason": "A patient advocate"})
    assert done.status_code == 303 and status_of(people, request) == "rejected"


def test_a_manager_or_an_msl_cannot_see_the_queue_or_decide(people: EmbeddedServer) -> None:
    request = pushed(people.settings.database_url, {"name": "Dr Waiting", "master_status": "requested"})
    browser = httpx.Client(base_url=people.url)
    sign_in(browser, "boss@example.org", PASSWORD)
    dashboard = browser.get("/manager/")
    refused = browser.get("/manager/hcp-requests")
    assert refused.status_code == 403 and "only a data steward or an administrator" in refused.text
    posted = browser.post(f"/manager/hcp-requests/{request}/approve", data={"csrf": csrf_of(dashboard)})
    assert posted.status_code == 403 and status_of(people, request) == "requested"
    assert httpx.get(f"{people.url}/manager/hcp-requests").status_code == 303, "nobody signed in: to the sign-in page"
    assert re.search("Sign in", httpx.get(f"{people.url}/manager/login").text)
