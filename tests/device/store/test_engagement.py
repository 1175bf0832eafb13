"""An HCP's engagement history from the store: interactions by month in the MSL's zone, and the last one's date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from liaison.core.records.models import Hcp, Interaction
from liaison.device.store.engagement import engagement_history, hcp_duplicates
from liaison.device.store.store import Store


def visit(store: Store, hcp_id: str, when: datetime) -> None:
    store.repository.create(Interaction, {"hcp_id": hcp_id, "occurred_at": when, "channel": "phone"})


def test_months_are_counted_in_the_msls_zone_every_month_shown_and_the_last_interaction_kept(store: Store) -> None:
    hcp = store.repository.create(Hcp, {"name": "Dr Lena Berg"})
    other = store.repository.create(Hcp, {"name": "Dr Other"})
    visit(store, hcp.id, datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 1 December in Berlin
    visit(store, hcp.id, datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    visit(store, hcp.id, datetime(2026, 10, 5, 9, 0, tzinfo=UTC))
    visit(store, hcp.id, datetime(2025, 1, 5, 9, 0, tzinfo=UTC))  # outside the window
    visit(store, other.id, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    with store.repository.session() as session:
        history = engagement_history(session, hcp.id, 3, today=date(2026, 12, 3), zone=ZoneInfo("Europe/Berlin"))
    assert history.months == [(date(2026, 10, 1), 1), (date(2026, 11, 1), 0), (date(2026, 12, 1), 2)]
    assert history.total == 3 and history.last_interaction == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_a_year_back_crosses_new_year_and_an_hcp_never_seen_has_no_last_interaction(store: Store) -> None:
    hcp = store.repository.create(Hcp, {"name": "Dr New"})
    with store.repository.session() as session:
        history = engagement_history(session, hcp.id, 12, today=date(2026, 3, 15))
    assert [first for first, _ in history.months][:2] == [date(2025, 4, 1), date(2025, 5, 1)] and len(history.months) == 12
    assert (history.total, history.last_interaction) == (0, None)


def test_likely_duplicates_are_found_among_the_hcps_held_here_not_the_deleted(store: Store) -> None:
    kept = store.repository.create(Hcp, {"name": "Dr Marie Curie", "city": "Paris"})
    gone = store.repository.create(Hcp, {"name": "Marie Curie", "city": "Paris"})
    store.repository.delete(Hcp, gone.id)
    with store.repository.session() as session:
        assert [item.hcp_id for item in hcp_duplicates(session, {"name": "Prof Marie Curie", "city": "paris"})] == [kept.id]
