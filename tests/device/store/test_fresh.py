"""Records first met in a pull go in as wire rows: stored exactly as an ORM write would store them, audited once per page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pydantic_core
import pytest
from sqlalchemy import func
from sqlmodel import select

from liaison.core.clock import Stamp
from liaison.core.errors import UnstorableChange, ValidationError
from liaison.core.protocol import Change
from liaison.core.records.kinds import kind_for
from liaison.core.records.models import (
    AdverseEvent,
    ContentItem,
    Hcp,
    Interaction,
    MedicalEvent,
    MedicalInquiry,
    TrialSite,
)
from liaison.core.records.shape import typed
from liaison.device.store import audit
from liaison.device.store.fresh import wire_bind, wire_insert
from liaison.device.store.models import AuditEntry, OutboxEntry, SyncState
from liaison.device.store.store import Store
from liaison.device.sync.apply import apply_pull
from tests.conftest import PASSPHRASE

NOW = datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def maker(tmp_path: Path) -> Iterator[Store]:
    """The device the records were written on: its outbox is what the server hands out."""
    opened = Store.init(tmp_path / "maker", PASSPHRASE, user="colleague@example.org")
    yield opened
    opened.close()


@pytest.fixture
def receiver(store: Store) -> Store:
    store.repository.save_enrollment(SyncState(server_url="https://liaison.example.org", token="t", user_email="msl@example.org", user_name="MSL"))
    return store


def write_one_of_each(store: Store) -> dict[type, str]:
    """Every kind of column: text with accents, enums, lists, dicts, nested follow-ups, dates, times with and without values."""
    repository = store.repository
    hcp = repository.create(
        Hcp,
        {
            "name": "Dr Édouard Hériot",
            "specialty": "Oncology",
            "institution": "Hôpital Lyon Sud",
            "city": "Lyon",
            "country": "FR",
            "kol_tier": 1,
            "therapeutic_areas": ["Oncology", "Hématologie"],
            "identifiers": {"rpps": "10101010101"},
            "email": "e.heriot@example.org",
            "contact_consent": True,
            "consent_recorded_at": NOW,
        },
    )
    interaction = repository.create(
        Interaction,
        {
            "hcp_id": hcp.id,
            "occurred_at": NOW - timedelta(days=1),
            "channel": "in_person",
            "therapeutic_area": "Oncology",
            "products": ["orvatinib"],
            "topics": ["subgroup analysis", "renal dosing"],
            "initiation": "reactive",
            "notes": "Asked about renal dosing.",
            "follow_ups": [{"text": "Send the renal subgroup poster", "due": "2026-12-01"}],
        },
    )
    repository.submit(Interaction, interaction.id)
    inquiry = repository.create(
        MedicalInquiry, {"hcp_id": hcp.id, "received_at": NOW, "question": "Is there renal dosing data?", "unsolicited_attested": True}
    )
    event = repository.create(
        AdverseEvent,
        {
            "reporter": "Dr Édouard Hériot",
            "aware_at": NOW - timedelta(hours=3),
            "product": "orvatinib",
            "description": "Grade 2 rash",
            "patient_initials": "JD",
        },
    )
    site = repository.create(
        TrialSite,
        {
            "protocol": "ZEN-302",
            "study": "Zen",
            "site_name": "Lyon Sud",
            "pi_hcp_id": hcp.id,
            "enrolment_target": 20,
            "issues": [{"opened": "2026-11-20", "text": "Pharmacy not yet trained"}],
        },
    )
    board = repository.create(
        MedicalEvent, {"kind": "advisory_board", "title": "Sequencing board", "starts_at": NOW + timedelta(days=7), "attendee_ids": [hcp.id]}
    )
    deck = repository.create(
        ContentItem, {"title": "Renal subgroup deck", "version": "1.0", "approval_code": "X-1", "summary": "", "expires_on": date(2027, 6, 30)}
    )
    return {
        Hcp: hcp.id,
        Interaction: interaction.id,
        MedicalInquiry: inquiry.id,
        AdverseEvent: event.id,
        TrialSite: site.id,
        MedicalEvent: board.id,
        ContentItem: deck.id,
    }


def pulled_page(store: Store) -> list[Change]:
    """The device's outbox as the server would hand it to another device: one change per write, in order."""
    with store.repository.session() as session:
        entries = session.exec(select(OutboxEntry).order_by(OutboxEntry.seq)).all()
    return [
        Change(
            change_id=entry.change_id,
            table=entry.table_name,
            record_id=entry.record_id,
            fields=entry.fields,
            clocks=entry.clocks,
            base_clocks=entry.base_clocks,
            device_id=store.device_id,
        )
        for entry in entries
    ]


def audit_entries(store: Store) -> list[AuditEntry]:
    with store.repository.session() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all())


def test_every_kind_arrives_exactly_as_it_was_written(maker: Store, receiver: Store) -> None:
    written = write_one_of_each(maker)
    apply_pull(receiver.repository, pulled_page(maker), "cursor-1")
    for model, record_id in written.items():
        here, there = receiver.repository.get(model, record_id), maker.repository.get(model, record_id)
        assert {name: getattr(here, name) for name in model.model_fields} == {
            name: getattr(there, name) for name in model.model_fields
        } or model is Interaction, model.__name__
    # A submit sends every field stamped anew (the filed snapshot), so only the interaction's stamps moved on.
    submitted = receiver.repository.get(Interaction, written[Interaction])
    original = maker.repository.get(Interaction, written[Interaction])
    assert {name: getattr(submitted, name) for name in Interaction.model_fields if name != "clocks"} == {
        name: getattr(original, name) for name in Interaction.model_fields if name != "clocks"
    }


def raw_row(store: Store, model: type, record_id: str) -> list[tuple[Any, str]]:
    """The row as SQLite holds it: each value with its storage class."""
    table = model.__tablename__  # type: ignore[attr-defined]
    names = [column.name for column in model.__table__.columns]  # type: ignore[attr-defined]
    select_list = ", ".join(f'"{name}", typeof("{name}")' for name in names)
    with store.engine.connect() as connection:
        row = connection.exec_driver_sql(f'SELECT {select_list} FROM "{table}" WHERE id = ?', (record_id,)).one()
    return [(row[index], row[index + 1]) for index in range(0, len(row), 2)]


def test_records_written_once_are_stored_byte_for_byte_as_on_the_device_that_wrote_them(maker: Store, receiver: Store) -> None:
    written = write_one_of_each(maker)
    apply_pull(receiver.repository, pulled_page(maker), "cursor-1")
    for model, record_id in written.items():
        if model is not Interaction:  # submitted: its stamps moved on (above)
            assert raw_row(receiver, model, record_id) == raw_row(maker, model, record_id), model.__name__


def stored_both_ways(store: Store, model: type, name: str, value: Any) -> tuple[tuple[Any, str], tuple[Any, str]]:
    """(what SQLite holds when the fast road writes `value`, what it holds when an ORM write of its typed value does)."""
    dialect = store.engine.dialect
    statement, wire_rows = wire_insert(model, dialect)
    index = wire_rows.keys.index(name)
    arrow = statement.split(" SELECT ")[1].split(", ")[index].split(" ")[1]  # this column's `->` or `->>`
    column = model.__table__.columns[name]  # type: ignore[attr-defined]
    bind = column.type.dialect_impl(dialect).bind_processor(dialect)
    typed_value = typed(model, name, value)
    row = pydantic_core.to_json([[wire_bind(model, name, dialect)(value)]]).decode()
    with store.engine.connect() as connection:
        fast = connection.exec_driver_sql(f"SELECT v, typeof(v) FROM (SELECT value {arrow} 0 AS v FROM json_each(?))", (row,)).one()
        orm = connection.exec_driver_sql("SELECT v, typeof(v) FROM (SELECT ? AS v)", (bind(typed_value) if bind else typed_value,)).one()
    return tuple(fast), tuple(orm)  # type: ignore[return-value]


def test_each_column_stores_what_an_orm_write_of_the_typed_value_stores(maker: Store) -> None:
    write_one_of_each(maker)
    checked = 0
    for change in pulled_page(maker):
        model = kind_for(change.table).model
        for name, value in change.fields.items():
            fast, orm = stored_both_ways(maker, model, name, value)
            assert fast == orm, f"{change.table}.{name} = {value!r}"
            checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        (Interaction, "occurred_at", "2026-11-24T11:00:00+01:00"),  # another offset: stored as UTC
        (Interaction, "occurred_at", "2026-11-24T10:00:00Z"),
        (Interaction, "occurred_at", "2026-11-24T10:00:00.123456Z"),  # as devices write it
        (Interaction, "occurred_at", "2026-11-24T10:00:00.000000+00:00"),  # as it is stored
        (Interaction, "occurred_at", datetime(2026, 11, 24, 10, tzinfo=timezone(timedelta(hours=-5))).isoformat()),
        (Interaction, "occurred_at", 1_795_000_000),  # not ISO text: pydantic's road, same answer
        (Interaction, "channel", "phone"),
        (Hcp, "kol_tier", None),
        (Hcp, "kol_tier", 2),
        (Hcp, "contact_consent", True),
        (Hcp, "identifiers", {}),
        (Interaction, "follow_ups", [{"text": "Call back", "due": None, "done": False}]),
        (Interaction, "follow_ups", [{"text": 'Say "hi"\n then \\ 🧬 é', "due": "2026-12-01", "done": True}]),
        (Hcp, "therapeutic_areas", ["Hématologie", "Oncology"]),
        (TrialSite, "enrolment_target", 3),
        (ContentItem, "expires_on", "2027-06-30"),
    ],
)
def test_values_the_fast_road_meets_store_as_the_orm_stores_them(maker: Store, model: type, name: str, value: Any) -> None:
    fast, orm = stored_both_ways(maker, model, name, value)
    assert fast == orm


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        (Interaction, "occurred_at", "yesterday"),
        (Interaction, "occurred_at", "2026-11-31T10:00:00.123456Z"),  # the shape devices write, but no such day
        (Interaction, "occurred_at", "2026-W48-2T10:00:00.123456Z"),  # an ISO week date: Python reads it, the validator does not
        (Interaction, "occurred_at", "2026-11-24T10:00:00"),  # naive: which zone was it?
        (Interaction, "channel", "carrier pigeon"),
        (Hcp, "kol_tier", "top"),
        (Interaction, "products", "orvatinib"),
        (Hcp, "identifiers", {"rpps": "10101010101", "adeli": None}),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused_as_it_is_everywhere_else(maker: Store, model: type, name: str, value: Any) -> None:
    with pytest.raises(ValidationError, match=name):
        wire_bind(model, name, maker.engine.dialect)(value)


def test_a_missing_time_is_refused_where_the_column_needs_one_and_kept_where_it_may_be_empty(maker: Store) -> None:
    dialect = maker.engine.dialect
    with pytest.raises(ValidationError, match="occurred_at"):
        wire_bind(Interaction, "occurred_at", dialect)(None)
    assert wire_bind(Interaction, "submitted_at", dialect)(None) is None


def test_many_records_of_one_shape_are_stored_as_the_orm_stores_each(maker: Store, receiver: Store) -> None:
    """After the first row of a shape its plain columns are checked by the shape alone: the rows must not differ for it."""
    hcps = [
        maker.repository.create(
            Hcp,
            {
                "name": f"Dr Number {n}",
                "city": "Lyon",
                "kol_tier": 1 + n % 4,
                "contact_consent": n % 2 == 0,
                "therapeutic_areas": ["Oncology"] * (n % 3),
            },
        )
        for n in range(12)
    ]
    apply_pull(receiver.repository, pulled_page(maker), "cursor-1")
    for hcp in hcps:
        assert raw_row(receiver, Hcp, hcp.id) == raw_row(maker, Hcp, hcp.id)


def test_a_plain_value_of_another_type_in_a_row_of_a_known_shape_still_goes_through_its_check(maker: Store) -> None:
    _, wire_rows = wire_insert(Hcp, maker.engine.dialect)
    maker.repository.create(Hcp, {"name": "Dr Shape", "kol_tier": 2})
    [row] = [{**change.fields, "id": change.record_id, "clocks": change.clocks} for change in pulled_page(maker)]
    wire_rows.row(row)
    assert wire_rows.row({**row, "kol_tier": 3})[wire_rows.keys.index("kol_tier")] == 3
    with pytest.raises(ValidationError, match="kol_tier"):
        wire_rows.row({**row, "kol_tier": "top"})
    with pytest.raises(ValidationError, match="name"):
        wire_rows.row({**row, "name": None})


def test_a_page_of_new_records_leaves_one_receipt_naming_each_record_and_its_change(maker: Store, receiver: Store) -> None:
    written = write_one_of_each(maker)
    page = pulled_page(maker)
    before = len(audit_entries(receiver))
    apply_pull(receiver.repository, page, "cursor-1")
    [receipt] = [entry for entry in audit_entries(receiver)[before:] if entry.action == audit.RECEIVE]
    updates = [entry for entry in audit_entries(receiver)[before:] if entry.action != audit.RECEIVE]
    assert [(entry.action, entry.record_id) for entry in updates] == [("sync", written[Interaction])], "the submit, met after the create"
    assert (receipt.action, receipt.table_name, receipt.before) == (audit.RECEIVE, "sync_state", None)
    assert receipt.after is not None and receipt.after["cursor"] == "cursor-1"
    listed = {(table, record_id): change_id for table, pairs in receipt.after["records"].items() for record_id, change_id in pairs}
    first_changes = {}
    for change in page:
        first_changes.setdefault((change.table, change.record_id), change.change_id)
    assert listed == first_changes
    assert {(model.__tablename__, record_id) for model, record_id in written.items()} <= listed.keys()  # type: ignore[attr-defined]
    assert "Hériot" not in str(receipt.after), "ids only: an erasure has nothing to scrub here"
    with receiver.repository.session() as session:
        assert audit.verify(session).intact


def test_a_record_changed_again_in_the_same_page_is_received_once_then_audited_as_an_update(maker: Store, receiver: Store) -> None:
    hcp = maker.repository.create(Hcp, {"name": "Dr Rosalind Franklin"})
    maker.repository.update(Hcp, hcp.id, {"specialty": "Cardiology"})
    before = len(audit_entries(receiver))
    apply_pull(receiver.repository, pulled_page(maker), "cursor-1")
    update, receipt = audit_entries(receiver)[before:]
    assert (update.action, update.record_id) == ("sync", hcp.id)
    assert update.before is not None and update.before["specialty"] is None
    assert update.after is not None and update.after["specialty"] == "Cardiology"
    assert receipt.action == audit.RECEIVE and [pair[0] for pair in receipt.after["records"]["hcp"]] == [hcp.id]  # type: ignore[index]
    assert receiver.repository.get(Hcp, hcp.id).specialty == "Cardiology"


@pytest.mark.parametrize("first_met", [True, False])
def test_a_page_with_one_bad_value_writes_nothing_at_all_and_names_the_record_and_field(maker: Store, receiver: Store, first_met: bool) -> None:
    write_one_of_each(maker)
    page = pulled_page(maker)
    if first_met:  # the fast road: a whole record never seen here
        bad = page[-1].model_copy(update={"fields": {**page[-1].fields, "created_at": "not a time"}})
    else:  # the ORM road: an edit of a record the same page brought first
        later = Stamp(Stamp.decode(page[-1].clocks["*"]).wall_ms + 1, 0, "another-device").encode()
        bad = page[-1].model_copy(update={"change_id": "edit", "fields": {"summary": 42}, "clocks": {"*": later}})
    before = len(audit_entries(receiver))
    with pytest.raises(UnstorableChange) as refused:
        apply_pull(receiver.repository, [*page, bad] if not first_met else [*page[:-1], bad], "cursor-1")
    assert str(refused.value).startswith(f"{bad.table} {bad.record_id}, {'created_at' if first_met else 'summary'}: ")
    with receiver.repository.session() as session:
        assert all(session.exec(select(func.count()).select_from(model)).one() == 0 for model in (Hcp, Interaction, ContentItem))
        state = session.get(SyncState, 1)
        assert state is not None and state.cursor == ""
    assert len(audit_entries(receiver)) == before


def test_a_page_of_records_already_here_leaves_no_receipt(maker: Store, receiver: Store) -> None:
    maker.repository.create(Hcp, {"name": "Dr Rosalind Franklin"})
    apply_pull(receiver.repository, pulled_page(maker), "cursor-1")
    before = len(audit_entries(receiver))
    apply_pull(receiver.repository, pulled_page(maker), "cursor-2")  # the same page again, after a lost answer
    assert len(audit_entries(receiver)) == before


def test_the_stamps_a_page_brings_move_this_devices_clock_past_them(maker: Store, receiver: Store) -> None:
    write_one_of_each(maker)
    page = pulled_page(maker)
    apply_pull(receiver.repository, page, "cursor-1")
    newest = max(Stamp.decode(stamp) for change in page for stamp in change.clocks.values())
    assert receiver.repository.clock.tick() > newest
