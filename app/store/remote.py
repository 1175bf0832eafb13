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
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
import pydantic
from pydantic import AfterValidator, BeforeValidator, PlainValidator, WrapValidator
from pydantic.fields import FieldInfo
from sqlmodel import SQLModel
from typing_extensions import TypedDict

from app.errors import ValidationError
from app.store import wire
from app.store.models import RECORD_TYPES, Record
from app.store.types import UtcDateTime

CONFLICT_NAMESPACE = uuid.UUID("8f7a2c4e-5b1d-4e7f-9a3c-2d6e8b0f1a47")


def _annotation(model: type[Record], name: str) -> Any:
    """The field's type as it is checked on the wire: a time stored as UTC must say its offset (which zone would a bare time be in?)."""
    annotation = _definition(model, name).annotation
    column = model.__table__.columns.get(name)  # type: ignore[attr-defined]
    if column is not None and isinstance(column.type, UtcDateTime):
        return pydantic.AwareDatetime | None if type(None) in get_args(annotation) else pydantic.AwareDatetime
    return annotation


def _create_model(model: type[Record]) -> type[SQLModel]:
    return RECORD_TYPES[model.__tablename__][1]  # type: ignore[attr-defined]


def _definition(model: type[Record], name: str) -> FieldInfo:
    """Where a field's rules are written: its kind's Create model (what the write path checks), else `Record`'s bookkeeping."""
    return _create_model(model).model_fields.get(name) or model.model_fields[name]


def _validators(model: type[Record], name: str) -> list[Any]:
    """The Create model's field validators for `name`, as `Annotated` metadata, in the order the model runs them.

    A bookkeeping field has no Create model; the wire rule is added for it here.
    """
    create = _create_model(model)
    if name not in create.model_fields:
        return [AfterValidator(wire.storable)]
    found = []
    for decorator in create.__pydantic_decorators__.field_validators.values():
        if name in decorator.info.fields or "*" in decorator.info.fields:
            found.append(_MODES[decorator.info.mode](decorator.func))
    return found


_MODES: dict[str, Callable[[Any], Any]] = {
    "after": AfterValidator, "before": BeforeValidator, "plain": PlainValidator, "wrap": WrapValidator
}


@cache
def _rules(model: type[Record], name: str) -> Any:
    """The field's type with every rule of its definition: constraints, field validators, the wire rule.

    A value the Create model turns into a nested model (an interaction's follow-ups)
    is given back as the JSON the table stores.
    """
    definition = _definition(model, name)
    checked: Any = Annotated[(_annotation(model, name), *definition.metadata, *_validators(model, name))]  # type: ignore[valid-type]
    stored = model.model_fields[name].annotation
    if definition.annotation != stored:
        as_json = pydantic.TypeAdapter(definition.annotation)
        checked = Annotated[checked, AfterValidator(lambda value: as_json.dump_python(value, mode="json"))]
    return checked


@cache
def _adapter(model: type[Record], name: str) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(_rules(model, name))


@cache
def _values_adapter(model: type[Record]) -> pydantic.TypeAdapter[Any]:
    """Every field of the kind at once, each optional: one validator call for a whole change."""
    fields = {name: _rules(model, name) for name in model.model_fields}
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
    """Refuse a change holding a value a device could not store, naming the first such field (`typed` would refuse it too).

    Checks what the device's write path checks, field by field: type, constraints,
    field validators and the wire rule. The Create models' cross-field validators
    (an amendment changes something, a taxonomy's version matches its document)
    need the whole record, which a change need not carry: they stay device-side.
    """
    try:
        _values_adapter(model).validate_python(values)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        raise ValidationError(str(error["loc"][0]), _first_problem(error, skip=1)) from None


@cache
def quick_check(model: type[Record], name: str) -> Callable[[Any], bool] | None:
    """A cheap test that a JSON value already is what the column stores and keeps every rule of the field.

    Most wire values pass it (text, numbers, flags, known enum values, lists and
    dicts of those); the rest, and every field whose definition has a rule this
    cannot read (a field validator, a nested model, a time), pay for full pydantic
    validation. None where there is no such test.
    """
    definition = _definition(model, name)
    if definition.annotation != model.model_fields[name].annotation:
        return None
    if any(not wire.is_wire_rule(getattr(rule, "func", None)) for rule in _validators(model, name)):
        return None
    bounds = _bounds(definition.metadata)
    shape = _shape(definition.annotation)
    if bounds is None or shape is None:
        return None
    if bounds is _NO_BOUNDS:
        return shape
    return lambda value: shape(value) and (value is None or bounds(value))


def _shape(annotation: Any) -> Callable[[Any], bool] | None:
    """A test that a JSON value is of `annotation` and keeps the wire rule; None where only pydantic can tell.

    Plain values must have exactly the annotated type (an int for a float field
    goes the slow road, which converts it). Enums store their value, so a known
    value string is already right; lists and string-keyed dicts are checked item
    by item; `Any` takes any JSON value the wire rule takes.
    """
    if annotation is Any:
        return lambda value: wire.problem(value) is None
    if annotation in _PLAIN:
        rule = wire.LEAF_RULES[annotation]
        return lambda value: type(value) is annotation and rule(value)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        values = frozenset(member.value for member in annotation if wire.problem(member.value) is None)
        return lambda value: type(value) is str and value in values
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        return _union(args)
    if origin is list and len(args) == 1 and (item := _shape(args[0])) is not None:
        return lambda value: type(value) is list and all(map(item, value))
    if origin is dict and len(args) == 2 and args[0] is str and (entry := _shape(args[1])) is not None:
        key = _shape(str)
        assert key is not None
        return lambda value: type(value) is dict and all(key(name) and entry(item) for name, item in value.items())
    return None


def _union(args: tuple[Any, ...]) -> Callable[[Any], bool] | None:
    plain = [arg for arg in args if arg in _PLAIN]
    others = [_shape(arg) for arg in args if arg not in _PLAIN]
    if any(other is None for other in others):
        return None
    rules = {arg: wire.LEAF_RULES[arg] for arg in plain}
    if not others:
        return lambda value: (rule := rules.get(type(value))) is not None and rule(value)
    checks = [other for other in others if other is not None]
    return lambda value: ((rule := rules.get(type(value))) is not None and rule(value)) or any(check(value) for check in checks)


_PLAIN = (str, int, float, bool, type(None))


def _bounds(metadata: list[Any]) -> Callable[[Any], bool] | None:
    """A test of a field's length and range constraints (`Field(min_length, max_length, ge, le, gt, lt)`), or None
    when the field has a constraint this does not read."""
    tests: list[Callable[[Any], bool]] = []
    for item in metadata:
        if isinstance(item, annotated_types.MaxLen):
            tests.append(lambda value, most=item.max_length: len(value) <= most)
        elif isinstance(item, annotated_types.MinLen):
            tests.append(lambda value, least=item.min_length: len(value) >= least)
        elif isinstance(item, annotated_types.Ge):
            tests.append(lambda value, least=item.ge: value >= least)
        elif isinstance(item, annotated_types.Le):
            tests.append(lambda value, most=item.le: value <= most)
        elif isinstance(item, annotated_types.Gt):
            tests.append(lambda value, least=item.gt: value > least)
        elif isinstance(item, annotated_types.Lt):
            tests.append(lambda value, most=item.lt: value < most)
        elif type(item).__name__ != "FieldInfoMetadata":  # SQLModel's column options: no rule for a value
            return None
    if not tests:
        return _NO_BOUNDS
    if len(tests) == 1:
        return tests[0]
    return lambda value: all(test(value) for test in tests)


def _no_bounds(value: Any) -> bool:
    return True


_NO_BOUNDS = _no_bounds


@cache
def field_names(model: type[Record]) -> frozenset[str]:
    return frozenset(model.model_fields)


def typed(model: type[Record], name: str, value: Any) -> Any:
    """A JSON value from the wire as the Python value the column expects (datetimes, dates, enums).

    A value of the wrong shape, or one breaking a rule of the field, is refused
    with `ValidationError` naming the field.
    """
    if name not in field_names(model):
        raise KeyError(name)
    check = _checks(model)[name]
    if check is not None and check(value):
        return value
    return _validated(model, name, value)


def typed_values(model: type[Record], values: Mapping[str, Any]) -> dict[str, Any]:
    """`typed` for every value of a change at once, leaving out names the model does not have.

    The pull's hot path: one lookup per value instead of three calls.
    """
    checks = _checks(model)
    converted: dict[str, Any] = {}
    for name, value in values.items():
        if name in checks:
            check = checks[name]
            converted[name] = value if check is not None and check(value) else _validated(model, name, value)
    return converted


@cache
def _checks(model: type[Record]) -> dict[str, Callable[[Any], bool] | None]:
    return {name: quick_check(model, name) for name in model.model_fields}


def conflict_id(table: str, record_id: str, field: str, lost_stamp: str) -> str:
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"{table}:{record_id}:{field}:{lost_stamp}"))


def amendment_id(table: str, record_id: str, changes: dict[str, Any]) -> str:
    """The same concurrent edit, met on any device, makes the same amendment record."""
    body = json.dumps(changes, sort_keys=True, default=str)
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"amendment:{table}:{record_id}:{body}"))
