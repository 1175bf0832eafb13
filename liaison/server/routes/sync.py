"""Push and pull: the two halves of a sync round."""

from __future__ import annotations

import logging
from typing import Annotated

import pydantic
from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from liaison.core.clock import ZERO, Stamp, wall_ms
from liaison.core.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT,
    Change,
    PullResponse,
    PushBatch,
    PushResponse,
)
from liaison.server import stewardship
from liaison.server.apply import apply_changes
from liaison.server.batches import answers, read_body, read_changes
from liaison.server.db import lock_change_log
from liaison.server.deps import Caller, CallerDep, SessionDep
from liaison.server.errors import invalid
from liaison.server.pages import read_page

router = APIRouter(prefix="/v1")
log = logging.getLogger("liaison.server.push")


@router.post("/push", response_model=PushResponse)
async def push(request: Request, caller: CallerDep, session: SessionDep) -> PushResponse:
    """Apply every acceptable change of a batch in one transaction, and answer each refused one with its reason.

    The body is read on the event loop; the database work runs on the thread
    pool, so a push waiting for the append lock never stalls other requests.
    """
    body = await read_body(request)
    return await run_in_threadpool(_apply_push, body, caller, session)


def _apply_push(body: bytes, caller: Caller, session: Session) -> PushResponse:
    try:
        batch = PushBatch.model_validate_json(body)
    except pydantic.ValidationError as exc:
        raise invalid(exc) from None
    checked, refused = read_changes(batch.changes, caller.device.id)
    with session.begin():
        lock_change_log(session)
        refused.update(apply_changes(session, caller.user, [change for _, change in checked]))
        stewardship.follow_merges(session, [change for _, change in checked if change.change_id not in refused])
    accepted = [change for _, change in checked if change.change_id not in refused]
    for change_id, refusal in refused.items():
        log.info("push from device %s: change %s refused (%s)", caller.device.id, change_id, refusal.code)
    return PushResponse(
        accepted=[change.change_id for change in accepted],
        refused=answers(batch.changes, checked, refused),
        server_clock=_server_clock(accepted).encode(),
    )


def _server_clock(accepted: list[Change]) -> Stamp:
    """The server's own time: the later of its wall clock and the newest accepted stamp (every one of which
    passed `check_clocks`), so a device whose clock runs slow catches up when it observes it."""
    newest = max((Stamp.decode(stamp) for change in accepted for stamp in change.clocks.values()), default=ZERO)
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
