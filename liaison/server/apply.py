"""Applying one incoming change on the server: shape, scope, merge, change log. Used by push and by admin publishing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pydantic
from sqlalchemy import insert
from sqlmodel import Session, col, select

from liaison.core.clock import ALL_FIELDS, MAX_AHEAD_MS, Stamp, describe_ahead, wall_ms
from liaison.core.erasure import RECEIPT_TABLE, pseudonym, receipt_id
from liaison.core.errors import ValidationError
from liaison.core.merge import RecordState, merge
from liaison.core.protocol import HELD, Change
from liaison.core.records.kinds import kind_for
from liaison.core.records.shape import check_values
from liaison.server import erasure, scope
from liaison.server.db import among, next_seqs
from liaison.server.errors import ApiError
from liaison.server.models import ChangeLog, FreshRecord, RecordRow, StoredRecord, User


@cache
def _allowed_fields(table: str) -> frozenset[str]:
    model = kind_for(table).model
    return frozenset(model.model_fields) - {"id", "clocks"}


def check_shape(change: Change, device_id: str) -> None:
    """Refuse a change that is not this device's, names a field its record does not have, or holds a value
    another device could not store: accepted, it would stop every device of the territory at that change."""
    if change.device_id != device_id:
        raise ApiError(403, "forbidden", f"change {change.change_id}: was not made on this device", "device_id")
    unknown = sorted(set(change.fields) - _allowed_fields(change.table))
    if unknown:
        raise ApiError(422, "invalid", f"change {change.change_id}: {change.table} has no field {unknown[0]!r}", unknown[0])
    try:
        check_values(kind_for(change.table).model, change.fields)
    except ValidationError as problem:
        raise ApiError(422, "invalid", f"change {change.change_id}: {change.table}.{problem}", problem.field) from None
    check_clocks(change, wall_ms())


def check_clocks(change: Change, now_ms: int) -> None:
    """Refuse a change stamped further ahead of the server's clock than `MAX_AHEAD_MS`: kept, its stamp
    would win every later edit of those fields and drag the clock of every device that pulls it.

    Its `base_clocks` are not checked: they name values the device already holds.
    """
    for name, text in change.clocks.items():
        ahead = Stamp.decode(text).wall_ms - now_ms
        if ahead > MAX_AHEAD_MS:
            written = change.table if name == ALL_FIELDS else f"{change.table}.{name}"
            raise ApiError(
                422,
                "clock_ahead",
                f"change {change.change_id}: {written} stamped {describe_ahead(ahead)} ahead of the server's clock; "
                "check this device's date and time",
                "clocks",
            )


def apply_changes(session: Session, user: User, changes: Sequence[Change], *, stewarding: bool = False) -> dict[str, ApiError]:
    """Merge a batch into the records and append it to the change log, in the batch's order; the refused changes, by id.

    Each change is judged on its own: one the caller may not make is refused
    with its reason and the rest of the batch still applies. A record's changes
    keep their order, so once one of them is refused the record's later changes
    in the batch are refused too (`held`) rather than applied over a gap.
    Changes already in the log (a batch re-sent after a lost answer) are skipped.
    Existing records are read in one query per table; the log rows, and the
    records met for the first time, are each written in one statement: a
    1,000-change push costs a handful of round trips.
    A change about an erased HCP is scrubbed before it is merged or logged, and
    an erasure receipt scrubs what the server already holds (`erasure`).
    A change to evidence already held (`scope.check_write_once`) is refused.
    A requested HCP's rows are logged for its requester alone (`scope.log_territory`).
    `stewarding` is the data steward's merge (`liaison.server.stewardship`), never a push: it may re-point
    other users' records, and keeps each record's author.
    """
    author = user.id
    assert author is not None, "the authenticated user is stored"
    ids = [change.change_id for change in changes]
    seen = set(session.exec(select(ChangeLog.change_id).where(among(session, col(ChangeLog.change_id), ids))).all()) if ids else set()
    records: dict[tuple[str, str], StoredRecord] = dict(_preload(session, changes))
    incoming = erasure.Incoming.load(session, changes, records)
    erased: list[erasure.Erased] = []
    refused: dict[str, ApiError] = {}
    blocked: dict[tuple[str, str], str] = {}
    now = datetime.now(UTC)
    log_rows: list[dict[str, Any]] = []
    touched: list[StoredRecord] = []
    fresh: list[FreshRecord] = []
    for change in changes:
        if change.change_id in seen:
            continue
        seen.add(change.change_id)
        key = (change.table, change.record_id)
        existing = records.get(key)
        if key in blocked:
            refused[change.change_id] = held(change, blocked[key])
            continue
        requested_territory = change.fields.get("territory") if change.table in scope.SHARED_BY_TERRITORY else None
        try:
            scope.check_write_once(change, existing)
            hcp = _erased_hcp(session, user, records, change, existing) if change.table == RECEIPT_TABLE else None
            if not stewarding:
                scope.check_write(user, change.table, change.record_id, existing, requested_territory)
            scope.check_stewarded(user, change, existing)
            fields = attributed(change, _json(incoming.fields(change, existing)), user, first_write=existing is None, restamping=stewarding)
            if stewarding and existing is not None and "created_by" in existing.fields:
                fields["created_by"] = existing.fields["created_by"]
        except ApiError as refusal:
            refused[change.change_id] = refusal
            blocked[key] = change.change_id
            continue
        new_receipt = change.table == RECEIPT_TABLE and existing is None
        if new_receipt:
            fields["erased_by"] = user.email  # who erased is whoever the server authenticated, not what the device says
        current = RecordState(existing.fields, existing.clocks) if existing else None
        result = merge(change.table, current, fields, change.clocks, change.base_clocks)
        territory = scope.record_territory(user, change.table, requested_territory, existing)
        owner = existing.owner_user_id if existing else author
        if existing is None:
            existing = FreshRecord(change.table, change.record_id, result.state.fields, result.state.clocks, owner, territory)
            records[key] = existing
            fresh.append(existing)
        else:
            existing.fields = result.state.fields  # JSON values already: stored ones merged with the change's
            existing.clocks = result.state.clocks
        touched.append(existing)
        log_rows.append(
            {
                "change_id": change.change_id,
                "table_name": change.table,
                "record_id": change.record_id,
                "fields": fields,
                "clocks": change.clocks,
                "base_clocks": change.base_clocks,
                "device_id": change.device_id,
                "owner_user_id": owner,
                "territory": scope.log_territory(change.table, existing.fields, territory),
                "received_at": now,
            }
        )
        if new_receipt and hcp is not None:
            erased.append(erasure.erase(session, hcp, records.values()))
            incoming.add(erased[-1].erasure)
    if not log_rows:
        return refused
    seqs = _append_log(session, log_rows)
    for record, seq in zip(touched, seqs, strict=True):
        record.updated_seq = seq
    if fresh:
        session.execute(RecordRow.__table__.insert(), [_columns(record) for record in fresh])  # type: ignore[attr-defined]
    for done in erased:
        erasure.scrub_log(session, done)
    return refused


def apply_all(session: Session, user: User, changes: Sequence[Change], *, stewarding: bool = False) -> None:
    """`apply_changes` for the server's own publishing (and the data steward's decisions), where any refusal is a fault: the first one is raised."""
    refused = apply_changes(session, user, changes, stewarding=stewarding)
    if refused:
        raise next(iter(refused.values()))


def held(change: Change, refused_id: str) -> ApiError:
    """The refusal of a change that waits for an earlier, refused change to the same record."""
    return ApiError(
        409, HELD, f"change {change.change_id}: waits for change {refused_id} to {change.table} {change.record_id}, which was refused", None
    )


def attributed(change: Change, fields: dict[str, Any], user: User, *, first_write: bool, restamping: bool = False) -> dict[str, Any]:
    """The change's fields with who wrote them taken from the caller: a device says what changed, never who changed it.

    `created_by` is the caller on a record's first write and kept as it was after;
    `updated_by` is the caller (in the form devices stamp, the e-mail address) and
    `device_id` the device that sent the change; so is a field the kind declares
    `authored` (who ticked a follow-up off) wherever the change sets it. A change stamped by another
    device's clock is refused: merged, it would win or lose as that device's write. The data steward's
    approval (`restamping`) is the exception: it re-sends the fields the server holds with their own stamps,
    so that only what it sets is new and no edit the requester made meanwhile is overtaken.
    """
    strangers = sorted({Stamp.decode(stamp).device for stamp in change.clocks.values()} - {change.device_id})
    if strangers and not restamping:
        raise ApiError(
            422,
            "invalid",
            f"change {change.change_id}: {change.table} is stamped by device {strangers[0]!r}, not by the device that sent it",
            "clocks",
        )
    attributed = {name: value for name, value in fields.items() if name != "created_by"}
    if first_write:
        attributed["created_by"] = user.email
    attributed["updated_by"] = user.email
    attributed["device_id"] = change.device_id
    for name in kind_for(change.table).authored:
        if attributed.get(name):
            attributed[name] = user.email  # "done by" whoever signed in, whatever name the device wrote
    return attributed


def _append_log(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Write the batch's change-log rows in order; their sequence numbers, in the same order."""
    drawn = next_seqs(session, len(rows))
    if drawn is None:
        return list(session.execute(insert(ChangeLog).returning(col(ChangeLog.seq), sort_by_parameter_order=True), rows).scalars().all())
    for row, seq in zip(rows, drawn, strict=True):
        row["seq"] = seq
    session.execute(ChangeLog.__table__.insert(), rows)  # type: ignore[attr-defined]
    return drawn


def _columns(record: FreshRecord) -> dict[str, Any]:
    """A record first met in this batch, as one row of a single insert (the ORM would add them one by one)."""
    return {
        "table_name": record.table_name,
        "record_id": record.record_id,
        "fields": record.fields,
        "clocks": record.clocks,
        "owner_user_id": record.owner_user_id,
        "territory": record.territory,
        "updated_seq": record.updated_seq,
    }


def _erased_hcp(
    session: Session, user: User, records: dict[tuple[str, str], StoredRecord], change: Change, existing: StoredRecord | None
) -> StoredRecord | None:
    """The HCP a receipt erases, once the caller may erase them and the receipt is the one every node would write."""
    hcp_id = change.fields.get("hcp_id") or (existing.fields.get("hcp_id") if existing is not None else None)
    hcp = (records.get(("hcp", hcp_id)) or session.get(RecordRow, ("hcp", hcp_id))) if isinstance(hcp_id, str) and hcp_id else None
    scope.check_erasure(user, change.record_id, hcp_id, hcp)
    assert isinstance(hcp_id, str)
    if change.record_id != receipt_id(hcp_id):
        raise ApiError(422, "invalid", f"change {change.change_id}: an erasure of HCP {hcp_id} must have record id {receipt_id(hcp_id)}", "record_id")
    if change.fields.get("pseudonym", pseudonym(hcp_id)) != pseudonym(hcp_id):
        raise ApiError(422, "invalid", f"change {change.change_id}: the pseudonym of HCP {hcp_id} is {pseudonym(hcp_id)!r}", "pseudonym")
    return hcp


def _preload(session: Session, changes: Sequence[Change]) -> dict[tuple[str, str], RecordRow]:
    by_table: dict[str, set[str]] = {}
    for change in changes:
        by_table.setdefault(change.table, set()).add(change.record_id)
    found: dict[tuple[str, str], RecordRow] = {}
    for table, ids in by_table.items():
        for row in session.exec(select(RecordRow).where(RecordRow.table_name == table, among(session, col(RecordRow.record_id), sorted(ids)))):
            found[(table, row.record_id)] = row
    return found


_JSON_OBJECT = pydantic.TypeAdapter(dict[str, Any])
"""Built once: building a TypeAdapter costs more than using it."""


def _json(fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = _JSON_OBJECT.dump_python(fields, mode="json")
    return values
