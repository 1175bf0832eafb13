"""Administration the CLI (and tests, and the demo) perform on the server's database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pydantic
import uuid6
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from liaison.core.clock import ALL_FIELDS, HybridLogicalClock
from liaison.core.errors import LiaisonError
from liaison.core.protocol import Change
from liaison.core.records.models import ContentItem, ContentItemCreate
from liaison.server.apply import apply_all
from liaison.server.db import lock_change_log, writing
from liaison.server.models import ROLES, Device, EnrollCode, User
from liaison.server.security import hash_code, new_enroll_code


class AdminError(LiaisonError):
    """A refused administrative action, in one line naming what is wrong."""


def create_user(engine: Engine, *, email: str, name: str, role: str, territory: str | None = None, manager_email: str | None = None) -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise AdminError(f"email: {email!r} is not an e-mail address")
    if role not in ROLES:
        raise AdminError(f"role: must be one of {', '.join(ROLES)}")
    if not name.strip():
        raise AdminError("name: must not be blank")
    with Session(engine, expire_on_commit=False) as session:
        writing(session)
        manager_id = None
        if manager_email:
            manager = _user(session, manager_email)
            if manager.role != "manager":
                raise AdminError(f"manager: {manager.email} is not a manager")
            manager_id = manager.id
        user = User(email=email, name=name.strip(), role=role, territory=territory, manager_id=manager_id, created_at=datetime.now(UTC))
        session.add(user)
        try:
            session.commit()
        except IntegrityError:
            raise AdminError(f"email: a user {email} already exists") from None
        return user


def enroll_code(engine: Engine, *, email: str, minutes: int = 60) -> str:
    """A one-time code the user types on the new device; only its hash is kept."""
    if minutes <= 0:
        raise AdminError("ttl: must be at least one minute")
    code = new_enroll_code()
    with Session(engine) as session:
        writing(session)
        user = _user(session, email)
        assert user.id is not None, "a stored user has an id"
        session.add(EnrollCode(code_hash=hash_code(code), user_id=user.id, expires_at=datetime.now(UTC) + timedelta(minutes=minutes)))
        session.commit()
    return code


def revoke_device(engine: Engine, device_id: str) -> Device:
    with Session(engine, expire_on_commit=False) as session:
        writing(session)
        device = session.get(Device, device_id)
        if device is None:
            raise AdminError(f"device: no device {device_id}")
        if device.revoked_at is None:
            device.revoked_at = datetime.now(UTC)
            session.add(device)
            session.commit()
        return device


@dataclass(frozen=True)
class DeviceRow:
    id: str
    name: str
    user_email: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


def list_devices(engine: Engine) -> list[DeviceRow]:
    with Session(engine) as session:
        rows = session.exec(select(Device, User).where(Device.user_id == User.id).order_by(col(Device.created_at))).all()
        return [DeviceRow(d.id, d.name, u.email, d.created_at, d.last_seen_at, d.revoked_at) for d, u in rows]


def _user(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise AdminError(f"email: no user {email}; create it with 'liaison-server create-user'")
    return user


PUBLISHER_DEVICE = "server-content-library"
"""The device id stamped on content the server itself publishes."""


def publish_content(engine: Engine, *, admin_email: str, items: Sequence[Mapping[str, Any]]) -> list[str]:
    """Publish approved content items to every device, through the same merge and change log as a push."""
    with Session(engine, expire_on_commit=False) as session:
        admin_user = _user(session, admin_email)
        if admin_user.role != "admin":
            raise AdminError(f"email: {admin_email} is not an administrator")
        clock = HybridLogicalClock(PUBLISHER_DEVICE)
        changes: list[Change] = []
        for number, item in enumerate(items, start=1):
            try:
                checked = ContentItemCreate.model_validate(item)
            except pydantic.ValidationError as exc:
                first = exc.errors()[0]
                raise AdminError(f"item {number}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
            now = datetime.now(UTC)
            fields = {
                **checked.model_dump(mode="json"),
                "created_at": now.isoformat(),
                "updated_at": now.isoformat(),
                "created_by": admin_user.email,
                "updated_by": admin_user.email,
                "device_id": PUBLISHER_DEVICE,
                "deleted": False,
                "deleted_at": None,
            }
            unknown = set(fields) - set(ContentItem.model_fields)
            assert not unknown, unknown
            changes.append(
                Change(
                    change_id=str(uuid6.uuid7()),
                    table="content_item",
                    record_id=str(uuid6.uuid7()),
                    fields=fields,
                    clocks={ALL_FIELDS: clock.tick().encode()},
                    device_id=PUBLISHER_DEVICE,
                )
            )
        session.commit()
        with session.begin():
            lock_change_log(session)
            apply_all(session, admin_user, changes)
        return [change.record_id for change in changes]
