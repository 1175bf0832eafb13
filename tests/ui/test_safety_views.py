"""Home and Safety count down adverse-event deadlines in escalating colours; the app reminds as they get louder.

Built over a real store without a browser, as `test_views.py` does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import flet as ft
import pytest
from sqlmodel import select

from app.domain.reminders import Reminder
from app.domain.safety import Urgency
from app.store.models import AdverseEvent, OutboxEntry
from app.store.store import Store
from app.ui.components.deadline import COLOURS, REPORTED, DeadlineBadge
from app.ui.components.reminders import DeadlineWatch, banner
from tests.ui.driver import (
    Session,
    click,
    error_of,
    labelled,
    shows,
    texts,
    type_in,
    walk,
)


@pytest.fixture
def ui(territory_store: Store, data_dir: Path) -> Session:
    return Session.over(territory_store, data_dir)


def report(store: Store, product: str, hours_ago: float, *, sent: bool = False) -> AdverseEvent:
    """A filed event the MSL heard of `hours_ago`; `sent` as if the server had acknowledged it."""
    repository = store.repository
    event = repository.create(
        AdverseEvent,
        {"reporter": "Nurse", "aware_at": datetime.now(UTC) - timedelta(hours=hours_ago), "product": product, "description": f"{product} event", "patient_initials": "AB"},
    )
    repository.submit(AdverseEvent, event.id)
    if sent:
        with repository.session() as session:
            repository.acknowledge([entry.change_id for entry in session.exec(select(OutboxEntry).where(OutboxEntry.record_id == event.id))])
    return repository.get(AdverseEvent, event.id)


def countdown_of(view: ft.Control, product: str) -> DeadlineBadge:
    """The badge in the list entry titled with this product."""
    for control in walk(view):
        if isinstance(control, ft.ListTile) and isinstance(control.title, ft.Text) and str(control.title.value).startswith(f"{product}:"):
            [found] = [item for item in walk(control.subtitle) if isinstance(item, DeadlineBadge)]
            return found
    raise AssertionError(f"no entry for {product}")


def test_home_lists_what_is_still_to_report_each_in_the_colour_of_its_level(ui: Session, territory_store: Store) -> None:
    report(territory_store, "calmdrug", 1)
    report(territory_store, "soondrug", 13)
    report(territory_store, "hurrydrug", 20)
    report(territory_store, "latedrug", 30)
    report(territory_store, "sentdrug", 30, sent=True)
    view = ui.screen("Home")

    levels = {product: countdown_of(view, product) for product in ("calmdrug", "soondrug", "hurrydrug", "latedrug")}
    assert str(levels["calmdrug"].value).startswith("On track · due in 22 h") and levels["calmdrug"].color == COLOURS[Urgency.ON_TRACK]
    assert str(levels["soondrug"].value).startswith("Due soon · due in 10 h") and levels["soondrug"].color == COLOURS[Urgency.DUE_SOON]
    assert str(levels["hurrydrug"].value).startswith("Urgent · due in 3 h") and levels["hurrydrug"].weight == ft.FontWeight.BOLD
    assert str(levels["latedrug"].value).startswith("overdue by 6 h") and levels["latedrug"].color == ft.Colors.ERROR
    assert all(str(badge.value).lower().startswith(("on track", "due soon", "urgent", "overdue")) for badge in levels.values()), "the level is in the words, not only the colour"
    assert not shows(view, "sentdrug"), "a report that reached the server no longer counts down"


def test_safety_shows_a_report_that_reached_the_server_as_made(ui: Session, territory_store: Store) -> None:
    report(territory_store, "sentdrug", 30, sent=True)
    report(territory_store, "latedrug", 30)
    view = ui.screen("Safety")
    assert countdown_of(view, "sentdrug").value == REPORTED
    assert str(countdown_of(view, "latedrug").value).startswith("overdue by")


def test_likely_identifiers_in_the_description_are_warned_about_beside_it_and_do_not_block(ui: Session, territory_store: Store) -> None:
    view = ui.screen("Safety")
    type_in(view, "Event description", "Maria Lopez fainted; call her son on 0171 496 0000")
    warnings = [line for line in texts(view) if "looks like" in line]
    assert warnings == [
        "“Maria Lopez” looks like a person's name: use the patient's initials instead",
        "“0171 496 0000” looks like a phone or record number: keep it out of the report",
    ]
    type_in(view, "Event description", "ML fainted after the second dose")
    assert not any("looks like" in line for line in texts(view)), "the warning goes once the text is fixed"

    type_in(view, "Event description", "Maria Lopez fainted after the second dose")
    type_in(view, "Reporter", "Dr Rosalind Franklin")
    type_in(view, "Product", "zentrolimab")
    click(view, "Report adverse event")
    assert ui.notices[-1].startswith("Adverse event reported"), "a warning, never a block"


def test_an_awareness_time_in_the_future_is_refused_beside_the_field(ui: Session) -> None:
    view = ui.screen("Safety")
    type_in(view, "Reporter", "Dr Rosalind Franklin")
    type_in(view, "Product", "zentrolimab")
    type_in(view, "Event description", "Rash")
    type_in(view, "Became aware at", (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"))
    click(view, "Report adverse event")
    assert error_of(view, "Became aware at") == "is in the future; give the moment you became aware"
    assert labelled(view, "Became aware at").value, "what was typed stays"


def test_the_watch_moves_countdowns_in_place_and_announces_each_climb_once(ui: Session, territory_store: Store) -> None:
    event = report(territory_store, "watchdrug", 11)
    heard: list[list[Reminder]] = []
    watch = DeadlineWatch(ui.ctx, heard.append)
    view = ui.screen("Home")
    badge = countdown_of(view, "watchdrug")
    aware = event.aware_at

    def mine(found: list[Reminder]) -> list[Urgency]:
        return [item.level for item in found if item.event_id == event.id]

    assert mine(watch.tick(aware + timedelta(hours=11))) == []
    assert mine(watch.tick(aware + timedelta(hours=12, minutes=30))) == [Urgency.DUE_SOON]
    assert str(badge.value).startswith("Due soon · due in 11 h 30 min"), "the badge on screen moved without a rebuild"
    assert mine(watch.tick(aware + timedelta(hours=13))) == [], "no nagging twice for the same level"
    assert mine(watch.tick(aware + timedelta(hours=25))) == [Urgency.OVERDUE]
    assert str(badge.value) == "overdue by 1 h 0 min" and badge.color == ft.Colors.ERROR
    assert heard and all(found for found in heard), "announced only when something climbed"

    shown = banner(heard[-1], lambda event_id: ui.ctx.navigate("Safety", ae_id=event_id))
    loudest = territory_store.repository.get(AdverseEvent, heard[-1][0].event_id)
    assert isinstance(shown.content, ft.Text) and f"({loudest.product}) is overdue" in str(shown.content.value), "the banner names the event"
    assert isinstance(shown.action, ft.SnackBarAction) and shown.action.label == "Open report"
    shown.action.on_click(None)  # type: ignore[misc, arg-type]
    assert ui.last_visit == ("Safety", {"ae_id": loudest.id}), "the banner opens the event it names"


def test_the_watch_is_silent_once_the_store_is_locked(ui: Session, territory_store: Store) -> None:
    report(territory_store, "latedrug", 30)
    watch = DeadlineWatch(ui.ctx, lambda found: pytest.fail("must not announce"))
    ui.ctx.store = None
    assert watch.tick() == []
