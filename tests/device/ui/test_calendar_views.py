"""The Calendar and Home's agenda without a browser: plan a visit, see it by day, week and agenda, move, cancel and log it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from liaison.core.records.models import Hcp, Interaction, PlannedVisit
from liaison.device.store.store import Store
from tests.device.ui.driver import Session, button, click, labelled, press_enter, shows, texts, type_in


@pytest.fixture
def ui(store: Store, data_dir: Path) -> Session:
    return Session.over(store, data_dir)


@pytest.fixture
def hcps(store: Store) -> tuple[Hcp, Hcp]:
    curie = store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True})
    pasteur = store.repository.create(Hcp, {"name": "Dr Louis Pasteur", "contact_consent": True})
    return curie, pasteur


def plan_at(ui: Session, store: Store, hcps: tuple[Hcp, ...], days: int, hour: int = 10) -> PlannedVisit:
    display = ui.ctx.display
    starts = datetime.combine(display.today() + timedelta(days=days), time(hour), tzinfo=display.zone)
    return store.repository.plan_visit({"hcp_ids": [hcp.id for hcp in hcps], "starts_at": starts, "place": "Lyon"})


def test_the_plan_form_plans_a_group_visit_and_opens_its_day(ui: Session, store: Store, hcps: tuple[Hcp, Hcp]) -> None:
    form = ui.screen("Calendar", plan=True)
    for name in ("Marie Curie", "Louis Pasteur"):
        type_in(form, "HCPs (the first one leads)", name)
        press_enter(form, "HCPs (the first one leads)")
    tomorrow = ui.ctx.display.today() + timedelta(days=1)
    type_in(form, "Date", tomorrow.isoformat())
    type_in(form, "Time", "14:30")
    type_in(form, "Place", "Hôpital Édouard-Herriot")
    type_in(form, "Objectives", "Readout, Enrolment")
    click(form, "Plan")
    assert ui.last_visit == ("Calendar", {"view": "day", "day": tomorrow})
    day = ui.follow()
    assert shows(day, "Dr Marie Curie, Dr Louis Pasteur")
    with store.repository.session() as session:
        [visit] = session.exec(select(PlannedVisit)).all()
    assert visit.hcp_ids == [hcps[0].id, hcps[1].id] and visit.objectives == ["Readout", "Enrolment"]


def test_a_plan_without_hcp_or_with_a_bad_time_shows_every_problem_and_writes_nothing(ui: Session, store: Store) -> None:
    form = ui.screen("Calendar", plan=True)
    type_in(form, "Time", "half past two")
    click(form, "Plan")
    assert any("HCPs" in line for line in texts(form)) and any("Date" in line for line in texts(form))
    with store.repository.session() as session:
        assert session.exec(select(PlannedVisit)).all() == []


def test_day_week_and_agenda_each_show_the_visit_with_time_names_place_and_status(ui: Session, store: Store, hcps: tuple[Hcp, Hcp]) -> None:
    visit = plan_at(ui, store, hcps, days=1)
    label = f"{ui.ctx.display.time_text(visit.starts_at)}–{ui.ctx.display.time_text(visit.starts_at + timedelta(minutes=30))}"
    tomorrow = ui.ctx.display.today() + timedelta(days=1)
    for view in (ui.screen("Calendar"), ui.screen("Calendar", view="week", day=tomorrow), ui.screen("Calendar", view="day", day=tomorrow)):
        assert shows(view, f"{label}  Dr Marie Curie, Dr Louis Pasteur")
        assert shows(view, "Lyon · in person · Planned")
    assert not shows(ui.screen("Calendar", view="day"), "Lyon · in person · Planned"), "today's day view has nothing"
    click(ui.screen("Calendar", view="day", day=tomorrow), "Later")
    assert ui.last_visit == ("Calendar", {"view": "day", "day": tomorrow + timedelta(days=1)})


def test_cancel_and_reschedule_write_through_the_repository(ui: Session, store: Store, hcps: tuple[Hcp, Hcp]) -> None:
    visit = plan_at(ui, store, hcps[:1], days=1)
    view = ui.screen("Calendar")
    click(view, "Reschedule the visit with Dr Marie Curie")
    picker = ui.dialogs.pop()
    picker.value = ui.ctx.display.today() + timedelta(days=2)
    picker.on_change(type("E", (), {"control": picker})())
    clock = ui.dialogs.pop()
    clock.value = time(16, 15)
    clock.on_change(type("E", (), {"control": clock})())
    moved = store.repository.get(PlannedVisit, visit.id)
    assert ui.ctx.display.local(moved.starts_at).time() == time(16, 15)
    click(ui.screen("Calendar"), "Cancel the visit with Dr Marie Curie")
    dialog = ui.dialogs[-1]
    dialog.content.value = "Clinic closed"
    [confirm] = [action for action in dialog.actions if action.content == "Cancel visit"]
    confirm.on_click(None)
    cancelled = store.repository.get(PlannedVisit, visit.id)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Clinic closed")


def test_log_opens_the_form_prefilled_from_the_plan_and_submitting_marks_the_visit_logged(ui: Session, store: Store, hcps: tuple[Hcp, Hcp]) -> None:
    visit = plan_at(ui, store, hcps, days=0, hour=0)
    home = ui.screen("Home")
    assert shows(home, f"Agenda · {ui.ctx.display.day_heading(ui.ctx.display.today())}")
    click(home, "Log the visit with Dr Marie Curie, Dr Louis Pasteur")
    assert ui.last_visit == ("Log interaction", {"planned_visit_id": visit.id})
    form = ui.follow()
    assert labelled(form, "HCP").value == "Dr Marie Curie" and button(form, "Remove Dr Louis Pasteur") is not None
    type_in(form, "Notes", "Discussed the readout")
    click(form, "Submit")
    logged = store.repository.get(PlannedVisit, visit.id)
    interaction = store.repository.get(Interaction, logged.interaction_id or "")
    assert (logged.status, interaction.attendee_ids, interaction.planned_visit_id) == ("logged", [hcps[1].id], visit.id)


def test_home_offers_tomorrows_visits_when_today_has_none(ui: Session, store: Store, hcps: tuple[Hcp, Hcp]) -> None:
    plan_at(ui, store, hcps[:1], days=1)
    tomorrow = ui.ctx.display.today() + timedelta(days=1)
    home = ui.screen("Home")
    assert shows(home, f"Agenda · {ui.ctx.display.day_heading(tomorrow)} (tomorrow)") and shows(home, "Lyon · in person · Planned")


def test_a_planned_visits_row_opens_the_lead_hcps_brief_from_home_and_the_calendar(ui: Session, store: Store, hcps: tuple[Hcp, Hcp]) -> None:
    plan_at(ui, store, hcps, days=1)
    tomorrow = ui.ctx.display.today() + timedelta(days=1)
    for screen in (ui.screen("Home"), ui.screen("Calendar", view="day", day=tomorrow)):
        click(screen, "Brief on Dr Marie Curie")
        assert ui.last_visit == ("Brief", {"hcp_id": hcps[0].id})
    brief = ui.follow()
    assert shows(brief, "Next planned visit")
