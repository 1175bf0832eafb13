"""Health (the client's connectivity probe), enrolment, who-am-I and retiring a device."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from liaison.core.protocol import PROTOCOL_VERSION, EnrollRequest, EnrollResponse
from liaison.server.db import writing
from liaison.server.deps import CallerDep, SessionDep
from liaison.server.errors import ApiError
from liaison.server.models import Device, EnrollCode, User
from liaison.server.security import hash_code, hash_token, new_token

router = APIRouter(prefix="/v1")


@router.get("/health")
def health() -> dict[str, object]:
    return {"status": "ok", "protocol": PROTOCOL_VERSION}


@router.post("/enroll", response_model=EnrollResponse)
def enroll(request: EnrollRequest, session: SessionDep) -> EnrollResponse:
    """Trade a one-time code for this device's own bearer token."""
    now = datetime.now(UTC)
    writing(session)
    code = session.exec(select(EnrollCode).where(EnrollCode.code_hash == hash_code(request.code)).with_for_update()).first()
    if code is None:
        raise ApiError(401, "invalid_code", "that enrolment code is not valid", "code")
    if code.used_at is not None:
        raise ApiError(401, "invalid_code", "that enrolment code was already used; ask for a new one", "code")
    if code.expires_at <= now:
        raise ApiError(401, "invalid_code", "that enrolment code has expired; ask for a new one", "code")
    user = session.get(User, code.user_id)
    assert user is not None
    if session.get(Device, request.device_id) is not None:
        raise ApiError(409, "device_exists", "a device with this id is already enrolled", "device_id")
    assert user.id is not None, "a signed-in user has been saved"
    token = new_token()
    code.used_at = now
    session.add(code)
    session.add(Device(id=request.device_id, user_id=user.id, name=request.device_name, token_hash=hash_token(token), created_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(409, "device_exists", "a device with this id is already enrolled", "device_id") from None
    return EnrollResponse(device_id=request.device_id, token=token, user_email=user.email, user_name=user.name, territory=user.territory)


@router.get("/me")
def me(caller: CallerDep) -> dict[str, object]:
    return {
        "device_id": caller.device.id,
        "user_email": caller.user.email,
        "user_name": caller.user.name,
        "role": caller.user.role,
        "territory": caller.user.territory,
    }


@router.post("/retire", status_code=204)
def retire(caller: CallerDep, session: SessionDep) -> Response:
    """The device is being handed back: its token stops working now."""
    writing(session)
    device = session.get(Device, caller.device.id)
    assert device is not None
    device.revoked_at = datetime.now(UTC)
    session.add(device)
    session.commit()
    return Response(status_code=204)
