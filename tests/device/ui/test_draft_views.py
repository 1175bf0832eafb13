"""What the MSL typed outlives the window: drafts are kept in the encrypted store and come back at the next unlock."""

from __future__ import annotations

import time
from pathlib import Path

from liaison.device.store.store import Store
from liaison.device.ui.draft_keeper import FLUSH_SECONDS
from tests.device.ui.driver import Session, click, labelled, press_enter, type_in


def unlocked(store: Store, data_dir: Path) -> Session:
    """A window's session after the MSL unlocked: drafts restored and kept from here on."""
    session = Session.over(None, data_dir)
    session.ctx.begin(store, None, on_status=lambda status: None, on_idle=lambda: None)
    return session


def kept(store: Store, key: str, timeout: float = 5 * FLUSH_SECONDS) -> dict[str, object]:
    """The draft as the store holds it, once the keeper wrote it (it writes about once a second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = store.repository.drafts.all().get(key)
        if found:
            return found
        time.sleep(0.05)
    return {}


def test_typing_is_written_within_a_second_or_so_and_comes_back_after_the_window_closed(territory_store: Store, data_dir: Path) -> None:
    first = unlocked(territory_store, data_dir)
    view = first.screen("Log interaction")
    type_in(view, "Notes", "Discussed the interim OS data")
    assert kept(territory_store, "log_interaction")["notes"] == "Discussed the interim OS data"
    first.ctx.end()

    with Store.open(data_dir, data_key=_key(data_dir)) as again:
        window = unlocked(again, data_dir)
        assert labelled(window.screen("Log interaction"), "Notes").value == "Discussed the interim OS data"
        window.ctx.end()


def test_a_crash_loses_at_most_the_last_second_of_typing(territory_store: Store, data_dir: Path) -> None:
    crashed = unlocked(territory_store, data_dir)
    type_in(crashed.screen("Insights"), "Insight", "Sites want a shorter washout")
    time.sleep(2.5 * FLUSH_SECONDS)
    assert crashed.ctx.keeper is not None
    crashed.ctx.keeper.usable = lambda: False  # the process dies: nothing more is written, no lock, no goodbye

    with Store.open(data_dir, data_key=_key(data_dir)) as again:
        window = unlocked(again, data_dir)
        assert labelled(window.screen("Insights"), "Insight").value == "Sites want a shorter washout"
        window.ctx.end()


def test_a_saved_record_leaves_no_draft_behind(territory_store: Store, data_dir: Path) -> None:
    window = unlocked(territory_store, data_dir)
    view = window.screen("Log interaction")
    type_in(view, "HCP", "Rosalind")
    press_enter(view, "HCP")
    type_in(view, "Notes", "Discussed the interim OS data")
    window.ctx.save_drafts()
    assert territory_store.repository.drafts.all().get("log_interaction")
    click(view, "Save draft")
    assert window.notices[-1] == "Draft saved"
    assert "log_interaction" not in territory_store.repository.drafts.all(), "removed with the save, not a second later"
    window.ctx.end()


def test_a_discarded_draft_is_gone_from_memory_and_the_store(territory_store: Store, data_dir: Path) -> None:
    window = unlocked(territory_store, data_dir)
    type_in(window.screen("Insights"), "Insight", "Never mind")
    window.ctx.save_drafts()
    window.ctx.discard_draft("insight")
    assert "insight" not in window.ctx.drafts and "insight" not in territory_store.repository.drafts.all()
    window.ctx.end()


def test_a_passphrase_being_changed_is_never_written_to_the_store(territory_store: Store, data_dir: Path) -> None:
    window = unlocked(territory_store, data_dir)
    type_in(window.screen("Settings"), "Current passphrase", "correct horse battery")
    window.ctx.save_drafts()
    assert "passphrase_change" not in territory_store.repository.drafts.all()
    window.ctx.end()


def test_a_revoked_device_forgets_its_drafts_in_memory_too(territory_store: Store, data_dir: Path) -> None:
    window = unlocked(territory_store, data_dir)
    type_in(window.screen("Insights"), "Insight", "Typed on a device about to be revoked")
    territory_store.wipe()
    window.ctx.forget_drafts()
    window.ctx.store = None
    window.ctx.end()
    assert window.ctx.drafts == {}
    assert not any(b"about to be revoked" in path.read_bytes() for path in data_dir.rglob("*") if path.is_file())


def _key(data_dir: Path) -> bytes:
    from liaison.device.store import keys
    from tests.conftest import PASSPHRASE

    return keys.unlock(data_dir, PASSPHRASE)


def test_discard_on_the_form_empties_it_and_leaves_nothing_in_the_store(territory_store: Store, data_dir: Path) -> None:
    window = unlocked(territory_store, data_dir)
    view = window.screen("Log interaction")
    type_in(view, "Notes", "Not worth keeping")
    window.ctx.save_drafts()
    click(view, "Discard")
    assert window.notices[-1] == "Discarded what was typed"
    assert "log_interaction" not in territory_store.repository.drafts.all()
    assert labelled(window.follow(), "Notes").value == ""
    window.ctx.end()
