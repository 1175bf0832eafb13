"""Whether a wire value fits its field, and the typed value when it does: the one check of every path.

The device's local writes validate through the Create models; everything that
arrives as JSON is checked here against the same rules, field by field (type,
constraints, field validators, the wire rule): the server's push validation
(`check_values`), the device's pull of a record it already holds (`typed_values`)
and the first pull's bulk insert (`quick_check`, `typed`, `is_utc_wire_time`), so a
value one device wrote that another could not store is refused at the push
rather than met by every other device of the territory on its next pull.

Most wire values already are what the column stores; `quick_check` tells so in
one cheap call, and the rest pay for full pydantic validation.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from types import UnionType
from typing import Annotated, Any, Union, cast, get_args, get_origin

import annotated_types
import pydantic
from pydantic import AfterValidator, BeforeValidator, PlainValidator, WrapValidator
from pydantic.fields import FieldInfo
from sqlmodel import SQLModel
from typing_extensions import TypedDict

from liaison.core import wire
from liaison.core.errors import ValidationError
from liaison.core.records.kinds import kind_of
from liaison.core.records.models import Record
from liaison.core.types import UtcDateTime


def _annotation(model: type[Record], name: str) -> Any:
    """The field's type as it is checked on the wire: a time stored as UTC must say its offset (which zone would a bare time be in?)."""
    annotation = _definition(model, name).annotation
    column = model.__table__.columns.get(name)  # type: ignore[attr-defined]
    if column is not None and isinstance(column.type, UtcDateTime):
        return pydantic.AwareDatetime | None if type(None) in get_args(annotation) else pydantic.AwareDatetime
    return annotation


def _create_model(model: type[Record]) -> type[SQLModel]:
    return kind_of(model).create


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


_MODES: dict[str, Callable[[Any], Any]] = {"after": AfterValidator, "before": BeforeValidator, "plain": PlainValidator, "wrap": WrapValidator}


@cache
def _rules(model: type[Record], name: str) -> Any:
    """The field's type with every rule of its definition: constraints, field validators, the wire rule.

    A value the Create model turns into a nested model (an interaction's follow-ups)
    is given back as the JSON the table stores.
    """
    definition = _definition(model, name)
    checked: Any = Annotated[(_annotation(model, name), *definition.metadata, *_validators(model, name))]
    stored = model.model_fields[name].annotation
    if definition.annotation != stored:
        as_json: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(definition.annotation)
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
    dicts of those), calling the field's own validators directly rather than
    through pydantic; the rest, and every field whose definition has a rule this
    cannot read (a nested model, a time), pay for full pydantic validation.
    None where there is no such test.
    """
    definition = _definition(model, name)
    validators = _direct(model, name)
    bounds = _bounds(definition.metadata)
    if validators is None or bounds is None:
        return None
    check: Callable[[Any], bool] | None
    if definition.annotation != model.model_fields[name].annotation:
        check = _empty_list if get_origin(definition.annotation) is list and bounds.length[0] == 0 else None
    else:
        check = _plain_check(definition.annotation, bounds) or _shaped(definition.annotation, bounds)
    if check is None or not validators:
        return check
    return _unchanged_by(check, validators)


def _direct(model: type[Record], name: str) -> list[Callable[[Any], Any]] | None:
    """The field's validators as plain calls, without the wire rule (the quick checks apply it), or None when one
    needs pydantic (it is not an after-validator, or it reads the other fields)."""
    direct: list[Callable[[Any], Any]] = []
    for rule in _validators(model, name):
        if wire.is_wire_rule(getattr(rule, "func", None)):
            continue
        if not isinstance(rule, AfterValidator) or len(inspect.signature(rule.func).parameters) != 1:
            return None
        direct.append(cast(Callable[[Any], Any], rule.func))  # one parameter: checked just above
    return direct


def _unchanged_by(check: Callable[[Any], bool], validators: list[Callable[[Any], Any]]) -> Callable[[Any], bool]:
    """`check`, then the validators in the model's order, as pydantic runs them after the type: the value passes
    when none refuses it and it comes out as it went in (one they would change takes the slow road)."""

    def quick(value: Any) -> bool:
        if not check(value):
            return False
        out = value
        try:
            for validator in validators:
                out = validator(out)
        except (ValueError, AssertionError):
            return False
        return type(out) is type(value) and out == value

    return quick


def _empty_list(value: Any) -> bool:
    return type(value) is list and not value


@dataclass(frozen=True)
class _Bounds:
    length: tuple[int, float] = (0, math.inf)
    value: tuple[float, float] = (-math.inf, math.inf)


def _bounds(metadata: list[Any]) -> _Bounds | None:
    """A field's length and range constraints (`Field(min_length, max_length, ge, le)`), or None when it has
    a constraint these quick checks do not read."""
    length: list[float] = [0, math.inf]
    value = [-math.inf, math.inf]
    for item in metadata:
        if isinstance(item, annotated_types.MinLen):
            length[0] = max(length[0], item.min_length)
        elif isinstance(item, annotated_types.MaxLen):
            length[1] = min(length[1], item.max_length)
        elif isinstance(item, annotated_types.Ge):
            value[0] = max(value[0], item.ge)  # type: ignore[call-overload]
        elif isinstance(item, annotated_types.Le):
            value[1] = min(value[1], item.le)  # type: ignore[call-overload]
        elif type(item).__name__ != "FieldInfoMetadata":  # SQLModel's column options: no rule for a value
            return None
    return _Bounds((int(length[0]), length[1]), (value[0], value[1]))


def _plain_check(annotation: Any, bounds: _Bounds) -> Callable[[Any], bool] | None:
    """The test for a field of one plain type, optionally None: one call per value, the hot path of a first pull."""
    args = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    kinds = [arg for arg in args if arg is not type(None)]
    if len(kinds) != 1 or kinds[0] not in (str, int, float, bool):
        return None
    kind, nullable = kinds[0], len(args) == 2 and type(None) in args
    if len(args) > 2 or (len(args) == 2 and not nullable):
        return None
    return wire.plain_check(kind, nullable=nullable, length=bounds.length, value=bounds.value)


def _shaped(annotation: Any, bounds: _Bounds) -> Callable[[Any], bool] | None:
    """The test for any other field the quick checks read: its shape, then its length (a list's, a dict's)."""
    shape = _shape(annotation)
    if shape is None or bounds.value != _Bounds().value:
        return None
    if bounds.length == _Bounds().length:
        return shape
    shortest, longest = bounds.length
    return lambda value: shape(value) and (value is None or shortest <= len(value) <= longest)


def _shape(annotation: Any) -> Callable[[Any], bool] | None:
    """A test that a JSON value is of `annotation` and keeps the wire rule; None where only pydantic can tell.

    Plain values must have exactly the annotated type (an int for a float field
    goes the slow road, which converts it). Enums store their value, so a known
    value string is already right; lists and string-keyed dicts are checked item
    by item; `Any` takes any JSON value the wire rule takes.
    """
    if annotation is Any:
        return lambda value: wire.problem(value) is None
    if annotation == list[str]:
        return wire.text_list
    if annotation == dict[str, str]:
        return wire.text_map
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


@cache
def plain_types(model: type[Record], name: str) -> frozenset[type] | None:
    """The plain JSON types (text, number, flag, null) a field's value comes in when the quick check reads it, or None.

    A value of one of these types that passes `quick_check` is stored as it comes.
    """
    if quick_check(model, name) is None:
        return None
    annotation = model.model_fields[name].annotation
    members = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    types = frozenset(member for member in members if isinstance(member, type))
    return types if len(types) == len(members) and types <= frozenset(_PLAIN) else None


_UTC_MICROSECONDS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}(?:Z|\+00:00)")
"""A time as devices write it: UTC to the microsecond."""


def is_utc_wire_time(value: Any) -> bool:
    """Whether a wire value is a time as devices write it, naming a real moment: nearly every time a first pull meets.

    Such a value keeps every rule of a time field (it says its offset); any other goes through `typed`.
    """
    if type(value) is not str or not _UTC_MICROSECONDS.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)  # the 31st of a 30-day month looks right, and is not
    except ValueError:
        return False
    return True
