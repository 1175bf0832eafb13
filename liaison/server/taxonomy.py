"""The insight taxonomy on the server: an administrator publishes a version, every device pulls it.

A version is an `insight_taxonomy` record, published through the same merge and
change log as a push (like the content library), so it reaches devices with
their next sync. Each version is a record of its own: the history stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pydantic
import uuid6
from sqlalchemy import Engine
from sqlmodel import Session, select

from liaison.core.clock import ALL_FIELDS, HybridLogicalClock
from liaison.core.protocol import Change
from liaison.core.records.models import InsightTaxonomy, InsightTaxonomyCreate
from liaison.core.rules.taxonomy import Taxonomy, TaxonomyError, newest, parse
from liaison.server.admin import PUBLISHER_DEVICE, AdminError
from liaison.server.apply import apply_all
from liaison.server.db import lock_change_log
from liaison.server.models import RecordRow, User

TABLE = "insight_taxonomy"


def published_version(session: Session) -> int:
    """The newest version published so far; 0 before the first."""
    return max((int(document.get("version", 0)) for document in _documents(session)), default=0)


def current(session: Session) -> Taxonomy:
    """The taxonomy in force: the newest published, or the one the server was installed with if that is newer."""
    documents = sorted(_documents(session), key=lambda document: int(document.get("version", 0)))
    return newest(documents[-1] if documents else None)


def publish(engine: Engine, *, admin_email: str, document: Mapping[str, Any]) -> tuple[str, Taxonomy]:
    """Check and publish a taxonomy version to every device; returns its record id and the taxonomy."""
    try:
        taxonomy = parse(document)
    except TaxonomyError as exc:
        raise AdminError(str(exc)) from None
    try:
        checked = InsightTaxonomyCreate.model_validate({"version": taxonomy.version, "document": dict(document)})
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
        unknown = set(fields) - set(InsightTaxonomy.model_fields)
        assert not unknown, unknown
        change = Change(
            change_id=str(uuid6.uuid7()),
            table=TABLE,
            record_id=str(uuid6.uuid7()),
            fields=fields,
            clocks={ALL_FIELDS: HybridLogicalClock(PUBLISHER_DEVICE).tick().encode()},
            device_id=PUBLISHER_DEVICE,
        )
        session.commit()
        with session.begin():
            lock_change_log(session)
            published = published_version(session)
            if taxonomy.version <= published:
                raise AdminError(f"version: {taxonomy.version} is not newer than the published version {published}; raise it")
            apply_all(session, administrator, [change])
        return change.record_id, taxonomy


def _documents(session: Session) -> list[dict[str, Any]]:
    rows = session.exec(select(RecordRow.fields).where(RecordRow.table_name == TABLE)).all()
    return [fields["document"] for fields in rows if not fields.get("deleted") and isinstance(fields.get("document"), dict)]
