"""Home and Safety count down adverse-event deadlines in escalating colours; the app reminds as they get louder.

Built over a real store without a browser, as `test_views.py` does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import flet as ft
import pytest
from sqlmodel import select

from liaison.core.records.models import AdverseEvent, Amendment
from liaison.core.rules.safety import Urgency
from liaison.device.domain.reminders import Reminder
from liaison.device.locale import Display
from liaison.device.store.models import OutboxEntry
from liaison.device.store.store import Store
from liaison.device.ui.components.deadline import COLOURS, REPORTED, DeadlineBadge
from liaison.device.ui.components.reminders import DeadlineWatch, banner
from tests.device.ui.driver import (
    Session,
    choose,
    click,
    error_of,
    labelled,
    shows,
    texts,
    tick,
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
        {
            "reporter": "Nurse",
            "aware_at": datetime.now(UTC) - timedelta(hours=hours_ago),
            "product": product,
            "description": f"{product} event",
            "patient_initials": "AB",
        },
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
    assert all(str(badge.value).lower().startswith(("on track", "due soon", "urgent", "overdue")) for badge in levels.values()), (
        "the level is in the words, not only the colour"
    )
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


# --- opening, completing and following up an event -------------------------------------


def drafted(store: Store, product: str = "draftdrug") -> AdverseEvent:
    """A draft the MSL saved an hour ago with only the minimum filled in."""
    return store.repository.create(
        AdverseEvent,
        {
            "reporter": "Nurse Jones",
            "aware_at": datetime.now(UTC) - timedelta(hours=1),
            "product": product,
            "description": "Dizziness",
            "patient_initials": "AB",
        },
    )


def entry(view: ft.Control, product: str) -> ft.ListTile:
    [found] = [
        item
        for item in walk(view)
        if isinstance(item, ft.ListTile) and isinstance(item.title, ft.Text) and str(item.title.value).startswith(f"{product}:")
    ]
    return found


def test_every_event_in_the_safety_list_opens(ui: Session, territory_store: Store) -> None:
    draft, filed = drafted(territory_store), report(territory_store, "fileddrug", 2)
    view = ui.screen("Safety")
    for event in (draft, filed):
        entry(view, event.product).on_click(None)  # type: ignore[misc, arg-type]
        assert ui.last_visit == ("Safety", {"ae_id": event.id})
    assert all(tile.on_click for tile in walk(view) if isinstance(tile, ft.ListTile)), "no entry without something to click"


def test_a_draft_opens_filled_in_is_completed_saved_again_and_reported(ui: Session, territory_store: Store) -> None:
    event = drafted(territory_store)
    view = ui.screen("Safety", ae_id=event.id)
    assert shows(view, "Complete the draft adverse event")
    assert (labelled(view, "Reporter").value, labelled(view, "Product").value, labelled(view, "Event description").value) == (
        "Nurse Jones",
        "draftdrug",
        "Dizziness",
    )
    assert labelled(view, "Became aware at").value == event.aware_at.astimezone().strftime("%Y-%m-%d %H:%M"), "a draft keeps its own awareness time"

    type_in(view, "Onset date", (date.today() - timedelta(days=3)).isoformat())
    choose(view, "Outcome", "recovering")
    tick(view, "Hospitalisation or its prolongation")
    type_in(view, "Concomitant medication", "metformin 500 mg twice daily")
    type_in(view, "Reporter's contact", "ward 4, ext 2231")
    click(view, "Save draft")
    saved = territory_store.repository.get(AdverseEvent, event.id)
    assert (saved.status, saved.outcome, saved.seriousness, saved.seriousness_criteria) == ("draft", "recovering", "serious", ["hospitalisation"])
    assert saved.aware_at == event.aware_at, "an awareness time left as shown is not moved to the minute"
    assert ui.last_visit == ("Safety", {}) and ui.notices[-1].startswith("Draft adverse event saved")

    view = ui.screen("Safety", ae_id=event.id)
    assert (
        labelled(view, "Concomitant medication").value == "metformin 500 mg twice daily"
        and labelled(view, "Hospitalisation or its prolongation").value is True
    )
    click(view, "Report adverse event")
    filed = territory_store.repository.get(AdverseEvent, event.id)
    assert filed.status == "submitted" and filed.reporter_contact == "ward 4, ext 2231"
    assert ui.last_visit == ("Safety", {"ae_id": event.id}) and ui.notices[-1].startswith("Adverse event reported")


def test_a_rule_the_draft_breaks_is_shown_beside_the_field_and_nothing_typed_is_lost(ui: Session, territory_store: Store) -> None:
    event = drafted(territory_store)
    view = ui.screen("Safety", ae_id=event.id)
    type_in(view, "Onset date", (date.today() + timedelta(days=3)).isoformat())
    click(view, "Report adverse event")
    assert error_of(view, "Onset date") == "is after the moment you became aware; the event began before you heard of it"
    type_in(view, "Onset date", "")
    choose(view, "Seriousness", "serious")
    click(view, "Report adverse event")
    assert shows(view, "a serious event names at least one seriousness criterion (e.g. hospitalisation)"), "said under the criteria"
    assert territory_store.repository.get(AdverseEvent, event.id).status == "draft"
    assert labelled(view, "Seriousness").value == "serious"


def test_a_filed_event_opens_read_only_and_takes_follow_up_information_as_an_amendment(ui: Session, territory_store: Store) -> None:
    event = report(territory_store, "fileddrug", 2)
    view = ui.screen("Safety", ae_id=event.id)
    assert shows(view, "fileddrug: adverse event, submitted") and shows(view, "Reporter: Nurse")
    assert not [item for item in walk(view) if getattr(item, "label", None) == "Reporter"], "what was filed is not editable"
    assert shows(view, "None added yet.")

    choose(view, "Outcome", "recovered")
    click(view, "Add follow-up information")
    assert error_of(view, "Source of the new information") == "say where the new information came from"
    type_in(view, "Source of the new information", "call with the ward nurse")
    click(view, "Add follow-up information")
    assert territory_store.repository.get(AdverseEvent, event.id).outcome is None, "the report stays as filed"
    with territory_store.repository.session() as session:
        [amendment] = session.exec(select(Amendment).where(Amendment.subject_id == event.id)).all()
        [queued] = session.exec(select(OutboxEntry).where(OutboxEntry.record_id == amendment.id)).all()
    assert (amendment.changes, amendment.reason, queued.priority) == ({"outcome": "recovered"}, "call with the ward nurse", 0)
    assert ui.last_visit == ("Safety", {"ae_id": event.id}) and ui.notices[-1].startswith("Follow-up information added")

    view = ui.screen("Safety", ae_id=event.id)
    assert shows(view, ": call with the ward nurse") and shows(view, "Outcome: Recovered/resolved")
    type_in(view, "Source of the new information", "the nurse again")
    click(view, "Add follow-up information")
    assert shows(view, "changes: nothing differs from the adverse event as it stands; give at least one new value")


def test_a_filed_event_takes_its_case_reference_in_place(ui: Session, territory_store: Store) -> None:
    event = report(territory_store, "fileddrug", 2)
    view = ui.screen("Safety", ae_id=event.id)
    labelled(view, "Case reference").value = "PV-2026-000042"
    click(view, "Save case reference")
    assert territory_store.repository.get(AdverseEvent, event.id).case_reference == "PV-2026-000042"
    assert labelled(ui.screen("Safety", ae_id=event.id), "Case reference").value == "PV-2026-000042"
    labelled(view, "Case reference").value = "x" * 65
    click(view, "Save case reference")
    assert error_of(view, "Case reference") == "keep it to 64 characters or fewer (this has 65)"


# --- what Flet needs, and what "now" means ------------------------------------------------


def screens(ui: Session, territory_store: Store) -> list[tuple[str, ft.Control]]:
    """Every destination, plus an opened draft and an opened filed event."""
    from liaison.device.ui.screens import registry

    built = [(name, ui.screen(name)) for name in [*registry.DESTINATIONS, "Log interaction"]]
    built.append(("an opened draft", ui.screen("Safety", ae_id=drafted(territory_store).id)))
    built.append(("a filed event", ui.screen("Safety", ae_id=report(territory_store, "fileddrug", 2).id)))
    return built


def test_every_semantics_node_wraps_content_that_is_there_and_visible(ui: Session, territory_store: Store) -> None:
    """Flet 1.0's client draws "Semantics.content must be provided and visible" in red where one does not."""
    for name, view in screens(ui, territory_store):
        for control in walk(view):
            if isinstance(control, ft.Semantics):
                assert isinstance(control.content, ft.Control) and control.content.visible is not False, (
                    f"{name}: a Semantics node around nothing visible"
                )
    view = ui.screen("Safety")
    type_in(view, "Event description", "Maria Lopez fainted")
    type_in(view, "Event description", "ML fainted")
    assert all(control.content.visible is not False for control in walk(view) if isinstance(control, ft.Semantics)), "nor once the warnings went"


class Clock:
    """`datetime` as a screen module sees it, reading a time the test sets."""

    def __init__(self, now: datetime) -> None:
        self.now_is = now

    def now(self, tz: object = None) -> datetime:
        return self.now_is

    def __getattr__(self, name: str) -> object:
        return getattr(datetime, name)


@pytest.mark.parametrize(
    ("screen", "module", "label"), [("Safety", "safety", "Became aware at"), ("Log interaction", "log_interaction", "Date and time")]
)
def test_a_forms_default_time_is_the_moment_it_opens_not_a_time_kept_from_before(
    ui: Session, monkeypatch: pytest.MonkeyPatch, screen: str, module: str, label: str
) -> None:
    clock = Clock(datetime(2026, 11, 24, 9, 0))

    class Clocked(Display):
        """The MSL's display, whose "now" is the test's clock: the forms take their default time from it."""

        def now(self) -> datetime:
            return clock.now_is.replace(tzinfo=self.zone)

    ui.ctx.display = Clocked(zone=ui.ctx.display.zone)
    view = ui.screen(screen)
    assert labelled(view, label).value == "2026-11-24 09:00"
    type_in(view, "Product" if screen == "Safety" else "Notes", "typed, not saved")
    clock.now_is = datetime(2026, 11, 24, 11, 30)
    again = ui.screen(screen)
    assert labelled(again, label).value == "2026-11-24 11:30", "opened later, the form offers the later moment"
    assert labelled(again, "Product" if screen == "Safety" else "Notes").value == "typed, not saved", "what was typed is kept"
    type_in(again, label, "2026-11-24 08:15")
    assert labelled(ui.screen(screen), label).value == "2026-11-24 08:15", "a time the MSL typed is theirs, and stays"
