"""The medical plan on the server: medical affairs publishes a version, every device pulls it, the dashboard counts against it.

Published like the insight taxonomy (`liaison.server.publishing`): each version
a `medical_plan` record of its own, newer than the last. There is no bundled
plan: until one is published, the server and the devices have none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from liaison.core.rules.medical_plan import MedicalPlan, PlanError, parse, readable
from liaison.server import publishing
from liaison.server.admin import AdminError

TABLE = "medical_plan"


def published_version(session: Session) -> int:
    """The newest version published so far; 0 before the first."""
    return publishing.published_version(session, TABLE)


def current(session: Session) -> MedicalPlan | None:
    """The plan in force: the newest published that this server can read."""
    for document in reversed(publishing.documents(session, TABLE)):
        plan = readable(document)
        if plan is not None:
            return plan
    return None


def publish(engine: Engine, *, admin_email: str, document: Mapping[str, Any]) -> tuple[str, MedicalPlan]:
    """Check and publish a plan version to every device; returns its record id and the plan."""
    try:
        plan = parse(document)
    except PlanError as exc:
        raise AdminError(str(exc)) from None
    return publishing.publish_version(engine, TABLE, admin_email=admin_email, version=plan.version, document=document), plan
