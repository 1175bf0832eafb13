"""Turning merged wire values back into typed record fields, and naming conflicts stably.

Kept apart from `repository.py` so the write path for local edits stays short;
the repository's `apply_remote` is the only caller.
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from typing import Any

import pydantic

from app.store.models import Record

CONFLICT_NAMESPACE = uuid.UUID("8f7a2c4e-5b1d-4e7f-9a3c-2d6e8b0f1a47")


@cache
def _adapter(model: type[Record], name: str) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(model.model_fields[name].annotation)


def typed(model: type[Record], name: str, value: Any) -> Any:
    """A JSON value from the wire as the Python value the column expects (datetimes, dates, enums)."""
    if name not in model.model_fields:
        raise KeyError(name)
    return _adapter(model, name).validate_python(value)


def conflict_id(table: str, record_id: str, field: str, lost_stamp: str) -> str:
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"{table}:{record_id}:{field}:{lost_stamp}"))


def amendment_id(table: str, record_id: str, changes: dict[str, Any]) -> str:
    """The same concurrent edit, met on any device, makes the same amendment record."""
    body = json.dumps(changes, sort_keys=True, default=str)
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"amendment:{table}:{record_id}:{body}"))
