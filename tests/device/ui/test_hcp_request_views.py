"""A requested HCP in the app: the badges on the list and the profile, the Add HCP form's duplicate warning, and the
profile's engagement history.

No browser: the screens are built over a real store and driven through the handlers wired to their labelled controls.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from liaison.core.records.models import Hcp, Interaction
from liaison.device.store import queries
from liaison.device.store.store import Store
from tests.device.ui.driver import Session, button, click, error_of, shows, type_in


@pytest.fixture
def ui(store: Store, data_dir: Path) -> Session:
    return Session.over(store, data_dir)


def named(store: Store, text: str) -> list[Hcp]:
    with store.repository.session() as session:
        return queries.search_hcps(session, queries.HcpFilter(search=text))


def test_the_list_and_the_profile_say_a_request_awaits_the_steward_or_why_it_was_rejected(ui: Session, store: Store) -> None:
    waiting = store.repository.create(Hcp, {"name": "Dr Anna Weber", "master_status": "requested"})
    store.repository.create(Hcp, {"name": "Dr Bruno Keller", "master_status": "rejected", "steward_note": "Retired in 2025"})
    store.repository.create(Hcp, {"name": "Dr Clara Vogel"})
    listed = ui.screen("HCPs")
    assert shows(listed, "Requested — awaiting data steward") and shows(listed, "Rejected: Retired in 2025")
    assert not shows(ui.screen("HCPs", hcp_id=named(store, "vogel")[0].id), "Requested — awaiting data steward")
    profile = ui.screen("HCPs", hcp_id=waiting.id)
    assert shows(profile, "Requested — awaiting data steward")
    assert button(profile, "Log interaction with Dr Anna Weber"), "a request is usable at once"


def test_add_hcp_warns_of_a_likely_duplicate_and_opens_it_instead(ui: Session, store: Store) -> None:
    known = store.repository.create(Hcp, {"name": "Dr Marie Curie", "institution": "Institut Curie", "city": "Paris"})
    click(ui.screen("HCPs"), "Add HCP")
    form = ui.follow()
    type_in(form, "Name", "Prof. Marie CURIE")
    type_in(form, "City", "paris")
    click(form, "Save HCP")
    assert shows(form, "Possible duplicate: an HCP already in your directory.")
    assert shows(form, "Dr Marie Curie · Institut Curie, Paris (same name and city)")
    assert len(named(store, "curie")) == 1, "nothing is saved while the warning stands"
    click(form, "Open Dr Marie Curie")
    assert ui.last_visit == ("HCPs", {"hcp_id": known.id})


def test_saving_again_after_the_warning_requests_the_new_hcp(ui: Session, store: Store) -> None:
    store.repository.create(Hcp, {"name": "Dr Marie Curie", "email": "marie@curie.example"})
    form = ui.screen("HCPs", add=True)
    type_in(form, "Name", "Dr Maria Curie-Sklodowska")
    type_in(form, "E-mails", "Marie@Curie.example")
    click(form, "Save HCP")
    assert shows(form, "Dr Marie Curie (same e-mail)")
    click(form, "Save HCP")
    [requested] = named(store, "sklodowska")
    assert requested.master_status == "requested" and ui.last_visit == ("HCPs", {"hcp_id": requested.id})


def test_a_new_hcp_with_no_likely_duplicate_saves_at_once(ui: Session, store: Store) -> None:
    store.repository.create(Hcp, {"name": "Dr Marie Curie", "institution": "Institut Curie"})
    form = ui.screen("HCPs", add=True)
    type_in(form, "Name", "Dr Marie Curie")
    type_in(form, "Primary institution", "Hôpital Necker")
    click(form, "Save HCP")
    assert len(named(store, "curie")) == 2 and not shows(form, "Possible duplicate")


def test_the_profile_shows_the_engagement_history_by_month_and_the_last_interaction(ui: Session, store: Store) -> None:
    hcp = store.repository.create(Hcp, {"name": "Dr Lena Berg", "contact_consent": True})
    now = datetime.now(UTC)
    times = [now - timedelta(days=days) for days in (0, 1, 40)]
    for occurred in times:
        store.repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": occurred, "channel": "phone"})
    profile = ui.screen("HCPs", hcp_id=hcp.id)
    display = ui.ctx.display
    assert shows(profile, "Engagement history") and shows(profile, "3 in the last 12 months")
    assert shows(profile, f"Last interaction: {display.date_text(now)}")
    month = display.today().replace(day=1)
    this_month = sum(1 for occurred in times if display.local(occurred).date().replace(day=1) == month)
    assert shows(profile, f"{display.month_text(month)}: {this_month}")


def test_hcp_notes_count_characters_near_their_limit_and_too_long_a_note_is_refused_by_name(ui: Session, store: Store) -> None:
    form = ui.screen("HCPs", add=True)
    type_in(form, "Name", "Dr Long Notes")
    notes = type_in(form, "Notes", "x" * 9_500)
    assert notes.multiline and notes.counter == "9,500 / 10,000"
    type_in(form, "Notes", "x" * 10_001)
    click(form, "Save HCP")
    assert "10,000" in (error_of(form, "Notes") or "") and named(store, "long notes") == []
