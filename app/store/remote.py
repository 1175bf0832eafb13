"""Turning merged wire values back into typed record fields, and naming conflicts stably.

Kept apart from `repository.py` so the write path for local edits stays short;
the repository's `apply_remote` is the only caller.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from functools import cache
from types import UnionType
from typing import Any, Union, get_args, get_origin

import pydantic

from app.store.models import Record

CONFLICT_NAMESPACE = uuid.UUID("8f7a2c4e-5b1d-4e7f-9a3c-2d6e8b0f1a47")


@cache
def _adapter(model: type[Record], name: str) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(model.model_fields[name].annotation)


@cache
def _already_typed(model: type[Record], name: str) -> Callable[[Any], bool]:
    """A cheap check that a JSON value is already the column's type (str, int, list of str…).

    Most wire values are; only those that fail it (datetimes, enums, nested
    models, or a value of the wrong type) pay for full pydantic validation.
    """
    return _plain_check(model.model_fields[name].annotation) or (lambda value: False)


def _plain_check(annotation: Any) -> Callable[[Any], bool] | None:
    if annotation is bool:
        return lambda value: isinstance(value, bool)
    if annotation in (str, int, float, type(None)):
        return lambda value: type(value) is annotation
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        checks = [_plain_check(arg) for arg in args]
        if all(checks):
            return lambda value: any(check(value) for check in checks)  # type: ignore[misc]
    if origin is list and len(args) == 1 and (item := _plain_check(args[0])):
        return lambda value: isinstance(value, list) and all(item(element) for element in value)
    return None


def typed(model: type[Record], name: str, value: Any) -> Any:
    """A JSON value from the wire as the Python value the column expects (datetimes, dates, enums)."""
    if name not in model.model_fields:
        raise KeyError(name)
    if _already_typed(model, name)(value):
        return value
    return _adapter(model, name).validate_python(value)


def conflict_id(table: str, record_id: str, field: str, lost_stamp: str) -> str:
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"{table}:{record_id}:{field}:{lost_stamp}"))


def amendment_id(table: str, record_id: str, changes: dict[str, Any]) -> str:
    """The same concurrent edit, met on any device, makes the same amendment record."""
    body = json.dumps(changes, sort_keys=True, default=str)
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"amendment:{table}:{record_id}:{body}"))
