"""Applying a pulled page: merge it into the store and keep its cursor, in one transaction.

The same `merge` the server runs decides every field. Losing concurrent
values become `Conflict` rows (`store.conflicts`); edits that met filed
records become amendments (`Filing.amend_from_merge`); an erasure receipt
from another device erases here too (`Erasing.receive`). Nothing goes to the
outbox: these changes already live on the server. Records first met take the
fast path (`store.fresh`), the rest go through the ORM; both check values
with the one shape checker (`liaison.core.records.shape`) and write through
the repository's write core (`Repository.writes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pydantic_core
from sqlalchemy import func
from sqlmodel import Session, col, select

from liaison.core.clock import ZERO, field_stamp
from liaison.core.errors import StoreError, UnstorableChange, ValidationError
from liaison.core.merge import RecordState, merge
from liaison.core.protocol import Change
from liaison.core.records.kinds import kind_for
from liaison.core.records.models import HcpErasure, Record
from liaison.core.records.shape import typed_values
from liaison.device.store import audit, conflicts
from liaison.device.store import erasure as erasing
from liaison.device.store.fresh import FreshRows
from liaison.device.store.models import SyncState
from liaison.device.store.repository import Repository
from liaison.device.store.values import fields, jsonable, synced

Known = dict[tuple[str, str], Record | None]
"""The page's records already held here, by (table, record id); None for one not met yet."""


@dataclass
class ApplyReport:
    """What a pulled page did here: records changed, conflicts kept, amendments made."""

    applied: int = 0
    conflicts: int = 0
    amendments: int = 0
    erasures: int = 0


def apply_pull(repository: Repository, changes: Sequence[Change], cursor: str) -> ApplyReport:
    """Merge a pulled page and store its cursor, in one transaction.

    The device's own changes are skipped, having been applied when made.
    Records first met are audited together, in one `receive` entry naming
    each record and the change that brought it (see `audit.RECEIVE`).
    A value this device cannot store refuses the whole page with
    `UnstorableChange`, naming the record and the field: nothing of it is
    written and the cursor stays where it was.
    The clock moves past the page's newest stamp that is not too far ahead
    (`liaison.core.clock.MAX_AHEAD_MS`); one further ahead still merges by its stamp.
    """
    writes = repository.writes
    report = ApplyReport()
    with writes.transaction() as session:
        known = _preload(session, changes)
        fresh = FreshRows()
        writes.clock.observe_newest(stamp for change in changes for stamp in change.clocks.values())
        for change in changes:
            if change.device_id == writes.actor.device_id:
                continue
            key = (change.table, change.record_id)
            erasure_receipt = change.table == HcpErasure.__tablename__ and known.get(key) is None and key not in fresh
            try:
                _apply_change(repository, session, change, report, known, fresh)
            except ValidationError as problem:
                raise UnstorableChange(change.table, change.record_id, problem) from None
            if erasure_receipt:
                known.update(fresh.take_all(session))  # records first met earlier in the page, findable by the erasure
                session.flush()
                repository.erasing.receive(session, change.record_id)
                report.erasures += 1
        fresh.insert(session)
        if fresh.received:
            writes.audit_about(session, audit.RECEIVE, str(SyncState.__tablename__), "1", None, {"cursor": cursor, "records": fresh.received})
        state = session.get(SyncState, 1)
        if state is None:
            raise StoreError("this device is not enrolled with a server")
        state.cursor = cursor
        session.add(state)
        writes.save_clock(session)
    if report.erasures:
        erasing.checkpoint(writes.engine)
    return report


def _apply_change(repository: Repository, session: Session, change: Change, report: ApplyReport, known: Known, fresh: FreshRows) -> None:
    model = kind_for(change.table).model
    key = (change.table, change.record_id)
    if key in fresh:
        known[key] = fresh.take(session, key)
    record = known.get(key)
    before = fields(record) if record is not None else None
    current = RecordState(jsonable(synced(record)), dict(record.clocks)) if record is not None else None
    result = merge(change.table, current, change.fields, change.clocks, change.base_clocks)
    if result.changed:
        if record is None:
            row = {**fresh.defaults, **result.changed, "id": change.record_id, "clocks": result.state.clocks}
            if fresh.add(model, key, row, change.change_id):
                report.applied += 1  # audited with the rest of the page in one receipt
                return
            record = model(**typed_values(model, row))
            known[key] = record
        else:
            for name, value in typed_values(model, result.changed).items():
                setattr(record, name, value)
            record.clocks = result.state.clocks
        session.add(record)
        repository.writes.audit(session, "sync", record, before, fields(record))
        report.applied += 1
    for lost in result.conflicts:
        conflicts.keep(session, change.table, change.record_id, lost)
        report.conflicts += 1
    for name in change.fields:
        if name not in result.changed or field_stamp(change.base_clocks, name) == ZERO:
            continue
        conflicts.supersede(session, change.table, change.record_id, name, field_stamp(change.base_clocks, name))
    if result.amendments:
        repository.filing.amend_from_merge(session, change.table, change.record_id, result.amendments)
        report.amendments += 1


def _preload(session: Session, changes: Sequence[Change]) -> Known:
    """A page's existing records: one query per table, its ids handed to SQLite as one JSON array."""
    by_table: dict[str, list[str]] = {}
    for change in changes:
        by_table.setdefault(change.table, []).append(change.record_id)
    known: Known = {}
    for table, ids in by_table.items():
        model = kind_for(table).model
        listed = func.json_each(pydantic_core.to_json(ids).decode()).table_valued("value")
        for record in session.exec(select(model).where(col(model.id).in_(select(listed.c.value)))):
            known[(table, record.id)] = record
    return known
