"""The device's audit anchor: send new links at every sync, read back the anchor to verify against."""

from __future__ import annotations

from typing import Annotated

import pydantic
from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from liaison.core.protocol import MAX_ANCHOR_LINKS, MAX_SEQ, AnchorLinksPage, AnchorRequest, AnchorState
from liaison.server import anchors
from liaison.server.batches import read_body
from liaison.server.deps import CallerDep, SessionDep
from liaison.server.errors import invalid

router = APIRouter(prefix="/v1/audit")


@router.post("/anchor", response_model=AnchorState)
async def anchor(request: Request, caller: CallerDep, session: SessionDep) -> AnchorState:
    """Anchor the calling device's new audit links; a break is recorded and reported, never refused.

    The body (an `AnchorRequest`) is read as push reads it: size-capped, gzip allowed.
    """
    body = await read_body(request)
    try:
        sent = AnchorRequest.model_validate_json(body)
    except pydantic.ValidationError as exc:
        raise invalid(exc) from None
    return await run_in_threadpool(anchors.anchor, session, caller.device.id, sent.head_seq, sent.links)


@router.get("/anchor", response_model=AnchorState)
def anchor_state(caller: CallerDep, session: SessionDep) -> AnchorState:
    """The calling device's anchored head and any breaks recorded for it."""
    return anchors.state(session, caller.device.id)


@router.get("/links", response_model=AnchorLinksPage)
def anchored_links(
    caller: CallerDep,
    session: SessionDep,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_ANCHOR_LINKS)] = 1000,
) -> AnchorLinksPage:
    """The calling device's anchored links after position `after`, to find where a chain and its anchor part."""
    page, more = anchors.links(session, caller.device.id, after, limit)
    return AnchorLinksPage(links=page, more=more)
