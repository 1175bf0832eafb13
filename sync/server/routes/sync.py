"""Push and pull: the two halves of a sync round."""

from __future__ import annotations

import base64
import binascii
import zlib
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any

import pydantic
from fastapi import APIRouter, Query, Request
from sqlmodel import Session, col, select

from app.store.models import RECORD_TYPES
from sync.clock import ZERO, Stamp
from sync.merge import RecordState, merge
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_BODY_BYTES,
    MAX_PULL_LIMIT,
    PROTOCOL_VERSION,
    Change,
    PullResponse,
    PushRequest,
    PushResponse,
    ServerChange,
)
from sync.server import scope
from sync.server.db import lock_change_log
from sync.server.deps import CallerDep, SessionDep
from sync.server.errors import ApiError, invalid
from sync.server.models import ChangeLog, RecordRow

router = APIRouter(prefix="/v1")


@router.post("/push", response_model=PushResponse)
async def push(request: Request, caller: CallerDep, session: SessionDep) -> PushResponse:
    """Apply a batch of changes in one transaction: all of it, or (on any refusal) none of it."""
    body = await _read_body(request)
    try:
        batch = PushRequest.model_validate_json(body)
    except pydantic.ValidationError as exc:
        raise invalid(exc) from None
    for change in batch.changes:
        _check_shape(change, caller.device.id)
    newest = ZERO
    with session.begin():
        lock_change_log(session)
        known = set(
            session.exec(select(ChangeLog.change_id).where(col(ChangeLog.change_id).in_([c.change_id for c in batch.changes]))).all()
        )
        for change in batch.changes:
            newest = max([newest, *(Stamp.decode(stamp) for stamp in change.clocks.values())])
            if change.change_id in known:
                continue
            _apply(session, caller, change)
            known.add(change.change_id)
    return PushResponse(accepted=[change.change_id for change in batch.changes], server_clock=newest.encode())


@router.get("/pull", response_model=PullResponse)
def pull(
    caller: CallerDep,
    session: SessionDep,
    cursor: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> PullResponse:
    after = decode_cursor(cursor)
    rows = session.exec(
        select(ChangeLog)
        .where(col(ChangeLog.seq) > after, scope.visible(session, caller.user))
        .order_by(col(ChangeLog.seq))
        .limit(limit + 1)
    ).all()
    page, more = rows[:limit], len(rows) > limit
    newest = ZERO
    changes = []
    for row in page:
        change = Change(
            change_id=row.change_id, table=row.table_name, record_id=row.record_id, fields=row.fields,
            clocks=row.clocks, base_clocks=row.base_clocks, device_id=row.device_id,
        )
        newest = max([newest, *(Stamp.decode(stamp) for stamp in row.clocks.values())])
        changes.append(ServerChange(change=change, received_at=row.received_at.isoformat()))
    last = page[-1].seq if page else after
    return PullResponse(changes=changes, cursor=encode_cursor(last or 0), more=more, server_clock=newest.encode())


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"v{PROTOCOL_VERSION}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, seq = text.partition(":")
        if version != f"v{PROTOCOL_VERSION}" or not seq.isdigit():
            raise ValueError(text)
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(422, "invalid", "cursor: not a cursor this server issued; start again with an empty cursor", "cursor") from None


async def _read_body(request: Request) -> bytes:
    """The request body, un-gzipped, refused with 413 past MAX_BODY_BYTES whichever way it came."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"request body over {MAX_BODY_BYTES} bytes; send smaller batches")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise ApiError(413, "too_large", f"request body over {MAX_BODY_BYTES} bytes; send smaller batches")
    if request.headers.get("content-encoding", "").lower() != "gzip":
        return bytes(raw)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(bytes(raw), MAX_BODY_BYTES + 1)
    except zlib.error:
        raise ApiError(400, "invalid", "body: Content-Encoding says gzip but the body is not gzip") from None
    if len(body) > MAX_BODY_BYTES or inflater.unconsumed_tail:
        raise ApiError(413, "too_large", f"request body over {MAX_BODY_BYTES} bytes once decompressed; send smaller batches")
    return body


@cache
def _allowed_fields(table: str) -> frozenset[str]:
    model = RECORD_TYPES[table][0]
    return frozenset(model.model_fields) - {"id", "clocks"}


def _check_shape(change: Change, device_id: str) -> None:
    if change.device_id != device_id:
        raise ApiError(403, "forbidden", f"change {change.change_id}: was not made on this device", "device_id")
    unknown = sorted(set(change.fields) - _allowed_fields(change.table))
    if unknown:
        raise ApiError(422, "invalid", f"change {change.change_id}: {change.table} has no field {unknown[0]!r}", unknown[0])


def _apply(session: Session, caller: CallerDep, change: Change) -> None:
    existing = session.get(RecordRow, (change.table, change.record_id))
    requested_territory = change.fields.get("territory") if change.table in scope.SHARED_BY_TERRITORY else None
    scope.check_write(caller.user, change.table, change.record_id, existing, requested_territory)
    current = RecordState(existing.fields, existing.clocks) if existing else None
    result = merge(change.table, current, change.fields, change.clocks, change.base_clocks)
    territory = scope.record_territory(caller.user, change.table, requested_territory, existing)
    owner = existing.owner_user_id if existing else caller.user.id
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
