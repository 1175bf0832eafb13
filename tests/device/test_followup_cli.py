"""`liaison followup list|done|reopen|due`: follow-up tasks from a shell, one task a line, ids printed, one-line errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from liaison.core.records.models import FollowUpTask, Hcp, Interaction
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.test_cli import Liaison, one_line_error

TODAY = date.today()


@pytest.fixture
def liaison(data_dir: Path) -> Liaison:
    """A store with one filed interaction that promised two things: one overdue, one due next week."""
    tool = Liaison(data_dir)
    tool("init")
    with Store.open(data_dir, PASSPHRASE) as store:
        hcp = store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True})
        promises = [
            {"text": "Send the renal data", "due": (TODAY - timedelta(days=2)).isoformat()},
            {"text": "Book the ad board", "due": (TODAY + timedelta(days=7)).isoformat()},
        ]
        data = {"hcp_id": hcp.id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": "MoA", "follow_ups": promises}
        store.repository.create_submitted(Interaction, data)
    return tool


def rows(result) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [line.split("\t") for line in result.stdout.splitlines()]


def test_list_prints_one_open_task_a_line_soonest_due_first(liaison: Liaison) -> None:
    listed = rows(liaison("followup", "list"))
    assert [row[1:] for row in listed] == [
        [(TODAY - timedelta(days=2)).isoformat(), "Dr Marie Curie", "Send the renal data", "overdue"],
        [(TODAY + timedelta(days=7)).isoformat(), "Dr Marie Curie", "Book the ad board", "open"],
    ]
    assert all(len(row[0]) == 36 for row in listed), "the first column is the task's id"


def test_overdue_lists_only_what_is_late(liaison: Liaison) -> None:
    assert [row[3] for row in rows(liaison("followup", "list", "--overdue"))] == ["Send the renal data"]


def test_done_ticks_one_off_prints_its_id_and_it_leaves_the_open_list(liaison: Liaison) -> None:
    late = rows(liaison("followup", "list", "--overdue"))[0][0]
    assert liaison("followup", "done", late).stdout.strip() == late
    assert [row[3] for row in rows(liaison("followup", "list"))] == ["Book the ad board"]
    assert [row[3:] for row in rows(liaison("followup", "list", "--all")) if row[0] == late] == [["Send the renal data", "done"]]
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        task, signed_in = store.repository.get(FollowUpTask, late), store.repository.actor.user
    assert task.done_by == signed_in and task.done_at is not None
    assert liaison("followup", "done", late).stdout.strip() == late, "ticking off twice is no error"


def test_reopen_and_a_new_due_date_print_the_id(liaison: Liaison) -> None:
    late = rows(liaison("followup", "list", "--overdue"))[0][0]
    liaison("followup", "done", late)
    assert liaison("followup", "reopen", late).stdout.strip() == late
    later = (TODAY + timedelta(days=30)).isoformat()
    assert liaison("followup", "due", late, later).stdout.strip() == late
    assert [row[1:] for row in rows(liaison("followup", "list")) if row[0] == late] == [[later, "Dr Marie Curie", "Send the renal data", "open"]]
    assert liaison("followup", "list", "--overdue").stdout == ""


def test_an_unknown_id_fails_in_one_line_with_exit_status_one(liaison: Liaison) -> None:
    result = liaison("followup", "done", "no-such-task", ok=False)
    assert result.exit_code == 1 and "follow-up no-such-task not found" in one_line_error(result)


def test_a_due_date_that_is_not_a_date_names_the_field(liaison: Liaison) -> None:
    late = rows(liaison("followup", "list"))[0][0]
    result = liaison("followup", "due", late, "next week", ok=False)
    assert result.exit_code == 1 and one_line_error(result).startswith("error: due: ")
