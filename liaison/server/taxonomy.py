"""The insight taxonomy on the server: an administrator publishes a version, every device pulls it.

A version is an `insight_taxonomy` record, published through the same merge and
change log as a push (`liaison.server.publishing`), so it reaches devices with
their next sync. Each version is a record of its own: the history stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from liaison.core.rules.taxonomy import Taxonomy, TaxonomyError, newest, parse
from liaison.server import publishing
from liaison.server.admin import AdminError

TABLE = "insight_taxonomy"


def published_version(session: Session) -> int:
    """The newest version published so far; 0 before the first."""
    return publishing.published_version(session, TABLE)


def current(session: Session) -> Taxonomy:
    """The taxonomy in force: the newest published, or the one the server was installed with if that is newer."""
    documents = publishing.documents(session, TABLE)
    return newest(documents[-1] if documents else None)


def publish(engine: Engine, *, admin_email: str, document: Mapping[str, Any]) -> tuple[str, Taxonomy]:
    """Check and publish a taxonomy version to every device; returns its record id and the taxonomy."""
    try:
        taxonomy = parse(document)
    except TaxonomyError as exc:
        raise AdminError(str(exc)) from None
    return publishing.publish_version(engine, TABLE, admin_email=admin_email, version=taxonomy.version, document=document), taxonomy
