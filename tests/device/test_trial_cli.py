"""`liaison trial`: over-enrolment is warned about, never refused; an issue of a site's log closes and reopens, saying who and when."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from liaison.core.records.models import TrialSite
from liaison.device.store.models import OutboxEntry
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.test_cli import Liaison


@pytest.fixture
def liaison(data_dir: Path) -> Liaison:
    tool = Liaison(data_dir)
    tool("init")
    return tool


@pytest.fixture
def site_id(liaison: Liaison, data_dir: Path) -> str:
    with Store.open(data_dir, PASSPHRASE) as store:
        return store.repository.create(
            TrialSite,
            {
                "study": "ZEN-301",
                "protocol": "ZEN-301",
                "site_name": "Institut Curie",
                "enrolment_target": 10,
                "enrolment_actual": 4,
                "issues": [{"text": "Pharmacy not yet trained on IP handling", "opened": "2026-10-01", "closed": None}],
            },
        ).id


def site(data_dir: Path, site_id: str) -> TrialSite:
    with Store.open(data_dir, PASSPHRASE) as store:
        return store.repository.get(TrialSite, site_id)


def user(data_dir: Path) -> str:
    with Store.open(data_dir, PASSPHRASE) as store:
        return store.user


def test_enrolling_past_the_target_is_kept_and_warned_about(liaison: Liaison, data_dir: Path, site_id: str) -> None:
    result = liaison("trial", "update", site_id, "--enrolled", "500")
    assert result.stdout.strip().endswith("500/10")
    assert result.stderr.strip() == (
        "warning: ZEN-301 Institut Curie: Enrolled 500 is above the target of 10 (490 over): check the figure, and tell the study team if it is right"
    )
    assert site(data_dir, site_id).enrolment_actual == 500, "a real over-enrolment can happen: the figure is kept"
    assert "Enrolled 500 is above the target of 10" in liaison("trial", "list").stderr


def test_enrolment_within_the_target_says_nothing_more(liaison: Liaison, site_id: str) -> None:
    result = liaison("trial", "update", site_id, "--enrolled", "10")
    assert result.stderr == ""


def test_an_issue_closes_with_who_and_when_and_reopens(liaison: Liaison, data_dir: Path, site_id: str) -> None:
    assert liaison("trial", "issue", "close", site_id, "1").stdout.strip() == f"closed issue 1 of {site_id}"
    [issue] = site(data_dir, site_id).issues
    assert issue["closed_by"] == user(data_dir)
    assert issue["closed_at"].startswith(issue["closed"]), "when, to the second, beside the day the log shows"
    shown = liaison("trial", "show", site_id).stdout.splitlines()
    assert shown[1].startswith(f"1\tclosed {issue['closed_at']} by {issue['closed_by']}")

    liaison("trial", "issue", "reopen", site_id, "1")
    [issue] = site(data_dir, site_id).issues
    assert issue["closed"] is None and issue["closed_by"] is None
    assert issue["reopened_by"] == user(data_dir) and issue["reopened_at"]
    assert "1\topen\t2026-10-01\tPharmacy not yet trained on IP handling" in liaison("trial", "show", site_id).stdout


def test_closing_and_reopening_are_edits_that_sync_like_the_rest(liaison: Liaison, data_dir: Path, site_id: str) -> None:
    liaison("trial", "issue", "close", site_id, "1")
    with Store.open(data_dir, PASSPHRASE) as store, store.repository.session() as session:
        changes = list(session.exec(select(OutboxEntry).where(OutboxEntry.record_id == site_id).order_by(OutboxEntry.seq)))
    assert set(changes[-1].fields) == {"issues", "updated_at", "updated_by"}, "the issue log travels as one field, like any edit"
    assert changes[-1].fields["issues"][0]["closed_by"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("issue", "close", "{site}", "2"), "error: issue: site Institut Curie has no issue 2; its log holds 1"),
        (("issue", "reopen", "{site}", "1"), "error: issue: issue 1 is already open"),
        (("update", "{site}"), "error: ID: give at least one option to change, e.g. --enrolled 12"),
    ],
)
def test_mistakes_are_one_line_naming_what_is_wrong(liaison: Liaison, site_id: str, args: tuple[str, ...], message: str) -> None:
    result = liaison("trial", *(arg.format(site=site_id) for arg in args), ok=False)
    assert result.stderr.strip() == message
