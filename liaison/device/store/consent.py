"""An HCP's contact consent carries the moment it was recorded: given, or withdrawn.

The compliance review reads `contact_consent`; an auditor asks when it was
given. Every edit that records an answer (the app's form, the CLI, an import)
stamps `consent_recorded_at` here, unless the caller says when it was given,
so no write path can record consent without its time. Pulled changes carry the
stamp of the device that recorded them and do not pass through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from liaison.core.records.models import Hcp, Record
from liaison.core.types import utcnow


def on_create(model: type[Record], data: Mapping[str, Any]) -> Mapping[str, Any]:
    """A new HCP who consents is stamped now; one with no consent has nothing recorded yet."""
    if model is not Hcp or not _truthy(data.get("contact_consent")) or data.get("consent_recorded_at"):
        return data
    return {**data, "consent_recorded_at": utcnow()}


def on_update(model: type[Record], record: Record, changes: Mapping[str, Any]) -> Mapping[str, Any]:
    """A change of the answer (given, or withdrawn) is stamped now; repeating the answer held keeps its time."""
    if model is not Hcp or "contact_consent" not in changes or "consent_recorded_at" in changes:
        return changes
    if _truthy(changes["contact_consent"]) == bool(getattr(record, "contact_consent", False)):
        return changes
    return {**changes, "consent_recorded_at": utcnow()}


def _truthy(value: Any) -> bool:
    """As the model reads it: a CSV's "yes" or "true" consents, "no" or "" does not."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "on", "t"}
    return bool(value)
