"""Language, region format and time zone: chosen in Settings, kept beside the store, shown on every screen; web mode in the MSL's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import flet as ft
import pytest

from liaison.core.records.models import Interaction
from liaison.device.config import Settings
from liaison.device.locale import LOCALES
from liaison.device.store import queries
from liaison.device.store.store import Store
from liaison.device.ui import fonts, prefs
from liaison.device.ui.components.when import picked_day
from liaison.device.ui.state import UiContext
from tests.device.ui.driver import Session, choose, click, labelled, press_enter, shows, texts, tile, type_in


@pytest.fixture
def ui(territory_store: Store, data_dir: Path) -> Session:
    return Session.over(territory_store, data_dir)


def latest(store: Store) -> Interaction:
    with store.repository.session() as session:
        return queries.interactions(session, limit=1)[0]


def test_language_region_and_zone_are_kept_beside_the_store_and_damaged_values_fall_back(data_dir: Path) -> None:
    chosen = prefs.Prefs(theme="dark", language="en", region="en_GB", zone="Asia/Tokyo")
    prefs.save(data_dir, chosen)
    assert prefs.load(data_dir) == chosen
    (data_dir / prefs.FILE_NAME).write_text('{"region": "xx_YY", "zone": "Mars/Olympus", "language": "tlh"}')
    assert prefs.load(data_dir) == prefs.Prefs(), "an unknown region, zone or language never blocks start-up"
    with pytest.raises(ValueError, match="zone"):
        prefs.save(data_dir, prefs.Prefs(zone="Mars/Olympus"))


def test_settings_lists_english_and_each_region_format_with_an_example(ui: Session) -> None:
    view = ui.screen("Settings")
    assert [option.text for option in labelled(view, "Language").options] == ["English"]
    examples = {option.key: option.text for option in labelled(view, "Region format").options}
    assert list(examples) == list(LOCALES)
    assert examples["en_US"] == "English (United States): Dec 31, 2026 · 2:30\u202fPM · 1,234.5"
    assert examples["en_GB"] == "English (United Kingdom): 31 Dec 2026 · 14:30 · 1,234.5"


def test_the_region_format_chosen_is_how_a_screen_shows_dates_and_times(ui: Session, territory_store: Store, data_dir: Path) -> None:
    item = latest(territory_store)
    choose(ui.screen("Settings"), "Region format", "en_US")
    us = ui.ctx.display
    assert shows(ui.screen("Interactions"), us.datetime_text(item.occurred_at))
    assert any(line.startswith(f"{us.date_text(item.occurred_at)[:3]} ") for line in texts(ui.screen("HCPs", hcp_id=item.hcp_id))), (
        "en_US: month first"
    )
    choose(ui.screen("Settings"), "Region format", "en_GB")
    gb = ui.ctx.display
    shown = texts(ui.screen("Interactions"))
    assert any(gb.datetime_text(item.occurred_at) in line for line in shown)
    assert not any(us.datetime_text(item.occurred_at) in line for line in shown)
    assert UiContext.load(Settings(), data_dir).display.locale == "en_GB", "kept for the next unlock"


def test_a_zone_chosen_by_search_moves_the_times_shown(ui: Session, territory_store: Store, data_dir: Path) -> None:
    item = latest(territory_store)
    view = ui.screen("Settings")
    choose(view, "Region format", "en_GB")
    type_in(view, "Search time zones", "tokyo")
    click_tile = tile(view, "Asia/Tokyo")
    click_tile.on_click(ft.Event(name="click", control=click_tile))
    tokyo = item.occurred_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert ui.ctx.display.zone == ZoneInfo("Asia/Tokyo") and ui.notices[-1] == "Times now shown in Asia/Tokyo"
    assert shows(ui.screen("Interactions"), f"{tokyo:%H:%M}")
    type_in(view, "Search time zones", "new york")
    ny_tile = tile(view, "America/New_York")
    ny_tile.on_click(ft.Event(name="click", control=ny_tile))
    new_york = item.occurred_at.astimezone(ZoneInfo("America/New_York"))
    assert shows(ui.screen("Interactions"), f"{new_york:%H:%M}")
    assert prefs.load(data_dir).zone == "America/New_York"
    click(view, "Use the device's time zone")
    assert prefs.load(data_dir).zone is None, "automatic again: the device's zone"


def test_a_time_typed_is_read_in_the_msls_zone_not_the_machines(ui: Session, territory_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    ui.ctx.choose_display(zone="Asia/Tokyo")
    view = ui.screen("Log interaction")
    type_in(view, "HCP", "rosal")
    press_enter(view, "HCP")
    type_in(view, "Date and time", "2026-12-01 09:00")
    type_in(view, "Notes", "Typed in Tokyo")
    click(view, "Submit")
    with territory_store.repository.session() as session:
        [logged] = [item for item in queries.interactions(session, limit=500) if item.notes == "Typed in Tokyo"]
    assert logged.occurred_at.astimezone(UTC) == datetime(2026, 12, 1, 0, 0, tzinfo=UTC), "09:00 in Tokyo, not in Los Angeles"


def test_web_mode_never_takes_the_servers_zone_and_home_asks_for_the_msls(
    territory_store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    web = Session.over(territory_store, data_dir)
    web.ctx = UiContext(settings=Settings(), data_dir=data_dir, store=territory_store, remote=True)
    web.ctx.navigate = lambda name, **kwargs: web.visits.append((name, kwargs))
    web.ctx.notify = web.notices.append
    assert web.ctx.display.zone == UTC and web.ctx.zone_unconfirmed, "UTC, said so, until the MSL chooses"
    home = web.screen("Home")
    assert shows(home, "times are shown in UTC until you choose yours")
    click(home, "Choose time zone")
    assert web.last_visit == ("Settings", {})
    settings = web.screen("Settings")
    assert shows(settings, "Time zone: not chosen yet")
    type_in(settings, "Search time zones", "Berlin")
    berlin = tile(settings, "Europe/Berlin")
    berlin.on_click(ft.Event(name="click", control=berlin))
    assert web.ctx.display.zone == ZoneInfo("Europe/Berlin") and not web.ctx.zone_unconfirmed
    assert not shows(web.screen("Home"), "Choose your time zone")
    again = UiContext.load(Settings(), data_dir, remote=True)
    assert again.display.zone == ZoneInfo("Europe/Berlin"), "the choice is applied at the next unlock"


def test_on_the_desktop_automatic_is_the_devices_zone(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    ctx = UiContext(settings=Settings(), data_dir=data_dir)
    assert ctx.display.zone == ZoneInfo("Asia/Kolkata") and not ctx.zone_unconfirmed


@pytest.mark.parametrize(("screen", "label"), [("Log interaction", "Date and time"), ("Safety", "Became aware at"), ("Events", "Starts at")])
def test_the_date_and_time_pickers_fill_the_typed_field(ui: Session, screen: str, label: str) -> None:
    view = ui.screen(screen)
    type_in(view, label, "2026-11-20 08:15")
    click(view, f"Pick the date: {label}")
    picker = ui.dialogs[-1]
    assert isinstance(picker, ft.DatePicker) and picker.value == date(2026, 11, 20), "it opens on the day typed"
    picker.value = datetime(2026, 11, 18, 0, 0, tzinfo=UTC)
    picker.on_change(ft.Event(name="change", control=picker))
    assert labelled(view, label).value == "2026-11-18 08:15", "the day changes, the time typed stays"
    click(view, f"Pick the time: {label}")
    clock = ui.dialogs[-1]
    assert isinstance(clock, ft.TimePicker) and clock.value == time(8, 15)
    clock.value = time(16, 45)
    clock.on_change(ft.Event(name="change", control=clock))
    assert labelled(view, label).value == "2026-11-18 16:45"
    assert ui.ctx.drafts, "the picked value is in the draft, as if typed"
    type_in(view, label, "2026-11-19 07:00")
    assert labelled(view, label).value == "2026-11-19 07:00", "typing still works"


def test_a_date_only_field_gets_a_calendar_and_the_time_picker_follows_the_locale(ui: Session) -> None:
    view = ui.screen("Log interaction")
    click(view, "Pick the date: Follow-up due")
    picker = ui.dialogs[-1]
    picker.value = date(2027, 1, 15)
    picker.on_change(ft.Event(name="change", control=picker))
    assert labelled(view, "Follow-up due").value == "2027-01-15"
    ui.ctx.choose_display(region="en_US")
    click(ui.screen("Safety"), "Pick the time: Became aware at")
    assert ui.dialogs[-1].hour_format == ft.TimePickerHourFormat.H12
    ui.ctx.choose_display(region="en_GB")
    click(ui.screen("Safety"), "Pick the time: Became aware at")
    assert ui.dialogs[-1].hour_format == ft.TimePickerHourFormat.H24


def test_a_picked_day_is_the_day_chosen_whether_it_comes_as_utc_or_the_browsers_midnight(ui: Session) -> None:
    assert picked_day(ui.ctx.display, datetime(2026, 12, 5, 0, 0, tzinfo=UTC)) == date(2026, 12, 5)
    assert picked_day(ui.ctx.display, datetime(2026, 12, 4, 15, 0, tzinfo=UTC)) == date(2026, 12, 5), "Tokyo's midnight, sent as UTC"
    assert picked_day(ui.ctx.display, datetime(2026, 12, 5, 5, 0, tzinfo=UTC)) == date(2026, 12, 5), "New York's midnight"
    assert picked_day(ui.ctx.display, datetime(2026, 12, 5, 10, 0, tzinfo=UTC)) == date(2026, 12, 5), "Honolulu's midnight"
    assert picked_day(ui.ctx.display, date(2026, 12, 5)) == date(2026, 12, 5)


def test_the_app_registers_its_fonts_and_serves_them_from_the_bundled_assets() -> None:
    page = type("Page", (), {})()
    fonts.register(page)  # type: ignore[arg-type]
    assert page.fonts == fonts.FONTS and page.theme.font_family == fonts.PRIMARY  # type: ignore[attr-defined]
    assert page.theme.text_theme.body_medium.font_family_fallback == fonts.FALLBACK  # type: ignore[attr-defined]
    folder = Path(fonts.assets_dir() or "")
    assert all((folder / path).is_file() for path in fonts.FONTS.values()) and (folder / "fonts" / "OFL.txt").is_file()
    assert folder == Path(__file__).resolve().parents[3] / "assets", "the folder `flet build` bundles"
