"""Records first met in a pulled page: held as wire rows, inserted in one statement per kind.

A new device's first pull is nothing but records it has never seen, a
hundred thousand of them or more, so this path skips everything a record
does not need on the way in: no ORM object, no typed Python value in
between, no return to Python between rows. Each wire (JSON) value goes to the driver through one converter per
column that gives exactly what an ORM write of the typed value would store
(`wire_binds`); values the converter does not recognise take the slow road
through pydantic and the column's own bind processor, so a wrong value still
fails as it would anywhere else.

What arrives is recorded too: `received` lists every record first met, by
table, with the change that brought it, for the page's one audit receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from operator import itemgetter
from types import UnionType
from typing import Any, Union, get_args, get_origin

import pydantic_core
from sqlalchemy import JSON, Dialect
from sqlmodel import Session

from app.store.models import Record
from app.store.remote import typed, typed_values
from app.store.types import UtcDateTime

Convert = Callable[[Any], Any]
"""A wire value in; out, the value as the row array for `wire_insert` carries it."""


class FreshRows:
    """Rows of records first met in a page, keyed by (table, record id), as the wire gave them.

    Only a row that names every column qualifies (a record first met through a
    partial update takes the ORM path, which fills the model's defaults); a
    second change to the same record in the page turns its row into an ORM
    object first (`take`), and it is merged and audited from there.
    """

    def __init__(self) -> None:
        now = datetime.now(UTC).isoformat()
        self.defaults: dict[str, Any] = {"created_at": now, "updated_at": now, "created_by": "", "updated_by": "", "device_id": ""}
        """Bookkeeping, as wire values, for a record first met through an update (its create is not visible here)."""
        self._rows: dict[tuple[str, str], tuple[type[Record], dict[str, Any]]] = {}
        self.received: dict[str, list[list[str]]] = {}
        """table -> [[record id, change id], ...]: every record that arrived here, kept after `take`."""

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._rows

    def add(self, model: type[Record], key: tuple[str, str], row: dict[str, Any], change_id: str) -> bool:
        if not columns(model) <= row.keys():
            return False
        self._rows[key] = (model, row)
        self.received.setdefault(key[0], []).append([key[1], change_id])
        return True

    def take(self, session: Session, key: tuple[str, str]) -> Record:
        model, row = self._rows.pop(key)
        record = model(**typed_values(model, row))
        session.add(record)
        return record

    def take_all(self, session: Session) -> dict[tuple[str, str], Record]:
        return {key: self.take(session, key) for key in list(self._rows)}

    def insert(self, session: Session) -> None:
        """One statement per kind, its rows handed over as one JSON array (see `wire_insert`)."""
        by_model: dict[type[Record], list[dict[str, Any]]] = {}
        for model, row in self._rows.values():
            by_model.setdefault(model, []).append(row)
        connection = session.connection()
        for model, rows in by_model.items():
            statement, converters = wire_insert(model, connection.dialect)
            rows.sort(key=itemgetter("id"))  # neighbours in the id index: fewer pages dirtied, re-encrypted and written
            values = [[convert(row[key]) for key, convert in converters] for row in rows]
            connection.exec_driver_sql(statement, (pydantic_core.to_json(values).decode(),))
        self._rows.clear()


@cache
def columns(model: type[Record]) -> frozenset[str]:
    return frozenset(column.key for column in model.__table__.columns)  # type: ignore[attr-defined]


@cache
def wire_insert(model: type[Record], dialect: Dialect) -> tuple[str, tuple[tuple[str, Convert], ...]]:
    """An insert of every column from a JSON array of rows, and each column's converter in the array's order.

    The rows go to SQLite as one parameter and SQLite walks them itself
    (`jsonb_each`), so the whole insert is one step of the driver: it never
    comes back to the interpreter between rows, which leaves Python's lock
    free for the download thread to parse the next page meanwhile. The array
    is parsed once into SQLite's binary JSON, and each row reaches the column
    expressions in that form (`json_each` would render every row back to text
    once per column, then parse it again: half the statement's time). A
    converted value is text, a number or null, and `->>` gives it back as
    exactly that SQL value; a JSON column's value travels as itself, and `->`
    gives back its JSON text, written by the same serializer the column's own
    bind uses.
    """
    table = model.__table__  # type: ignore[attr-defined]
    keys = [column.key for column in table.columns]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(table.columns[key].name) for key in keys)
    values = ", ".join(f"value {'->' if _is_json(table.columns[key]) else '->>'} {index}" for index, key in enumerate(keys))
    statement = f"INSERT INTO {quote(table.name)} ({names}) SELECT {values} FROM jsonb_each(?)"
    return statement, tuple((key, wire_bind(model, key, dialect)) for key in keys)


@cache
def wire_bind(model: type[Record], name: str, dialect: Dialect) -> Convert:
    """The converter for one column: a shape check and the column's bind, or the typed road when the check fails.

    Built from the fewest calls per value: a first pull converts millions of them.
    """
    column = model.__table__.columns[name]  # type: ignore[attr-defined]
    bind = None if _is_json(column) else column.type.dialect_impl(dialect).bind_processor(dialect)

    def slow(value: Any) -> Any:
        value = typed(model, name, value)
        return bind(value) if bind else value

    if isinstance(column.type, UtcDateTime):
        return lambda value: _utc_text(value, slow)
    shape = _shape(model.model_fields[name].annotation)
    if shape is None:
        return slow
    if isinstance(shape, frozenset):
        if bind is None:
            return lambda value: value if type(value) in shape else slow(value)
        return lambda value: bind(value) if type(value) in shape else slow(value)
    check = shape
    if bind is None:
        return lambda value: value if check(value) else slow(value)
    return lambda value: bind(value) if check(value) else slow(value)


def _is_json(column: Any) -> bool:
    return isinstance(column.type, JSON)


def _utc_text(value: Any, slow: Convert) -> Any:
    """What `UtcDateTime` stores for an ISO time from the wire, without pydantic in between."""
    if value is None:
        return None
    if type(value) is str:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return slow(value)
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC).isoformat(timespec="microseconds")
    return slow(value)


_PLAIN = frozenset({str, int, float, bool, type(None)})

Shape = frozenset[type] | Callable[[Any], bool]
"""The exact JSON types a value may have, or a check for shapes a type test cannot express."""


def _shape(annotation: Any) -> Shape | None:
    """How to tell that a JSON value already is what the annotation stores; None where only pydantic can tell.

    Plain values must have exactly the annotated type (an int for a float
    field goes the slow road, which converts it). Enums store their value, so
    a known value string is already right; lists and string-keyed dicts are
    checked item by item; `Any` takes anything.
    """
    if annotation is Any:
        return lambda value: True
    if annotation in _PLAIN:
        return frozenset({annotation})
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        values = frozenset(member.value for member in annotation)
        return lambda value: type(value) is str and value in values
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        return _union([_shape(arg) for arg in args])
    if origin is list and len(args) == 1 and (item := _shape(args[0])) is not None:
        if isinstance(item, frozenset):
            return lambda value: type(value) is list and all(type(entry) in item for entry in value)
        return lambda value: type(value) is list and all(item(entry) for entry in value)
    if origin is dict and len(args) == 2 and args[0] is str and (entry := _shape(args[1])) is not None:
        check = entry if callable(entry) else (lambda value: type(value) in entry)
        return lambda value: type(value) is dict and all(type(key) is str and check(item) for key, item in value.items())
    return None


def _union(shapes: list[Shape | None]) -> Shape | None:
    if any(shape is None for shape in shapes):
        return None
    types = frozenset().union(*(shape for shape in shapes if isinstance(shape, frozenset)))
    checks = [shape for shape in shapes if not isinstance(shape, frozenset) and shape is not None]
    if not checks:
        return types
    if len(checks) == 1:
        [check] = checks
        return lambda value: type(value) in types or check(value)
    return lambda value: type(value) in types or any(check(value) for check in checks)
