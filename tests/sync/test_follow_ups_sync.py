"""Follow-up tasks across an MSL's two devices and a real server, driven through the CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from liaison.core.records.models import FollowUpTask, Hcp, Interaction
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.sync.test_two_devices import devices, liaison

__all__ = ["devices"]

DUE = date.today() - timedelta(days=1)


def file_a_promise(data_dir: Path) -> str:
    """A filed visit on this device that promised one thing, due yesterday; the task's id."""
    with Store.open(data_dir, PASSPHRASE) as store:
        hcp = store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True})
        promise = {"text": "Send the renal data", "due": DUE.isoformat()}
        data = {"hcp_id": hcp.id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": "MoA", "follow_ups": [promise]}
        store.repository.create_submitted(Interaction, data)
    [line] = liaison(data_dir, "followup", "list").splitlines()
    return line.split("\t")[0]


def on(data_dir: Path, task_id: str) -> FollowUpTask:
    with Store.open(data_dir, PASSPHRASE) as store:
        return store.repository.get(FollowUpTask, task_id)


def test_a_follow_up_ticked_off_on_the_tablet_shows_done_on_the_laptop(devices: tuple[Path, Path]) -> None:
    laptop, tablet = devices
    task_id = file_a_promise(laptop)
    liaison(laptop, "sync")
    liaison(tablet, "sync")
    assert liaison(tablet, "followup", "list", "--overdue").split("\t")[0] == task_id, "the task travelled with its interaction"
    assert liaison(tablet, "followup", "done", task_id) == task_id
    liaison(tablet, "sync")
    liaison(laptop, "sync")
    assert liaison(laptop, "followup", "list") == ""
    done = on(laptop, task_id)
    assert (done.status, done.done_by) == ("done", "ada@example.org") and done.done_at is not None
    assert done.interaction_id is not None and on(laptop, task_id).hcp_id == on(tablet, task_id).hcp_id


def test_a_new_due_date_on_one_device_and_a_tick_on_the_other_both_hold(devices: tuple[Path, Path]) -> None:
    laptop, tablet = devices
    task_id = file_a_promise(laptop)
    liaison(laptop, "sync")
    liaison(tablet, "sync")
    later = (date.today() + timedelta(days=10)).isoformat()
    liaison(laptop, "followup", "due", task_id, later)
    liaison(tablet, "followup", "done", task_id)
    for data_dir in (laptop, tablet, laptop):
        liaison(data_dir, "sync")
    for data_dir in (laptop, tablet):
        task = on(data_dir, task_id)
        assert (task.status, task.due) == ("done", date.fromisoformat(later)), data_dir.name
    assert liaison(laptop, "conflicts") == "" and liaison(tablet, "conflicts") == ""
