"""The one thing a revoked device may still do: deliver the adverse events and medical inquiries it holds.

Revocation must never destroy a safety record recorded offline. A revoked
device, before it wipes itself, sends its outbox's adverse events, inquiries
and amendments to either here; nothing else is taken. Each change is applied
as a push would apply it, and every one of them is also kept, as sent, in
`safety_intake` marked as from a revoked device, with what became of it: a
change the records cannot hold is refused by the records but still kept there
for pharmacovigilance. So the device is told all were delivered, and wipes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pydantic
from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from liaison.core.clock import ZERO, Stamp
from liaison.core.protocol import PushBatch, PushResponse
from liaison.core.records.kinds import PRIORITY_TABLES
from liaison.server.apply import apply_changes
from liaison.server.batches import read_body, read_changes
from liaison.server.db import lock_change_log
from liaison.server.deps import Caller, RevokedCallerDep, SessionDep
from liaison.server.errors import ApiError, invalid
from liaison.server.models import SafetyIntake

router = APIRouter(prefix="/v1")
log = logging.getLogger("liaison.server.safety")

SAFETY_TABLES = PRIORITY_TABLES


@router.post("/revoked/deliver", response_model=PushResponse)
async def deliver(request: Request, caller: RevokedCallerDep, session: SessionDep) -> PushResponse:
    """Keep a revoked device's safety changes; `accepted` lists every one kept, applied or not."""
    body = await read_body(request)
    return await run_in_threadpool(_deliver, body, caller, session)


def is_safety(raw: Any) -> bool:
    """An adverse event, a medical inquiry, or an amendment to one of them, as sent."""
    if not isinstance(raw, dict):
        return False
    table, fields = raw.get("table"), raw.get("fields")
    if table in SAFETY_TABLES:
        return True
    return table == "amendment" and isinstance(fields, dict) and fields.get("subject_table") in SAFETY_TABLES


def _deliver(body: bytes, caller: Caller, session: Session) -> PushResponse:
    try:
        batch = PushBatch.model_validate_json(body)
    except pydantic.ValidationError as exc:
        raise invalid(exc) from None
    checked, refused = read_changes(batch.changes, caller.device.id)
    safety = [change for index, change in checked if is_safety(batch.changes[index])]
    now = datetime.now(UTC)
    with session.begin():
        lock_change_log(session)
        refused.update(apply_changes(session, caller.user, safety))
        kept = [_keep(session, caller, raw, refused, now) for raw in batch.changes if is_safety(raw)]
    accepted = [change_id for change_id in kept if change_id is not None]
    log.warning(
        "revoked device %s delivered %d safety change(s), %d of them refused by the records",
        caller.device.id,
        len(accepted),
        sum(1 for change_id in accepted if change_id in refused),
    )
    newest = max((Stamp.decode(stamp) for change in safety if change.change_id not in refused for stamp in change.clocks.values()), default=ZERO)
    return PushResponse(accepted=accepted, server_clock=newest.encode())


def _keep(session: Session, caller: Caller, raw: dict[str, Any], refused: dict[str, ApiError], now: datetime) -> str | None:
    """Record one delivered safety change as sent, with its outcome; its id, or None when it has none to answer by."""
    change_id = raw.get("change_id")
    if not (isinstance(change_id, str) and 0 < len(change_id) <= 64 and "\x00" not in change_id):
        return None
    if session.get(SafetyIntake, change_id) is not None:
        return change_id  # delivered before, its answer lost
    refusal = refused.get(change_id)
    assert caller.user.id is not None
    session.add(
        SafetyIntake(
            change_id=change_id,
            device_id=caller.device.id,
            user_id=caller.user.id,
            table_name=str(raw.get("table", ""))[:40],
            record_id=str(raw.get("record_id", ""))[:64],
            change=raw,
            outcome="refused" if refusal is not None else "applied",
            reason=refusal.message if refusal is not None else None,
            received_at=now,
        )
    )
    return change_id
