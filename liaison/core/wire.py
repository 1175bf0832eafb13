"""What any synced value may be, whatever its field: the rules every store, driver and JSON column share.

A field's own rules (lengths, ranges, vocabularies) live on its model. These
hold for every value of every field, nested ones and dict keys included,
because some part between two devices cannot keep anything else: SQLite and
PostgreSQL integers are signed 64-bit (a larger one raises `OverflowError` in
the driver), JSON has no NaN or infinity (PostgreSQL turns them into null,
which then fails the field's type), and PostgreSQL text cannot hold a NUL
character. The device's write path (the Create models, through `WireValues`),
the server's push check and the device's pull all apply `storable`, so a value
one of them accepts the others accept too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel, field_validator

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

NO_NUL_PATTERN = r"^[^\x00]*$"
"""The text rule as a regex, for protocol ids that pydantic checks in its own engine (`liaison.core.protocol`)."""

NUL_PROBLEM = "must not contain a NUL character"
INTEGER_PROBLEM = f"must be a whole number between {INT64_MIN} and {INT64_MAX}"
NUMBER_PROBLEM = "must be a finite number (not NaN or infinity)"


def text_ok(value: str) -> bool:
    return "\x00" not in value


def integer_ok(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def number_ok(value: float) -> bool:
    return math.isfinite(value)


def _always(value: Any) -> bool:
    return True


LEAF_RULES: Mapping[type, Callable[[Any], bool]] = {str: text_ok, int: integer_ok, float: number_ok, bool: _always, type(None): _always}
"""The rule for each plain JSON type, by exact type: what the quick checks of the pull call per value."""


def plain_check(kind: type, *, nullable: bool, length: tuple[int, float], value: tuple[float, float]) -> Callable[[Any], bool]:
    """One call that tells a plain JSON value of `kind` (or None, when `nullable`) keeps these rules and a field's
    bounds (`length` for text, `value` for numbers): the per-value test of a first pull, a hundred thousand
    records each with a dozen of them, so the rule is written out here once more rather than called."""
    shortest, longest = length
    least, most = value
    if kind is int:
        least, most = max(least, INT64_MIN), min(most, INT64_MAX)
    if kind is str:
        if nullable:
            return lambda v: v is None or (type(v) is str and "\x00" not in v and shortest <= len(v) <= longest)
        return lambda v: type(v) is str and "\x00" not in v and shortest <= len(v) <= longest
    if kind is int:
        if nullable:
            return lambda v: v is None or (type(v) is int and least <= v <= most)
        return lambda v: type(v) is int and least <= v <= most
    if kind is float:
        if nullable:
            return lambda v: v is None or (type(v) is float and least <= v <= most and math.isfinite(v))
        return lambda v: type(v) is float and least <= v <= most and math.isfinite(v)
    if kind is bool:
        return (lambda v: v is None or type(v) is bool) if nullable else (lambda v: type(v) is bool)
    raise TypeError(f"not a plain JSON type: {kind!r}")


def text_list(value: Any) -> bool:
    """A list of texts keeping the text rule (a field's topics, products, attendees), in one call."""
    return type(value) is list and all(type(item) is str for item in value) and "\x00" not in "".join(value)


def text_map(value: Any) -> bool:
    """A dict of texts to texts keeping the text rule, keys included (identifiers, clocks), in one call."""
    return (
        type(value) is dict
        and all(type(key) is str and type(item) is str for key, item in value.items())
        and "\x00" not in "".join(value)
        and "\x00" not in "".join(value.values())
    )


def problem(value: Any) -> str | None:
    """What keeps `value` from being stored everywhere, saying where inside it ("0.1: …"), or None when nothing does."""
    found = _find(value)
    if found is None:
        return None
    path, reason = found
    return f"{'.'.join(reversed(path))}: {reason}" if path else reason


def _find(value: Any) -> tuple[list[str], str] | None:
    """The first unstorable part of `value`: its path (innermost first) and why."""
    rule = LEAF_RULES.get(type(value))
    if rule is not None:
        return None if rule(value) else ([], _REASONS[type(value)])
    if isinstance(value, Enum):
        return _find(value.value)
    if isinstance(value, BaseModel):
        value = dict(value)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and not text_ok(key):
                return [repr(key)], "a key " + NUL_PROBLEM
            if (found := _find(item)) is not None:
                found[0].append(str(key))
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if (found := _find(item)) is not None:
                found[0].append(str(index))
                return found
        return None
    for kind in (bool, str, int, float):  # subclasses of the plain types (a str enum is caught above)
        if isinstance(value, kind):
            return _find(kind(value))
    return None  # datetimes, dates, decimals: their own types already bound them


_REASONS = {str: NUL_PROBLEM, int: INTEGER_PROBLEM, float: NUMBER_PROBLEM}


def storable(value: Any) -> Any:
    """`value` unchanged, or `ValueError` saying where in it and why no device or server could store it."""
    found = problem(value)
    if found is not None:
        raise ValueError(found)
    return value


class WireValues(BaseModel):
    """Mixed into every Create model: each field's value, as validated, must be `storable`."""

    @field_validator("*")
    @classmethod
    def _storable_everywhere(cls, value: Any) -> Any:
        return storable(value)


def is_wire_rule(validator: Any) -> bool:
    """Whether a field validator is this module's rule (the pull's quick checks apply it themselves)."""
    return validator is storable or getattr(validator, "__func__", None) is WireValues._storable_everywhere.__func__  # type: ignore[attr-defined]
