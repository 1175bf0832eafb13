"""Read-side queries: search-as-you-type over the encrypted FTS5 index, filters, profiles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from liaison.core.records.models import Hcp, Interaction, MedicalEvent
from liaison.device.store import queries
from liaison.device.store.queries import HcpFilter
from liaison.device.store.store import Store


@pytest.fixture
def directory(store: Store) -> Store:
    rows = [
        {"name": "Dr Marie Curie", "specialty": "Oncology", "kol_tier": 1, "therapeutic_areas": ["Oncology"], "institution": "Institut du Radium"},
        {"name": "Dr Mark Cuban", "specialty": "Cardiology", "kol_tier": 3, "therapeutic_areas": ["Cardiometabolic"]},
        {"name": "Dr Louis Pasteur", "specialty": "Immunology", "kol_tier": 1, "therapeutic_areas": ["Immunology", "Oncology"]},
        {"name": "Dr Zoë Ångström", "specialty": "Oncology", "kol_tier": 2},
    ]
    store.repository.create_many(Hcp, rows)
    return store


def names(store: Store, criteria: HcpFilter) -> list[str]:
    with store.repository.session() as session:
        return [hcp.name for hcp in queries.search_hcps(session, criteria)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("m", ["Dr Marie Curie", "Dr Mark Cuban"]),
        ("mar cu", ["Dr Marie Curie", "Dr Mark Cuban"]),
        ("mari cur", ["Dr Marie Curie"]),
        ("radium", ["Dr Marie Curie"]),
        ("CURIE", ["Dr Marie Curie"]),
        ("angst", ["Dr Zoë Ångström"]),
        ('pasteur)*"', ["Dr Louis Pasteur"]),
        ("nobody", []),
        ("", ["Dr Louis Pasteur", "Dr Marie Curie", "Dr Mark Cuban", "Dr Zoë Ångström"]),
    ],
)
def test_search_as_you_type_matches_word_beginnings(directory: Store, typed: str, expected: list[str]) -> None:
    assert names(directory, HcpFilter(search=typed)) == expected


def test_filters_combine_with_search(directory: Store) -> None:
    assert names(directory, HcpFilter(kol_tier=1)) == ["Dr Louis Pasteur", "Dr Marie Curie"]
    assert names(directory, HcpFilter(specialty="Oncology", search="z")) == ["Dr Zoë Ångström"]
    assert names(directory, HcpFilter(therapeutic_area="Oncology")) == ["Dr Louis Pasteur", "Dr Marie Curie"]


def test_edits_and_deletes_reach_the_search_index(directory: Store) -> None:
    [curie] = [hcp for hcp in _all(directory) if hcp.name == "Dr Marie Curie"]
    directory.repository.update(Hcp, curie.id, {"name": "Dr Marie Skłodowska-Curie"})
    assert names(directory, HcpFilter(search="skł")) == ["Dr Marie Skłodowska-Curie"]
    directory.repository.delete(Hcp, curie.id)
    assert names(directory, HcpFilter(search="mari")) == []


def test_a_broad_prefix_pages_through_matches_in_name_order(store: Store) -> None:
    store.repository.create_many(Hcp, [{"name": f"Dr Ada Reed {number:03d}"} for number in range(120)])
    with store.repository.session() as session:
        first = [hcp.name for hcp in queries.search_hcps(session, HcpFilter(search="d"), limit=50)]
        second = [hcp.name for hcp in queries.search_hcps(session, HcpFilter(search="d"), limit=50, offset=50)]
    assert first == [f"Dr Ada Reed {number:03d}" for number in range(50)]
    assert second == [f"Dr Ada Reed {number:03d}" for number in range(50, 100)]


@pytest.mark.parametrize("typed", ["", "d", "mar cu"])
def test_search_reads_hcps_in_name_order_from_the_index_instead_of_sorting_every_match(directory: Store, typed: str) -> None:
    """A first keystroke matches most of a territory: the query must stop at the 50th, not sort them all."""
    statement = queries.hcp_search_statement(HcpFilter(search=typed))
    sql = str(statement.compile(dialect=directory.engine.dialect, compile_kwargs={"literal_binds": True}))
    with directory.engine.connect() as connection:
        plan = " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "ix_hcp_deleted_name" in plan
    assert "TEMP B-TREE" not in plan


def test_history_continues_after_the_last_row_shown_even_among_equal_times(directory: Store) -> None:
    [curie] = [hcp for hcp in _all(directory) if hcp.name == "Dr Marie Curie"]
    same_time = datetime(2026, 3, 1, 10, tzinfo=UTC)
    directory.repository.create_many(
        Interaction, [{"hcp_id": curie.id, "occurred_at": same_time, "channel": "phone", "notes": f"call {n}"} for n in range(5)]
    )
    with directory.repository.session() as session:
        first = queries.interactions(session, hcp_id=curie.id, limit=2)
        rest = queries.interactions(session, hcp_id=curie.id, limit=10, older_than=first[-1])
        assert queries.count_interactions(session, curie.id) == 5
    shown = [item.notes for item in first + rest]
    assert sorted(shown) == [f"call {n}" for n in range(5)]


def test_an_hcps_interactions_are_counted_through_their_own_index(directory: Store) -> None:
    """Not through the index on `deleted`, which holds nearly every interaction of the territory."""
    [curie] = [hcp for hcp in _all(directory) if hcp.name == "Dr Marie Curie"]
    executed: list[tuple[str, object]] = []

    def capture(conn: object, cursor: object, statement: str, parameters: object, context: object, executemany: bool) -> None:
        executed.append((statement, parameters))

    event.listen(directory.engine, "before_cursor_execute", capture)
    try:
        with directory.repository.session() as session:
            queries.count_interactions(session, curie.id)
    finally:
        event.remove(directory.engine, "before_cursor_execute", capture)
    [(statement, parameters)] = [item for item in executed if "count(" in item[0].lower()]
    with directory.engine.connect() as connection:
        plan = " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))  # type: ignore[arg-type]
    assert "ix_interaction_hcp" in plan and "ix_interaction_deleted" not in plan


def test_an_hcp_profile_gathers_interactions_and_events(directory: Store) -> None:
    [curie] = [hcp for hcp in _all(directory) if hcp.name == "Dr Marie Curie"]
    at = datetime(2026, 11, 1, tzinfo=UTC)
    for day in (1, 3, 2):
        directory.repository.create(Interaction, {"hcp_id": curie.id, "occurred_at": at.replace(day=day), "channel": "phone", "notes": f"day {day}"})
    directory.repository.create(MedicalEvent, {"kind": "advisory_board", "title": "Ad board", "starts_at": at, "attendee_ids": [curie.id]})
    with directory.repository.session() as session:
        history = queries.interactions(session, hcp_id=curie.id)
        events = queries.events_attended(session, curie.id)
        assert queries.pending_changes(session) == 4 + 3 + 1
    assert [item.notes for item in history] == ["day 3", "day 2", "day 1"]
    assert [event.title for event in events] == ["Ad board"]


def _all(store: Store) -> list[Hcp]:
    with store.repository.session() as session:
        return queries.search_hcps(session, HcpFilter())


def test_home_lists_open_follow_ups_due_soonest_first_and_the_newest_drafts(directory: Store) -> None:
    """Follow-ups are tasks of their own: open ones due by the day asked, soonest first; drafts newest first."""
    from datetime import date

    from liaison.core.records.models import FollowUpTask

    hcp_id = directory.repository.create(Hcp, {"name": "Dr Ada Lovelace"}).id
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    rows = [
        {"hcp_id": hcp_id, "occurred_at": at, "channel": "phone", "notes": "none"},
        {"hcp_id": hcp_id, "occurred_at": at.replace(day=21), "channel": "phone", "notes": "due"},
        {"hcp_id": hcp_id, "occurred_at": at.replace(day=22), "channel": "phone", "notes": "undated"},
    ]
    directory.repository.create_many(Interaction, rows)
    tasks = [
        {"text": "Send the renal data", "due": "2026-11-27", "hcp_id": hcp_id},
        {"text": "Overdue already", "due": "2026-11-20", "hcp_id": hcp_id},
        {"text": "Later", "due": "2026-12-20", "hcp_id": hcp_id},
        {"text": "Some day", "hcp_id": hcp_id},
    ]
    ids = directory.repository.create_many(FollowUpTask, tasks)
    sent = directory.repository.create(FollowUpTask, {"text": "Already sent", "due": "2026-11-26", "hcp_id": hcp_id})
    directory.repository.complete_follow_up(sent.id)
    with directory.repository.session() as session:
        due = queries.follow_ups(session, due_by=date(2026, 12, 1))
        every_open = queries.follow_ups(session)
        drafts = queries.drafts(session)
    assert [item.text for item in due] == ["Overdue already", "Send the renal data"]
    assert [item.text for item in every_open] == ["Overdue already", "Send the renal data", "Later", "Some day"], "undated last"
    assert [queries.is_overdue(item, date(2026, 11, 24)) for item in due] == [True, False]
    assert len(ids) == 4 and [item.notes for item in drafts] == ["undated", "due", "none"]


def test_a_conflict_names_its_record_as_the_msl_knows_it(directory: Store) -> None:
    from liaison.core.records.models import Insight
    from liaison.device.store.models import Conflict

    curie = names_to_ids(directory)["Dr Marie Curie"]
    visit = directory.repository.create(Interaction, {"hcp_id": curie, "occurred_at": datetime(2026, 11, 24, 9, tzinfo=UTC), "channel": "phone"})
    insight = directory.repository.create(
        Insight,
        {
            "text": "Oncologists ask for renal subgroup data in every single visit this month",
            "therapeutic_area": "Oncology",
            "captured_at": datetime.now(UTC),
        },
    )

    def subject(table: str, record_id: str) -> str:
        conflict = Conflict(id="c", table_name=table, record_id=record_id, field="x", kept_stamp="", lost_stamp="", detected_at=datetime.now(UTC))
        with directory.repository.session() as session:
            return queries.conflict_subject(session, conflict)

    assert subject("hcp", curie) == "HCP Dr Marie Curie"
    assert subject("interaction", visit.id) == "Interaction with Dr Marie Curie on 24 Nov 2026"
    assert subject("insight", insight.id) == "Insight Oncologists ask for renal subgroup data in every single visi…"
    assert subject("trial_site", "gone-1") == "Trial site gone-1", "a record no longer here is named by its id"


def names_to_ids(store: Store) -> dict[str, str]:
    with store.repository.session() as session:
        return {hcp.name: hcp.id for hcp in queries.search_hcps(session, HcpFilter())}
