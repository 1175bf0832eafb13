"""Publishing a versioned document to every device: the insight taxonomy, the medical plan.

A version is a record of its own kind (`Sharing.PUBLISHED`), written through
the same merge and change log as a push (like the content library), so it
reaches devices with their next sync and the history stays. Each version must
be newer than every one published before; the check and the write share the
change log's lock, so two administrators cannot both publish the same number.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pydantic
import uuid6
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select

from liaison.core.clock import ALL_FIELDS, HybridLogicalClock
from liaison.core.protocol import Change
from liaison.core.records.kinds import kind_for
from liaison.server.admin import PUBLISHER_DEVICE, AdminError
from liaison.server.apply import apply_all
from liaison.server.db import lock_change_log
from liaison.server.models import RecordRow, User


def documents(session: Session, table: str) -> list[dict[str, Any]]:
    """Every version published in `table` and not withdrawn, oldest first."""
    rows = session.exec(select(RecordRow.fields).where(RecordRow.table_name == table)).all()
    found = [fields["document"] for fields in rows if not fields.get("deleted") and isinstance(fields.get("document"), dict)]
    return sorted(found, key=lambda document: int(document.get("version", 0)))


def published_version(session: Session, table: str) -> int:
    """The newest version published so far; 0 before the first."""
    return max((int(document.get("version", 0)) for document in documents(session, table)), default=0)


def publish_version(engine: Engine, table: str, *, admin_email: str, version: int, document: Mapping[str, Any]) -> str:
    """Publish a checked document as `version` of `table` to every device; returns the new record's id."""
    kind = kind_for(table)
    create: type[SQLModel] = kind.create
    try:
        checked = create.model_validate({"version": version, "document": dict(document)})
    except pydantic.ValidationError as exc:
        raise AdminError(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from None
    with Session(engine, expire_on_commit=False) as session:
        administrator = session.exec(select(User).where(User.email == admin_email.strip().lower())).first()
        if administrator is None or administrator.role != "admin":
            raise AdminError(f"--admin: {admin_email} is not an administrator of this server")
        now = datetime.now(UTC)
        fields = {
            **checked.model_dump(mode="json"),
            "created_at": now.isoformat(),
            "updated_at": now.isoformat(),
            "created_by": administrator.email,
            "updated_by": administrator.email,
            "device_id": PUBLISHER_DEVICE,
            "deleted": False,
            "deleted_at": None,
        }
        unknown = set(fields) - set(kind.model.model_fields)
        assert not unknown, unknown
        change = Change(
            change_id=str(uuid6.uuid7()),
            table=table,
            record_id=str(uuid6.uuid7()),
            fields=fields,
            clocks={ALL_FIELDS: HybridLogicalClock(PUBLISHER_DEVICE).tick().encode()},
            device_id=PUBLISHER_DEVICE,
        )
        session.commit()
        with session.begin():
            lock_change_log(session)
            published = published_version(session, table)
            if version <= published:
                raise AdminError(f"version: {version} is not newer than the published version {published}; raise it")
            apply_all(session, administrator, [change])
        return change.record_id
