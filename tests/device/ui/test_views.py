"""Screens built over a real temporary store, driven through the handlers wired to their controls.

No browser: each test builds a screen, types into labelled fields, fires the
real event handlers and reads the store (through queries) and the rebuilt screen.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import flet as ft
import flet_charts as fch
import pytest

from liaison.core.clock import Stamp
from liaison.core.protocol import Change
from liaison.core.records.models import (
    AdverseEvent,
    ContentItem,
    Hcp,
    Insight,
    Interaction,
    MedicalEvent,
    MedicalInquiry,
    TrialSite,
)
from liaison.device.config import Settings
from liaison.device.store import keys, queries
from liaison.device.store.models import SyncState
from liaison.device.store.store import Store
from liaison.device.sync.apply import apply_pull
from liaison.device.sync.status import SyncStatus
from liaison.device.ui import prefs
from liaison.device.ui.components.deadline import badge, remaining
from liaison.device.ui.components.signature import SignaturePad
from liaison.device.ui.components.status import SyncBadge, describe
from liaison.device.ui.screens import registry
from liaison.device.ui.screens.lock import LockScreen
from liaison.device.ui.state import UiContext
from tests.conftest import PASSPHRASE
from tests.device.ui.driver import (
    Session,
    choose,
    click,
    error_of,
    fire,
    labelled,
    press_enter,
    shows,
    texts,
    tick,
    tile,
    type_in,
    walk,
)


@pytest.fixture
def ui(territory_store: Store, data_dir: Path) -> Session:
    return Session.over(territory_store, data_dir)


def franklin(store: Store) -> Hcp:
    with store.repository.session() as session:
        [hcp] = queries.search_hcps(session, queries.HcpFilter(search="Rosalind"))
    return hcp


def outbox(store: Store) -> int:
    with store.repository.session() as session:
        return queries.pending_changes(session)


# --- lock --------------------------------------------------------------------------


def test_first_run_asks_for_the_passphrase_twice_and_creates_the_store(data_dir: Path) -> None:
    opened: list[Store] = []
    lock = LockScreen(UiContext(settings=Settings(), data_dir=data_dir), lambda store, server, code: opened.append(store))
    view = lock.view()
    assert shows(view, "Set up Liaison")
    type_in(view, "Passphrase", PASSPHRASE)
    type_in(view, "Confirm passphrase", PASSPHRASE + "!")
    click(view, "Create store")
    assert error_of(view, "Confirm passphrase") == "does not match the passphrase"
    assert not opened and not keys.key_file_path(data_dir).exists()

    type_in(view, "Confirm passphrase", PASSPHRASE)
    assert error_of(view, "Confirm passphrase") is None, "typing clears the error"
    click(view, "Create store")
    [store] = opened
    assert not store.locked and keys.key_file_path(data_dir).exists()
    store.close()


def test_a_short_first_passphrase_is_refused_beside_the_field(data_dir: Path) -> None:
    lock = LockScreen(UiContext(settings=Settings(), data_dir=data_dir), lambda *args: pytest.fail("must not open"))
    view = lock.view()
    type_in(view, "Passphrase", "short")
    type_in(view, "Confirm passphrase", "short")
    click(view, "Create store")
    assert "at least" in (error_of(view, "Passphrase") or "")


def test_later_runs_unlock_with_the_passphrase_and_refuse_a_wrong_one(data_dir: Path) -> None:
    Store.init(data_dir, PASSPHRASE, user="msl@example.org").close()
    opened: list[Store] = []
    lock = LockScreen(
        UiContext(settings=Settings(), data_dir=data_dir), lambda store, server, code: opened.append(store), demo_passphrase="liaison demo"
    )
    view = lock.view()
    assert shows(view, "Liaison is locked") and shows(view, "Demo passphrase: liaison demo")
    type_in(view, "Passphrase", "not my passphrase")
    click(view, "Unlock")
    assert "wrong passphrase" in (error_of(view, "Passphrase") or "") and not opened

    type_in(view, "Passphrase", PASSPHRASE)
    press_enter(view, "Passphrase")
    [store] = opened
    assert not store.locked
    assert labelled(view, "Passphrase").value == "", "the passphrase does not linger in the field"
    store.close()


def test_a_damaged_store_is_named_on_the_lock_screen_and_the_passphrase_is_not_blamed(data_dir: Path) -> None:
    Store.init(data_dir, PASSPHRASE, user="msl@example.org").close()
    database = data_dir / "liaison.db"
    raw = bytearray(database.read_bytes())
    raw[200] ^= 0xFF  # the first page: its HMAC no longer matches
    database.write_bytes(bytes(raw))
    lock = LockScreen(UiContext(settings=Settings(), data_dir=data_dir), lambda *args: pytest.fail("must not open"))
    view = lock.view()
    type_in(view, "Passphrase", PASSPHRASE)
    click(view, "Unlock")
    assert error_of(view, "Passphrase") is None
    [message] = [line for line in texts(view) if "damaged" in line]
    assert str(database) in message and "support" in message and "\n" not in message


def test_first_run_hands_over_the_server_and_code_for_enrolment(data_dir: Path) -> None:
    handed: list[tuple[str | None, str | None]] = []

    def unlocked(store: Store, server: str | None, code: str | None) -> None:
        handed.append((server, code))
        store.close()

    view = LockScreen(UiContext(settings=Settings(), data_dir=data_dir), unlocked).view()
    type_in(view, "Passphrase", PASSPHRASE)
    type_in(view, "Confirm passphrase", PASSPHRASE)
    type_in(view, "Server URL", "https://liaison.example.com")
    type_in(view, "Enrolment code", "ABCD-1234")
    click(view, "Create store")
    assert handed == [("https://liaison.example.com", "ABCD-1234")]


# --- the session: auto-lock, drafts, offline-only status, preferences ---------------------


class FakeClock:
    """Monotonic time the test moves by hand, so no test waits for minutes to pass."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_time_locks_the_store_and_input_postpones_it(ui: Session, territory_store: Store) -> None:
    clock, locked = FakeClock(), []
    ctx = ui.ctx
    ctx.store = None
    ctx.begin(territory_store, None, on_status=lambda status: None, on_idle=lambda: (ctx.end(), locked.append(True)), clock=clock)
    try:
        clock.now += 4 * 60
        view = ui.screen("Insights")
        type_in(view, "Insight", "Typed just before the auto-lock")
        clock.now += 4 * 60
        assert ctx.idle is not None and not ctx.idle.check(), "typing restarted the idle time"
        clock.now += 61
        assert ctx.idle.check()
    finally:
        ctx.end()
    assert locked and territory_store.locked and ctx.store is None
    assert ctx.drafts["insight"]["text"] == "Typed just before the auto-lock", "drafts survive the lock"


def test_a_shorter_auto_lock_is_saved_and_never_exceeds_the_profile(ui: Session, data_dir: Path) -> None:
    ctx = ui.ctx
    assert prefs.auto_lock_choices(5) == [1, 2, 5]
    assert ctx.choose_auto_lock(2) == 2 and ctx.settings.auto_lock_minutes == 2
    assert ctx.choose_auto_lock(60) == 5, "IT's limit wins"
    ctx.choose_auto_lock(1)
    again = UiContext.load(Settings(auto_lock_minutes=5), data_dir)
    assert again.settings.auto_lock_minutes == 1 and again.configured_auto_lock == 5


def test_the_theme_choice_is_saved_beside_the_store(ui: Session, data_dir: Path) -> None:
    view = ui.screen("Settings")
    choose(view, "Theme", "dark")
    assert prefs.load(data_dir).theme == "dark"
    assert UiContext.load(Settings(), data_dir).prefs.theme == "dark"
    (data_dir / prefs.FILE_NAME).write_text("{not json")
    assert prefs.load(data_dir) == prefs.Prefs(), "a damaged preferences file never blocks start-up"


def test_offline_only_counts_pending_changes_from_the_outbox(ui: Session, territory_store: Store) -> None:
    status, enrolled = ui.ctx.sync_status()
    assert not enrolled and status.pending == outbox(territory_store) > 0
    badge_ = SyncBadge()
    badge_.show(status, enrolled)
    assert badge_.label.value == f"Offline only · {status.pending} pending"


def test_the_sync_badge_reads_online_offline_and_syncing() -> None:
    assert describe(SyncStatus(online=True, pending=0), True) == "Online · 0 pending"
    assert describe(SyncStatus(online=False, pending=3), True) == "Offline · 3 pending"
    assert describe(SyncStatus(online=True, running=True, pending=2), True) == "Syncing · 2 pending"
    assert describe(SyncStatus(online=True, pending=0, conflicts=1), True) == "Online · 0 pending · 1 conflict to review"
    assert describe(SyncStatus(online=False, pending=1, conflicts=2), True) == "Offline · 1 pending · 2 conflicts to review"


def test_every_destination_builds_over_the_store_and_names_match_the_navigation(ui: Session) -> None:
    assert registry.DESTINATIONS == [
        "Home",
        "HCPs",
        "Interactions",
        "Calendar",
        "Inquiries",
        "Safety",
        "Insights",
        "Trials",
        "Events",
        "Library",
        "Sync",
        "Settings",
    ]
    assert set(registry.NARROW) <= set(registry.DESTINATIONS) and len(registry.NARROW) <= 5
    for name in [*registry.DESTINATIONS, "Log interaction"]:
        assert isinstance(ui.screen(name), ft.Control), name


def test_every_input_and_button_carries_a_label_a_screen_reader_can_read(ui: Session) -> None:
    for name in [*registry.DESTINATIONS, "Log interaction"]:
        for control in walk(ui.screen(name)):
            if isinstance(control, (ft.TextField, ft.Dropdown, ft.Checkbox, ft.Switch)):
                named = control.label or (isinstance(control, ft.Checkbox) and control.semantics_label)
                assert named, f"{name}: an unlabelled {type(control).__name__}"
            if isinstance(control, (ft.FilledButton, ft.OutlinedButton, ft.TextButton, ft.FilledTonalButton)):
                assert control.content or control.tooltip, f"{name}: a button with no name"
            if isinstance(control, ft.IconButton):
                assert control.tooltip, f"{name}: an icon button with no tooltip"


# --- Home -------------------------------------------------------------------------


def test_home_counts_down_adverse_event_deadlines_with_overdue_in_red(ui: Session, territory_store: Store) -> None:
    repository = territory_store.repository
    repository.create(
        AdverseEvent,
        {
            "reporter": "Nurse",
            "aware_at": datetime.now(UTC) - timedelta(days=3),
            "product": "overdrug",
            "description": "Late one",
            "patient_initials": "AB",
        },
    )
    view = ui.screen("Home")
    [late] = [control for control in walk(view) if isinstance(control, ft.Text) and str(control.value).startswith("overdue by")][:1]
    assert late.color == ft.Colors.ERROR
    assert shows(view, "overdrug: Late one")


def test_home_lists_drafts_not_yet_submitted(ui: Session, territory_store: Store) -> None:
    hcp = franklin(territory_store)
    territory_store.repository.create(
        Interaction, {"hcp_id": hcp.id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": "Half-written visit note"}
    )
    view = ui.screen("Home")
    entry = tile(view, "Dr Rosalind Franklin")
    fire(entry, "on_click")
    assert ui.last_visit[0] == "Interactions" and ui.last_visit[1]["open_id"]


def test_deadline_text_reads_like_a_person_would_say_it() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert remaining(now + timedelta(hours=5, minutes=12), now) == "due in 5 h 12 min"
    assert remaining(now - timedelta(days=1, hours=2), now) == "overdue by 1 d 2 h"
    assert badge(now + timedelta(hours=1), now).color is None


# --- HCPs --------------------------------------------------------------------------


def test_typing_part_of_a_name_finds_the_hcp_and_opens_the_profile(ui: Session, territory_store: Store) -> None:
    view = ui.screen("HCPs")
    type_in(view, "Search HCPs", "rosal")
    entry = tile(view, "Dr Rosalind Franklin")
    assert len([control for control in walk(view) if isinstance(control, ft.ListTile)]) == 1
    fire(entry, "on_click")
    assert ui.last_visit == ("HCPs", {"hcp_id": franklin(territory_store).id})
    profile = ui.follow()
    assert shows(profile, "Interaction history") and shows(profile, "KOL tier 1")


def test_the_search_survives_leaving_the_screen(ui: Session) -> None:
    type_in(ui.screen("HCPs"), "Search HCPs", "rosal")
    again = ui.screen("HCPs")
    assert labelled(again, "Search HCPs").value == "rosal"
    assert tile(again, "Dr Rosalind Franklin")


def test_filters_narrow_the_directory_by_tier_and_specialty(ui: Session, territory_store: Store) -> None:
    view = ui.screen("HCPs")
    choose(view, "KOL tier", "1")
    choose(view, "Specialty", "Oncology")
    names = [control.title.value for control in walk(view) if isinstance(control, ft.ListTile)]  # type: ignore[union-attr]
    assert "Dr Rosalind Franklin" in names
    with territory_store.repository.session() as session:
        for name in names:
            [hcp] = [hcp for hcp in queries.search_hcps(session, queries.HcpFilter(search=name.removeprefix("Dr ")), limit=50) if hcp.name == name][
                :1
            ]
            assert hcp.kol_tier == 1 and hcp.specialty == "Oncology"


def test_the_profile_shows_inquiries_trials_insights_and_events(ui: Session, territory_store: Store) -> None:
    hcp = franklin(territory_store)
    repository = territory_store.repository
    repository.create(
        MedicalInquiry, {"hcp_id": hcp.id, "received_at": datetime.now(UTC), "question": "Is there renal dosing data?", "unsolicited_attested": True}
    )
    repository.create(TrialSite, {"protocol": "ZEN-302", "study": "Zen", "site_name": "Franklin Clinic", "pi_hcp_id": hcp.id, "enrolment_target": 20})
    repository.create(Insight, {"text": "Wants biomarker data", "hcp_id": hcp.id, "captured_at": datetime.now(UTC)})
    repository.create(
        MedicalEvent, {"kind": "advisory_board", "title": "Lung advisory board", "starts_at": datetime.now(UTC), "attendee_ids": [hcp.id]}
    )
    profile = ui.screen("HCPs", hcp_id=hcp.id)
    for expected in ("Is there renal dosing data?", "ZEN-302 · Franklin Clinic", "Wants biomarker data", "Lung advisory board"):
        assert shows(profile, expected), expected
    click(profile, "Log interaction with Dr Rosalind Franklin")
    assert ui.last_visit == ("Log interaction", {"hcp_id": hcp.id})


def test_a_busy_profile_opens_with_the_newest_interactions_and_shows_older_ones_on_request(ui: Session, territory_store: Store) -> None:
    hcp = franklin(territory_store)
    with territory_store.repository.session() as session:
        already = queries.count_interactions(session, hcp.id)
    start = datetime(2025, 1, 1, 9, tzinfo=UTC)
    territory_store.repository.create_many(
        Interaction,
        [
            {"hcp_id": hcp.id, "occurred_at": start + timedelta(days=day), "channel": "in_person", "notes": f"Visit {day}: subgroup data"}
            for day in range(120)
        ],
    )
    total = already + 120
    profile = ui.screen("HCPs", hcp_id=hcp.id)
    assert shows(profile, f"Interaction history ({total})")
    assert shows(profile, "Visit 119: subgroup data") and not shows(profile, "Visit 0: subgroup data")
    click(profile, f"Show older interactions ({total - 50} more)")
    click(profile, f"Show older interactions ({total - 100} more)")
    visits = [line for line in texts(profile) if line.startswith("Visit ")]
    assert len(visits) == 120 == len(set(visits)), "every visit once, none twice across pages"
    assert visits == [f"Visit {day}: subgroup data" for day in reversed(range(120))], "newest first"
    assert not shows(profile, "Show older interactions")


# --- Log interaction ----------------------------------------------------------------


def test_a_keyboard_only_entry_is_submitted_and_appears_in_the_hcp_history(ui: Session, territory_store: Store) -> None:
    view = ui.screen("Log interaction")
    type_in(view, "HCP", "rosal")
    press_enter(view, "HCP")
    assert shows(view, "With Dr Rosalind Franklin")
    type_in(view, "Topics", "subgroup analysis, dosing")
    type_in(view, "Products discussed", "zentrolimab")
    type_in(view, "Notes", "Discussed ZEN-301 subgroup data")
    type_in(view, "Insight (optional)", "Community sites lack biomarker testing")
    before = outbox(territory_store)
    click(view, "Submit")

    hcp = franklin(territory_store)
    assert ui.last_visit == ("HCPs", {"hcp_id": hcp.id}) and ui.notices[-1] == "Interaction submitted"
    with territory_store.repository.session() as session:
        [logged] = queries.interactions(session, hcp_id=hcp.id, limit=5)
        insights = queries.insights_for(session, hcp.id)
    assert logged.status == "submitted" and logged.topics == ["subgroup analysis", "dosing"] and logged.products == ["zentrolimab"]
    assert [item.text for item in insights] == ["Community sites lack biomarker testing"] and insights[0].interaction_id == logged.id
    assert outbox(territory_store) > before
    assert shows(ui.follow(), "Discussed ZEN-301 subgroup data")
    assert labelled(ui.screen("Log interaction"), "Notes").value == "", "the next entry starts empty"


def test_from_the_profile_the_hcp_is_filled_in(ui: Session, territory_store: Store) -> None:
    hcp = franklin(territory_store)
    view = ui.screen("Log interaction", hcp_id=hcp.id)
    assert labelled(view, "HCP").value == "Dr Rosalind Franklin" and labelled(view, "Therapeutic area").value == "Oncology"
    type_in(view, "Notes", "Quick phone call")
    click(view, "Save draft")
    with territory_store.repository.session() as session:
        [draft] = queries.interactions(session, hcp_id=hcp.id, limit=5)
    assert draft.status == "draft" and ui.notices[-1] == "Draft saved"


def test_validation_errors_appear_beside_the_field_and_nothing_is_written(ui: Session, territory_store: Store) -> None:
    before = outbox(territory_store)
    view = ui.screen("Log interaction")
    click(view, "Submit")
    assert "choose the HCP" in (error_of(view, "HCP") or "")
    type_in(view, "HCP", "rosal")
    press_enter(view, "HCP")
    type_in(view, "Date and time", "yesterday")
    click(view, "Submit")
    assert error_of(view, "Date and time") == "use a date and time like 2026-12-31 14:30"
    assert error_of(view, "HCP") is None
    type_in(view, "Date and time", "2026-01-05 09:30")
    type_in(view, "Follow-up (optional)", "Send the reprint")
    type_in(view, "Follow-up due", "next week")
    click(view, "Submit")
    assert error_of(view, "Follow-up due") == "use a date like 2026-12-31"
    assert outbox(territory_store) == before and not ui.visits


def test_every_problem_is_shown_at_once_beside_its_field_and_in_a_summary(ui: Session, territory_store: Store) -> None:
    before = outbox(territory_store)
    view = ui.screen("Log interaction")
    type_in(view, "Date and time", "yesterday")
    type_in(view, "Follow-up (optional)", "Send the reprint")
    type_in(view, "Follow-up due", "next week")
    type_in(view, "Notes", "x" * 10_001)
    click(view, "Submit")
    assert error_of(view, "HCP") == "choose the HCP: type part of the name and pick a match"
    assert error_of(view, "Date and time") == "use a date and time like 2026-12-31 14:30"
    assert error_of(view, "Follow-up due") == "use a date like 2026-12-31"
    assert error_of(view, "Notes") == "keep it to 10,000 characters or fewer (this has 10,001)"
    summary = labelled_banner(view)
    assert summary.splitlines() == [
        "Please correct these 4 problems:",
        "HCP: choose the HCP: type part of the name and pick a match",
        "Date and time: use a date and time like 2026-12-31 14:30",
        "Notes: keep it to 10,000 characters or fewer (this has 10,001)",
        "Follow-up due: use a date like 2026-12-31",
    ]
    assert outbox(territory_store) == before and not ui.visits


def labelled_banner(root: ft.Control) -> str:
    [banner] = [control for control in walk(root) if isinstance(control, ft.Text) and control.semantics_label == "Form error"]
    assert banner.visible
    return str(banner.value)


def test_a_long_note_scrolls_inside_its_field_and_counts_characters_near_its_limit(ui: Session) -> None:
    view = ui.screen("Log interaction")
    notes = labelled(view, "Notes")
    assert notes.multiline and notes.max_lines is not None and notes.max_lines <= 12, "the field stops growing and scrolls"
    type_in(view, "Notes", "x" * 500)
    assert notes.counter is None, "no counter far from the limit"
    type_in(view, "Notes", "x" * 9_500)
    assert notes.counter == "9,500 / 10,000"
    type_in(view, "Notes", "x" * 50_000)
    assert notes.counter == "50,000 / 10,000: 40,000 over the limit" and len(notes.value) == 50_000, "nothing typed is cut off"


def test_unsaved_input_survives_switching_screens(ui: Session) -> None:
    view = ui.screen("Log interaction")
    type_in(view, "HCP", "rosal")
    press_enter(view, "HCP")
    type_in(view, "Notes", "Half a thought")
    tick(view, "Unsolicited question from the HCP (reactive)")
    ui.screen("Safety")
    again = ui.screen("Log interaction")
    assert labelled(again, "Notes").value == "Half a thought"
    assert labelled(again, "HCP").value == "Dr Rosalind Franklin" and shows(again, "With Dr Rosalind Franklin")
    assert labelled(again, "Unsolicited question from the HCP (reactive)").value is True


def test_materials_shared_come_from_the_library(ui: Session, territory_store: Store) -> None:
    view = ui.screen("Log interaction", hcp_id=franklin(territory_store).id)
    with territory_store.repository.session() as session:
        first = queries.library(session, date.today())[0]
    tick(view, f"{first.title} (v{first.version}, {first.approval_code})")
    type_in(view, "Notes", "Left the reprint")
    click(view, "Submit")
    with territory_store.repository.session() as session:
        [logged] = queries.interactions(session, hcp_id=franklin(territory_store).id, limit=1)
    assert logged.materials == [first.id]


# --- Interactions --------------------------------------------------------------------


def test_a_draft_is_submitted_and_a_submitted_one_is_amended_with_a_reason(ui: Session, territory_store: Store) -> None:
    repository = territory_store.repository
    hcp = franklin(territory_store)
    draft = repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": "First version"})
    view = ui.screen("Interactions", open_id=draft.id)
    click(view, "Submit")
    assert repository.get(Interaction, draft.id).status == "submitted"

    view = ui.screen("Interactions", open_id=draft.id)
    type_in(view, "Amended notes", "Corrected version")
    click(view, "Record amendment")
    assert error_of(view, "Reason for the amendment"), "an amendment needs a reason"
    type_in(view, "Reason for the amendment", "typo in the dose")
    click(view, "Record amendment")
    assert ui.notices[-1].startswith("Amendment recorded")


# --- Inquiries -------------------------------------------------------------------------


def test_an_inquiry_needs_the_attestation_and_a_drawn_signature_which_is_stored_as_strokes(ui: Session, territory_store: Store) -> None:
    view = ui.screen("Inquiries")
    type_in(view, "HCP", "rosal")
    press_enter(view, "HCP")
    type_in(view, "Question (verbatim)", "What is the renal dosing in stage 3 CKD?")
    click(view, "Submit inquiry")
    assert "unsolicited" in (error_of(view, "The HCP attests this request is unsolicited") or "")
    tick(view, "The HCP attests this request is unsolicited")
    click(view, "Submit inquiry")
    [pad] = [control for control in walk(view) if isinstance(control, SignaturePad)]
    assert pad.message.value == "the HCP's signature is needed to submit", "said beside the pad"

    detector = next(control for control in walk(pad) if isinstance(control, ft.GestureDetector))
    fire(detector, "on_pan_start", local_position=ft.Offset(10, 20), global_position=ft.Offset(10, 20), kind="mouse", timestamp=0)
    for x in (30, 60, 90):
        fire(
            detector,
            "on_pan_update",
            local_position=ft.Offset(x, 40),
            global_position=ft.Offset(x, 40),
            local_delta=ft.Offset(1, 1),
            global_delta=ft.Offset(1, 1),
            timestamp=0,
        )
    assert pad.signed and len(pad.canvas.shapes) == 1
    click(view, "Submit inquiry")

    with territory_store.repository.session() as session:
        [inquiry] = queries.inquiries_for(session, franklin(territory_store).id)
    assert inquiry.status == "submitted" and inquiry.unsolicited_attested
    assert inquiry.signature == [[[10.0, 20.0], [30.0, 40.0], [60.0, 40.0], [90.0, 40.0]]]


def test_a_half_drawn_signature_survives_switching_screens_and_can_be_cleared(ui: Session) -> None:
    view = ui.screen("Inquiries")
    [pad] = [control for control in walk(view) if isinstance(control, SignaturePad)]
    pad.add_point(1, 1, new_stroke=True)
    pad.add_point(5, 5)
    again = ui.screen("Inquiries")
    [restored] = [control for control in walk(again) if isinstance(control, SignaturePad)]
    assert restored.strokes == [[[1.0, 1.0], [5.0, 5.0]]]
    click(again, "Clear signature")
    assert not restored.signed and ui.ctx.drafts["inquiry"]["signature"] == []


# --- Safety --------------------------------------------------------------------------


def test_the_deadline_shows_from_the_moment_of_awareness(ui: Session) -> None:
    view = ui.screen("Safety")
    type_in(view, "Became aware at", (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"))
    assert any(line.startswith("Report to pharmacovigilance by") and "due in" in line for line in texts(view))
    type_in(view, "Became aware at", (datetime.now() - timedelta(days=5)).strftime("%Y-%m-%d %H:%M"))
    assert any("overdue by" in line for line in texts(view))
    type_in(view, "Became aware at", "just now")
    assert shows(view, "Enter when you became aware")


def test_an_adverse_event_needs_the_four_minimum_elements_and_goes_first_in_the_sync_queue(ui: Session, territory_store: Store) -> None:
    view = ui.screen("Safety")
    type_in(view, "Product", "zentrolimab")
    type_in(view, "Event description", "Grade 3 rash after second dose")
    click(view, "Report adverse event")
    assert error_of(view, "Reporter"), "the reporter is one of the four minimum elements"
    type_in(view, "Reporter", "Dr Rosalind Franklin, oncologist")
    type_in(view, "Patient age", "sixty")
    click(view, "Report adverse event")
    assert error_of(view, "Patient age") == "must be a whole number of years"
    type_in(view, "Patient age", "61")
    type_in(view, "Patient initials", "JD")
    click(view, "Report adverse event")

    with territory_store.repository.session() as session:
        [event] = [item for item in queries.open_adverse_events(session) if item.product == "zentrolimab" and item.patient_initials == "JD"]
        from sqlmodel import select

        from liaison.device.store.models import OutboxEntry

        priorities = {entry.priority for entry in session.exec(select(OutboxEntry).where(OutboxEntry.record_id == event.id))}
    assert event.status == "submitted" and event.deadline_at is not None and priorities == {0}
    assert shows(ui.follow(), "zentrolimab: adverse event, submitted"), "the filed event opens, ready for follow-up"
    assert shows(ui.screen("Safety"), "zentrolimab: Grade 3 rash after second dose")


# --- Insights ------------------------------------------------------------------------


def test_an_insight_is_captured_browsed_by_theme_and_charted(ui: Session, territory_store: Store) -> None:
    view = ui.screen("Insights")
    click(view, "Save insight")
    assert error_of(view, "Insight"), "an empty insight is refused beside the field"
    type_in(view, "Insight", "Community sites lack biomarker testing")
    choose(view, "Theme", "unmet_need")
    type_in(view, "Therapeutic area", "Oncology")
    click(view, "Save insight")
    assert ui.notices[-1] == "Insight saved"

    view = ui.follow()
    assert shows(view, "Community sites lack biomarker testing")
    charts = [control for control in walk(view) if isinstance(control, fch.BarChart)]
    assert len(charts) == 1 and charts[0].groups
    choose(view, "Filter by therapeutic area", "Oncology")
    filtered = ui.screen("Insights")
    listed = [control.subtitle.value for control in walk(filtered) if isinstance(control, ft.ListTile) and isinstance(control.subtitle, ft.Text)]  # type: ignore[union-attr]
    assert listed and all(" · Oncology · " in line for line in listed)


# --- Trials, Events, Library ------------------------------------------------------------


def test_a_trial_site_update_checks_the_enrolment_and_logs_the_issue(ui: Session, territory_store: Store) -> None:
    site = territory_store.repository.create(TrialSite, {"protocol": "ZEN-900", "study": "Zen", "site_name": "Only Site", "enrolment_target": 10})
    with territory_store.repository.session() as session:
        others = [item for item in queries.trial_sites(session) if item.id != site.id]
    for other in others:
        territory_store.repository.delete(TrialSite, other.id)
    view = ui.screen("Trials")
    assert shows(view, "Enrolment 0 of 10")
    type_in(view, "Enrolled", "many")
    click(view, "Update site")
    assert error_of(view, "Enrolled") == "use a whole number of patients, like 12"
    type_in(view, "Enrolled", "4")
    type_in(view, "New issue", "Pharmacy cannot store at 2-8 °C")
    click(view, "Update site")
    updated = territory_store.repository.get(TrialSite, site.id)
    assert updated.enrolment_actual == 4 and [issue["text"] for issue in updated.issues] == ["Pharmacy cannot store at 2-8 °C"]
    assert shows(ui.follow(), "Enrolment 4 of 10")


def test_an_event_is_planned_with_attendees_and_its_outcomes_recorded(ui: Session, territory_store: Store) -> None:
    view = ui.screen("Events")
    type_in(view, "Title", "Lung cancer advisory board")
    type_in(view, "Starts at", "2026-12-01 09:00")
    type_in(view, "Add attendee", "rosal")
    press_enter(view, "Add attendee")
    assert shows(view, "Dr Rosalind Franklin") and labelled(view, "Add attendee").value == ""
    click(view, "Save event")
    with territory_store.repository.session() as session:
        [event] = [item for item in queries.medical_events(session) if item.title == "Lung cancer advisory board"]
        attended = queries.events_attended(session, franklin(territory_store).id)
    assert event.attendee_ids == [franklin(territory_store).id] and [item.id for item in attended] == [event.id]

    view = ui.screen("Events")
    type_in(view, "Outcomes of Lung cancer advisory board", "Advisors asked for real-world data")
    click(view, "Save outcomes of Lung cancer advisory board")
    assert territory_store.repository.get(MedicalEvent, event.id).outcomes == "Advisors asked for real-world data"


def test_the_library_hides_expired_content(ui: Session, territory_store: Store) -> None:
    common = {"version": "1.0", "approval_code": "X-1", "summary": ""}
    territory_store.repository.create(ContentItem, {**common, "title": "Still approved deck", "expires_on": date.today() + timedelta(days=30)})
    territory_store.repository.create(ContentItem, {**common, "title": "Withdrawn old deck", "expires_on": date.today() - timedelta(days=1)})
    view = ui.screen("Library")
    assert shows(view, "Still approved deck") and not shows(view, "Withdrawn old deck")


# --- Sync and Settings -----------------------------------------------------------------


def test_a_conflict_shows_both_values_side_by_side_and_keep_mine_wins(ui: Session, territory_store: Store) -> None:
    repository = territory_store.repository
    repository.save_enrollment(SyncState(server_url="http://127.0.0.1:9", token="t", user_email="msl@example.org", user_name="MSL"))
    hcp = repository.create(Hcp, {"name": "Dr Marie Curie", "specialty": "Oncology"})
    base = hcp.clocks.get("specialty") or hcp.clocks["*"]
    repository.update(Hcp, hcp.id, {"specialty": "Cardiology"})
    later = Stamp(int(time.time() * 1000) + 60_000, 0, "other-device").encode()
    theirs = Change(
        change_id="c1",
        table="hcp",
        record_id=hcp.id,
        fields={"specialty": "Neurology"},
        clocks={"specialty": later},
        base_clocks={"specialty": base},
        device_id="other-device",
    )
    apply_pull(repository, [theirs], cursor="1")

    view = ui.screen("Sync")
    assert shows(view, "HCP Dr Marie Curie · specialty"), "which record, which field"
    assert shows(view, "Mine") and shows(view, "Cardiology") and shows(view, "Theirs") and shows(view, "Neurology")
    click(view, "Keep mine")
    assert repository.get(Hcp, hcp.id).specialty == "Cardiology"
    assert shows(ui.follow(), "No conflicts.")


def test_passphrase_change_checks_the_current_one_and_the_confirmation(ui: Session, data_dir: Path) -> None:
    view = ui.screen("Settings")
    type_in(view, "Current passphrase", "wrong one entirely")
    type_in(view, "New passphrase", "a brand new passphrase")
    type_in(view, "Confirm new passphrase", "a brand new passphrase")
    click(view, "Change passphrase")
    assert error_of(view, "Current passphrase") == "wrong passphrase"
    type_in(view, "Current passphrase", PASSPHRASE)
    type_in(view, "Confirm new passphrase", "something else")
    click(view, "Change passphrase")
    assert error_of(view, "Confirm new passphrase") == "does not match the new passphrase"
    type_in(view, "Confirm new passphrase", "a brand new passphrase")
    click(view, "Change passphrase")
    assert ui.notices[-1] == "Passphrase changed"
    keys.unlock(data_dir, "a brand new passphrase")


def test_export_writes_every_record_to_the_chosen_file(ui: Session, tmp_path: Path) -> None:
    view = ui.screen("Settings")
    type_in(view, "Export to file", str(tmp_path / "nowhere" / "out.jsonl"))
    click(view, "Export")
    assert error_of(view, "Export to file") == "choose a file in an existing folder"
    target = tmp_path / "out.jsonl"
    type_in(view, "Export to file", str(target))
    click(view, "Export")
    lines = target.read_text().splitlines()
    assert lines and all(json.loads(line) for line in lines)
    assert ui.notices[-1] == f"Exported {len(lines)} records to {target}"
