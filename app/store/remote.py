"""Turning wire values back into typed record fields, and naming conflicts stably.

Kept apart from `repository.py` so the write path for local edits stays short.
The device's `apply_remote` converts what it pulls here, and the server checks
every pushed value here too (`check_values`), so a value one device wrote that
another could not store is refused at the push rather than met by every other
device of the territory on its next pull.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from functools import cache
from types import UnionType
from typing import Any, Union, get_args, get_origin

import pydantic
from typing_extensions import TypedDict

from app.errors import ValidationError
from app.store.models import Record
from app.store.types import UtcDateTime

CONFLICT_NAMESPACE = uuid.UUID("8f7a2c4e-5b1d-4e7f-9a3c-2d6e8b0f1a47")


def _annotation(model: type[Record], name: str) -> Any:
    """The field's type as it is checked on the wire: a time stored as UTC must say its offset (which zone would a bare time be in?)."""
    annotation = model.model_fields[name].annotation
    column = model.__table__.columns.get(name)  # type: ignore[attr-defined]
    if column is not None and isinstance(column.type, UtcDateTime):
        return pydantic.AwareDatetime | None if type(None) in get_args(annotation) else pydantic.AwareDatetime
    return annotation


@cache
def _adapter(model: type[Record], name: str) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(_annotation(model, name))


@cache
def _values_adapter(model: type[Record]) -> pydantic.TypeAdapter[Any]:
    """Every field of the kind at once, each optional: one validator call for a whole change."""
    fields = {name: _annotation(model, name) for name in model.model_fields}
    return pydantic.TypeAdapter(TypedDict(f"{model.__name__}Values", fields, total=False))  # type: ignore[operator]


def _validated(model: type[Record], name: str, value: Any) -> Any:
    try:
        return _adapter(model, name).validate_python(value)
    except pydantic.ValidationError as exc:
        raise ValidationError(name, _first_problem(exc.errors()[0])) from None


def _first_problem(error: Any, skip: int = 0) -> str:
    where = ".".join(str(part) for part in error["loc"][skip:])
    message = str(error["msg"]).removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    return f"{where}: {message}" if where else message


def check_values(model: type[Record], values: Mapping[str, Any]) -> None:
    """Refuse a change holding a value a device could not store, naming the first such field (`typed` would refuse it too)."""
    try:
        _values_adapter(model).validate_python(values)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        raise ValidationError(str(error["loc"][0]), _first_problem(error, skip=1)) from None


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
    """A JSON value from the wire as the Python value the column expects (datetimes, dates, enums).

    A value of the wrong shape is refused with `ValidationError` naming the field.
    """
    if name not in field_names(model):
        raise KeyError(name)
    if _already_typed(model, name)(value):
        return value
    return _validated(model, name, value)


def typed_values(model: type[Record], values: Mapping[str, Any]) -> dict[str, Any]:
    """`typed` for every value of a change at once, leaving out names the model does not have.

    The pull's hot path: one lookup per value instead of three calls.
    """
    checks = _checks(model)
    converted: dict[str, Any] = {}
    for name, value in values.items():
        check = checks.get(name)
        if check is not None:
            converted[name] = value if check(value) else _validated(model, name, value)
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
