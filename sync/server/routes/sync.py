"""Push and pull: the two halves of a sync round."""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Sequence
from typing import Annotated

import pydantic
from fastapi import APIRouter, Query, Request
from sqlalchemy import union
from sqlmodel import Session, col, func, select
from starlette.concurrency import run_in_threadpool

from sync.clock import ZERO, Stamp
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
from sync.server.apply import apply_changes, check_shape
from sync.server.db import lock_change_log
from sync.server.deps import Caller, CallerDep, SessionDep
from sync.server.errors import ApiError, invalid
from sync.server.models import ChangeLog

router = APIRouter(prefix="/v1")


@router.post("/push", response_model=PushResponse)
async def push(request: Request, caller: CallerDep, session: SessionDep) -> PushResponse:
    """Apply a batch of changes in one transaction: all of it, or (on any refusal) none of it.

    The body is read on the event loop; the database work runs on the thread
    pool, so a push waiting for the append lock never stalls other requests.
    """
    body = await _read_body(request)
    return await run_in_threadpool(_apply_push, body, caller, session)


def _apply_push(body: bytes, caller: Caller, session: Session) -> PushResponse:
    try:
        batch = PushRequest.model_validate_json(body)
    except pydantic.ValidationError as exc:
        raise invalid(exc) from None
    for change in batch.changes:
        check_shape(change, caller.device.id)
    newest = max((Stamp.decode(stamp) for change in batch.changes for stamp in change.clocks.values()), default=ZERO)
    with session.begin():
        lock_change_log(session)
        apply_changes(session, caller.user, batch.changes)
    return PushResponse(accepted=[change.change_id for change in batch.changes], server_clock=newest.encode())


@router.get("/pull", response_model=PullResponse)
def pull(
    caller: CallerDep,
    session: SessionDep,
    cursor: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> PullResponse:
    """The caller's next page of changes made elsewhere.

    A device's own changes are not echoed back. When the page is the last one the
    cursor moves to the log's end as it stood before the page was read, past
    rows the caller may not see or made itself, so a caught-up device's next
    pull scans nothing whatever the log's size. That is safe because pushes
    commit in sequence order (see `lock_change_log`): every row up to that end
    was already committed, so none can appear behind the cursor later.
    """
    after = decode_cursor(cursor)
    end = session.exec(select(func.max(ChangeLog.seq))).one() or 0
    rows = _next_rows(session, caller, after, limit + 1)
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
    read_to = (page[-1].seq or 0) if page else after
    last = read_to if more else max(read_to, end)
    session.commit()  # end the read now: on SQLite it holds the write lock (BEGIN IMMEDIATE)
    return PullResponse(changes=changes, cursor=encode_cursor(last), more=more, server_clock=newest.encode())


def _next_rows(session: Session, caller: Caller, after: int, count: int) -> Sequence[ChangeLog]:
    """The first `count` rows after the cursor that the caller may see and did not make.

    Each branch of visibility (own records, territory, library, team) is read as
    its own index range and cut at `count`, then the branches are merged: a new
    device on a server holding millions of other people's changes reads only
    its own share, where one OR-ed scan would walk the whole log.
    """
    firsts = [
        select(ChangeLog.seq)
        .where(col(ChangeLog.seq) > after, col(ChangeLog.device_id) != caller.device.id, branch)
        .order_by(col(ChangeLog.seq))
        .limit(count)
        .subquery()
        for branch in scope.visible_branches(session, caller.user)
    ]
    candidates = union(*(select(first.c.seq) for first in firsts)).subquery()
    return session.exec(
        select(ChangeLog).where(col(ChangeLog.seq).in_(select(candidates.c.seq))).order_by(col(ChangeLog.seq)).limit(count)
    ).all()


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
