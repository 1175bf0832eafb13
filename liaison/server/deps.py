"""FastAPI dependencies: the database session and who is asking."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session, select

from liaison.core.protocol import DEVICE_REVOKED
from liaison.server.db import writing
from liaison.server.errors import ApiError
from liaison.server.models import Device, User
from liaison.server.security import hash_token

SEEN_GRANULARITY = timedelta(minutes=1)


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    with Session(engine_of(request), expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True)
class Caller:
    device: Device
    user: User


def get_caller(request: Request, session: SessionDep) -> Caller:
    """Every route but health and enroll needs a valid, unrevoked device token."""
    device, user = _token_holder(request, session)
    if device.revoked_at is not None:
        raise ApiError(401, DEVICE_REVOKED, "this device was revoked by an administrator")
    _seen(session, device)
    return Caller(device=device, user=user)


REVOKED_DELIVERY_WINDOW = timedelta(days=30)
"""How long after its revocation a device may still deliver the adverse events and inquiries it holds:
long enough for a device left in a drawer to come back online, short enough that an old token is dead."""


def get_revoked_caller(request: Request, session: SessionDep) -> Caller:
    """A device revoked within `REVOKED_DELIVERY_WINDOW`: the one route it may use delivers its safety records."""
    device, user = _token_holder(request, session)
    if device.revoked_at is None:
        raise ApiError(409, "not_revoked", "this device is not revoked; push its changes as usual")
    if datetime.now(UTC) - device.revoked_at > REVOKED_DELIVERY_WINDOW:
        raise ApiError(401, "unauthorized", "this device was revoked too long ago to deliver anything")
    return Caller(device=device, user=user)


def _token_holder(request: Request, session: Session) -> tuple[Device, User]:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "a device token is required (Authorization: Bearer …)")
    device = session.exec(select(Device).where(Device.token_hash == hash_token(token.strip()))).first()
    if device is None:
        raise ApiError(401, "unauthorized", "the server does not recognise this device token")
    user = session.get(User, device.user_id)
    if user is None:
        raise ApiError(401, "unauthorized", "the device's user no longer exists")
    session.commit()  # routes start their own transaction
    return device, user


def _seen(session: Session, device: Device) -> None:
    now = datetime.now(UTC)
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_GRANULARITY:
        writing(session)
        device.last_seen_at = now
        session.add(device)
        session.commit()


CallerDep = Annotated[Caller, Depends(get_caller)]
RevokedCallerDep = Annotated[Caller, Depends(get_revoked_caller)]
