"""Follow-ups on Home and in their own list, without a browser: overdue ones marked, ticked off in place, moved, and traced back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import flet as ft
import pytest

from liaison.core.records.models import FollowUpTask, Hcp, Interaction
from liaison.device.store import queries
from liaison.device.store.store import Store
from liaison.device.ui.components.follow_up import OVERDUE
from liaison.device.ui.screens import follow_ups
from tests.device.ui.driver import Session, button, click, fire, labelled, shows, texts, walk


@pytest.fixture
def ui(store: Store, data_dir: Path) -> Session:
    return Session.over(store, data_dir)


@pytest.fixture
def promised(store: Store) -> Interaction:
    """A filed visit to Dr Curie that promised one thing two days ago and one for next week."""
    today = queries.local_today(store.repository.local_tz)
    hcp = store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True})
    promises = [
        {"text": "Send the renal data", "due": (today - timedelta(days=2)).isoformat()},
        {"text": "Book the ad board", "due": (today + timedelta(days=5)).isoformat()},
    ]
    data = {"hcp_id": hcp.id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": "MoA", "follow_ups": promises}
    return store.repository.create_submitted(Interaction, data)


def task(store: Store, text: str) -> FollowUpTask:
    with store.repository.session() as session:
        [found] = [item for item in queries.follow_ups(session, open_only=False) if item.text == text]
    return found


def red_lines(view: ft.Control) -> list[str]:
    return [str(control.value) for control in walk(view) if isinstance(control, ft.Text) and control.color == ft.Colors.ERROR]


def test_home_lists_follow_ups_due_with_the_overdue_one_marked_in_red(ui: Session, promised: Interaction) -> None:
    view = ui.screen("Home")
    assert labelled(view, "Send the renal data").value is False and labelled(view, "Book the ad board").value is False
    [late] = red_lines(view)
    assert late.startswith(f"{OVERDUE} · Dr Marie Curie · due ")
    assert not any(line.startswith(OVERDUE) for line in texts(view) if "Book" in line)


def test_ticking_one_off_on_home_marks_it_done_by_the_msl_and_it_leaves_the_list(ui: Session, store: Store, promised: Interaction) -> None:
    view = ui.screen("Home")
    box = labelled(view, "Send the renal data")
    box.value = True
    fire(box, "on_change")
    done = task(store, "Send the renal data")
    assert (done.status, done.done_by) == ("done", store.repository.actor.user)
    assert ui.notices[-1] == "Done: Send the renal data" and ui.last_visit == ("Home", {})
    again = ui.follow()
    assert not shows(again, "Send the renal data") and red_lines(again) == []


def test_the_follow_ups_list_is_reachable_from_home_and_leads_back_to_the_interaction(ui: Session, promised: Interaction) -> None:
    click(ui.screen("Home"), "All follow-ups")
    assert ui.last_visit == ("Follow-ups", {})
    listing = ui.follow()
    assert shows(listing, "Overdue") and labelled(listing, "Send the renal data")
    back = _open_buttons(listing)
    assert len(back) == 2, "each task leads back to where it came from"
    fire(back[0], "on_click")
    assert ui.last_visit == ("Interactions", {"open_id": promised.id})


def _open_buttons(view: ft.Control) -> list[ft.IconButton]:
    return [control for control in walk(view) if isinstance(control, ft.IconButton) and control.tooltip == "Open the interaction"]


def test_the_interaction_shows_its_follow_ups_and_ticks_them_off_where_it_stands(ui: Session, store: Store, promised: Interaction) -> None:
    detail = ui.screen("Interactions", open_id=promised.id)
    assert shows(detail, "Follow-ups") and _open_buttons(detail) == [], "no way back to where one already is"
    box = labelled(detail, "Book the ad board")
    box.value = True
    fire(box, "on_change")
    assert task(store, "Book the ad board").status == "done" and ui.last_visit == ("Interactions", {"open_id": promised.id})
    assert labelled(ui.follow(), "Book the ad board").value is True


def test_a_done_follow_up_is_listed_as_done_and_can_be_reopened(ui: Session, store: Store, promised: Interaction) -> None:
    store.repository.complete_follow_up(task(store, "Send the renal data").id)
    listing = ui.screen("Follow-ups")
    box = labelled(listing, "Send the renal data")
    assert box.value is True and shows(listing, "done ")
    box.value = False
    fire(box, "on_change")
    assert task(store, "Send the renal data").status == "open" and ui.notices[-1] == "Open again: Send the renal data"


def test_a_new_due_date_is_picked_and_written(ui: Session, store: Store, promised: Interaction) -> None:
    listing = ui.screen("Follow-ups")
    click(listing, "Change the due date of Book the ad board")
    [picker] = ui.dialogs
    assert isinstance(picker, ft.DatePicker)
    picker.value = datetime(2027, 1, 15, 12, 0)
    fire(picker, "on_change")
    assert task(store, "Book the ad board").due == date(2027, 1, 15)
    assert ui.notices[-1] == f"Now due {ui.ctx.display.date_text(date(2027, 1, 15))}: Book the ad board"


def test_with_nothing_due_home_says_so_and_still_offers_the_list(ui: Session) -> None:
    view = ui.screen("Home")
    assert shows(view, "Nothing due this week.") and button(view, "All follow-ups")
    assert shows(follow_ups.build(ui.ctx), "No open follow-ups.")
