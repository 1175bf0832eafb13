"""Applying one incoming change on the server: shape, scope, merge, change log. Used by push and by admin publishing."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import pydantic
from sqlmodel import Session

from app.store.models import RECORD_TYPES
from sync.merge import RecordState, merge
from sync.protocol import Change
from sync.server import scope
from sync.server.errors import ApiError
from sync.server.models import ChangeLog, RecordRow, User


@cache
def _allowed_fields(table: str) -> frozenset[str]:
    model = RECORD_TYPES[table][0]
    return frozenset(model.model_fields) - {"id", "clocks"}


def check_shape(change: Change, device_id: str) -> None:
    if change.device_id != device_id:
        raise ApiError(403, "forbidden", f"change {change.change_id}: was not made on this device", "device_id")
    unknown = sorted(set(change.fields) - _allowed_fields(change.table))
    if unknown:
        raise ApiError(422, "invalid", f"change {change.change_id}: {change.table} has no field {unknown[0]!r}", unknown[0])


def apply_change(session: Session, user: User, change: Change) -> None:
    existing = session.get(RecordRow, (change.table, change.record_id))
    requested_territory = change.fields.get("territory") if change.table in scope.SHARED_BY_TERRITORY else None
    scope.check_write(user, change.table, change.record_id, existing, requested_territory)
    current = RecordState(existing.fields, existing.clocks) if existing else None
    result = merge(change.table, current, change.fields, change.clocks, change.base_clocks)
    territory = scope.record_territory(user, change.table, requested_territory, existing)
    owner = existing.owner_user_id if existing else user.id
    entry = ChangeLog(
        change_id=change.change_id, table_name=change.table, record_id=change.record_id, fields=_json(change.fields),
        clocks=change.clocks, base_clocks=change.base_clocks, device_id=change.device_id, owner_user_id=owner,
        territory=territory, received_at=datetime.now(UTC),
    )
    session.add(entry)
    session.flush()
    if existing is None:
        existing = RecordRow(table_name=change.table, record_id=change.record_id, fields={}, clocks={}, owner_user_id=owner, territory=territory, updated_seq=0)
    existing.fields = _json(result.state.fields)
    existing.clocks = result.state.clocks
    existing.updated_seq = entry.seq or 0
    session.add(existing)


def _json(fields: dict[str, Any]) -> dict[str, Any]:
    return pydantic.TypeAdapter(dict[str, Any]).dump_python(fields, mode="json")
