"""Turning merged wire values back into typed record fields, and naming conflicts stably.

Kept apart from `repository.py` so the write path for local edits stays short;
the repository's `apply_remote` is the only caller.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
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
    annotation = model.model_fields[name].annotation
    exact = _exact_types(annotation)
    if exact is not None:
        return lambda value: type(value) in exact
    if get_origin(annotation) is list and len(get_args(annotation)) == 1 and (items := _exact_types(get_args(annotation)[0])):
        return lambda value: type(value) is list and all(type(item) in items for item in value)
    return lambda value: False


def _exact_types(annotation: Any) -> frozenset[type] | None:
    """The JSON types a value of this annotation arrives as unchanged, or None where pydantic must convert."""
    if annotation in _PLAIN:
        return frozenset({annotation})
    if get_origin(annotation) in (Union, UnionType) and all(arg in _PLAIN for arg in get_args(annotation)):
        return frozenset(get_args(annotation))
    return None


_PLAIN = (str, int, float, bool, type(None))


@cache
def field_names(model: type[Record]) -> frozenset[str]:
    return frozenset(model.model_fields)


def typed(model: type[Record], name: str, value: Any) -> Any:
    """A JSON value from the wire as the Python value the column expects (datetimes, dates, enums)."""
    if name not in field_names(model):
        raise KeyError(name)
    if _already_typed(model, name)(value):
        return value
    return _adapter(model, name).validate_python(value)


def typed_values(model: type[Record], values: Mapping[str, Any]) -> dict[str, Any]:
    """`typed` for every value of a change at once, leaving out names the model does not have.

    The pull's hot path: one lookup per value instead of three calls.
    """
    checks = _checks(model)
    converted: dict[str, Any] = {}
    for name, value in values.items():
        check = checks.get(name)
        if check is not None:
            converted[name] = value if check(value) else _adapter(model, name).validate_python(value)
    return converted


@cache
def _checks(model: type[Record]) -> dict[str, Callable[[Any], bool]]:
    return {name: _already_typed(model, name) for name in model.model_fields}


def conflict_id(table: str, record_id: str, field: str, lost_stamp: str) -> str:
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"{table}:{record_id}:{field}:{lost_stamp}"))


def amendment_id(table: str, record_id: str, changes: dict[str, Any]) -> str:
    """The same concurrent edit, met on any device, makes the same amendment record."""
    body = json.dumps(changes, sort_keys=True, default=str)
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"amendment:{table}:{record_id}:{body}"))
