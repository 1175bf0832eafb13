"""Push and pull: the two halves of a sync round."""

from __future__ import annotations

import zlib
from typing import Annotated

import pydantic
from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from sync.clock import ZERO, Stamp, wall_ms
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_BODY_BYTES,
    MAX_PULL_LIMIT,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.server.apply import apply_changes, check_shape
from sync.server.db import lock_change_log
from sync.server.deps import Caller, CallerDep, SessionDep
from sync.server.errors import ApiError, invalid
from sync.server.pages import read_page

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
    with session.begin():
        lock_change_log(session)
        apply_changes(session, caller.user, batch.changes)
    return PushResponse(accepted=[change.change_id for change in batch.changes], server_clock=_server_clock(batch).encode())


def _server_clock(batch: PushRequest) -> Stamp:
    """The server's own time: the later of its wall clock and the batch's newest stamp (every one of which
    passed `check_clocks`), so a device whose clock runs slow catches up when it observes it."""
    newest = max((Stamp.decode(stamp) for change in batch.changes for stamp in change.clocks.values()), default=ZERO)
    return max(newest, Stamp(wall_ms(), 0, ""))


@router.get("/pull", response_model=PullResponse)
def pull(
    caller: CallerDep,
    session: SessionDep,
    cursor: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
    count: Annotated[bool, Query(description="also say how many changes remain, this page's included")] = False,
) -> Response:
    """The caller's next page of changes made elsewhere (see `pages.read_page`)."""
    body = read_page(session, caller.user, caller.device, cursor, limit, count=count)
    session.commit()  # end the read now rather than after the response is sent
    return Response(content=body, media_type="application/json")


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
