"""Records first met in a pulled page: held as wire rows, inserted in one statement per kind.

A new device's first pull is nothing but records it has never seen, a
hundred thousand of them or more, so this path skips everything a record
does not need on the way in: no ORM object, no typed Python value in
between, no return to Python between rows. Each wire (JSON) value reaches
the driver as exactly what an ORM write of the typed value would store
(`WireRows`, `wire_bind`). Whether a value fits is decided by the one
checker every path uses (`liaison.core.records.shape`): values its quick checks
do not recognise take the slow road through pydantic and the column's own
bind processor, so a wrong
value still fails as it would anywhere else, and refuses the page
(`UnstorableChange`) naming the record and the field.

What arrives is recorded too: `received` lists every record first met, by
table, with the change that brought it, for the page's one audit receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from operator import itemgetter
from typing import Any

import pydantic_core
from sqlalchemy import JSON, Boolean, Dialect
from sqlmodel import Session

from liaison.core.errors import UnstorableChange, ValidationError
from liaison.core.records.models import Record
from liaison.core.records.shape import is_utc_wire_time, plain_types, quick_check, typed, typed_values
from liaison.core.types import UtcDateTime

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
        try:
            record = model(**typed_values(model, row))
        except ValidationError as problem:
            raise UnstorableChange(key[0], key[1], problem) from None
        session.add(record)
        return record

    def take_all(self, session: Session) -> dict[tuple[str, str], Record]:
        return {key: self.take(session, key) for key in list(self._rows)}

    def insert(self, session: Session) -> None:
        """One statement per kind, its rows handed over as one JSON array (see `wire_insert`).

        A value no column could store refuses the whole page (the caller's
        transaction), naming the record and the field.
        """
        by_model: dict[type[Record], list[dict[str, Any]]] = {}
        for model, row in self._rows.values():
            by_model.setdefault(model, []).append(row)
        connection = session.connection()
        for model, rows in by_model.items():
            statement, wire_rows = wire_insert(model, connection.dialect)
            rows.sort(key=itemgetter("id"))  # neighbours in the id index: fewer pages dirtied, re-encrypted and written
            values = []
            for row in rows:
                try:
                    values.append(wire_rows.row(row))
                except ValidationError as problem:
                    raise UnstorableChange(str(model.__tablename__), row["id"], problem) from None
            connection.exec_driver_sql(statement, (pydantic_core.to_json(values).decode(),))
        self._rows.clear()


class WireRows:
    """One kind's wire rows as the arrays `wire_insert` reads: every value checked, each only as much as it needs.

    Most columns hold a plain JSON value (text, a number, a flag, null) that is
    stored as it comes once its type is right and it keeps its field's rules.
    Rows of one kind come in a handful of type shapes (which of the optional
    columns are null), so those columns' types are checked once per shape met;
    their rules (lengths, ranges, the wire rule, the field's validators) are
    one quick call per value (`shape.quick_check`). The other columns (times,
    enums, lists, dicts) go through their converter (`wire_bind`) on every row.
    """

    def __init__(self, model: type[Record], dialect: Dialect) -> None:
        self.keys = tuple(column.key for column in model.__table__.columns)  # type: ignore[attr-defined]
        self._values = itemgetter(*self.keys)
        self._converters = tuple(wire_bind(model, key, dialect) for key in self.keys)
        self._plain = {index: types for index, key in enumerate(self.keys) if (types := _plain_types(model, key, dialect)) is not None}
        self._others = tuple((index, convert) for index, convert in enumerate(self._converters) if index not in self._plain)
        self._ruled = tuple(
            (index, check) for index in self._plain if not self._plain[index] <= _FLAGS and (check := quick_check(model, self.keys[index]))
        )
        self._shapes_met: set[tuple[type, ...]] = set()

    def row(self, wire: dict[str, Any]) -> list[Any]:
        """The row's values in column order, as `wire_insert` stores them; `ValidationError` names a value of the wrong shape."""
        values = list(self._values(wire))
        shape = tuple(map(type, values))
        if shape not in self._shapes_met:
            return self._first_of_its_shape(values, shape)
        for index, convert in self._others:
            values[index] = convert(values[index])
        for index, check in self._ruled:
            if not check(values[index]):
                values[index] = self._converters[index](values[index])  # refuses it, naming the field, or converts it
        return values

    def _first_of_its_shape(self, values: list[Any], shape: tuple[type, ...]) -> list[Any]:
        """Every value through its own converter; the shape is remembered once its plain columns needed nothing."""
        converted = [convert(value) for convert, value in zip(self._converters, values, strict=True)]
        if all(shape[index] in types for index, types in self._plain.items()):
            self._shapes_met.add(shape)
        return converted


@cache
def columns(model: type[Record]) -> frozenset[str]:
    return frozenset(column.key for column in model.__table__.columns)  # type: ignore[attr-defined]


@cache
def wire_insert(model: type[Record], dialect: Dialect) -> tuple[str, WireRows]:
    """An insert of every column from a JSON array of rows, and the converter that makes those rows.

    The rows go to SQLite as one parameter and SQLite walks them itself
    (`jsonb_each`), so the whole insert is one step of the driver: it never
    comes back to the interpreter between rows, which leaves Python's lock
    free for the download thread to parse the next page meanwhile. The array
    is parsed once into SQLite's binary JSON, and each row reaches the column
    expressions in that form (`json_each` would render every row back to text
    once per column, then parse it again: half the statement's time). A
    converted value is text, a number, a flag or null, and `->>` gives it back
    as exactly that SQL value (a flag as 1 or 0, as the column's own bind
    writes it); a JSON column's value travels as itself, and `->` gives back
    its JSON text, written by the same serializer the column's own bind uses.
    """
    table = model.__table__  # type: ignore[attr-defined]
    wire_rows = WireRows(model, dialect)
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(table.columns[key].name) for key in wire_rows.keys)
    values = ", ".join(f"value {'->' if _is_json(table.columns[key]) else '->>'} {index}" for index, key in enumerate(wire_rows.keys))
    statement = f"INSERT INTO {quote(table.name)} ({names}) SELECT {values} FROM jsonb_each(?)"
    return statement, wire_rows


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
        return _utc_text(slow, nullable=bool(column.nullable))
    check = quick_check(model, name)
    if check is None:
        return slow
    if bind is None:
        return lambda value: value if check(value) else slow(value)
    return lambda value: bind(value) if check(value) else slow(value)


def _is_json(column: Any) -> bool:
    return isinstance(column.type, JSON)


def _plain_types(model: type[Record], name: str, dialect: Dialect) -> frozenset[type] | None:
    """The JSON types a column stores exactly as they come (a flag's `true` is the 1 its bind writes), or None.

    Only columns the quick checks read qualify (`shape.plain_types`): their other rules are checked per value
    (`WireRows._ruled`).
    """
    column = model.__table__.columns[name]  # type: ignore[attr-defined]
    if _is_json(column) or isinstance(column.type, UtcDateTime):
        return None
    types = plain_types(model, name)
    if types is None:
        return None
    if column.type.dialect_impl(dialect).bind_processor(dialect) is not None and not isinstance(column.type, Boolean):
        return None
    return types


_FLAGS = frozenset({bool, type(None)})


def _utc_text(slow: Convert, *, nullable: bool) -> Convert:
    """What `UtcDateTime` stores for an ISO time from the wire.

    A time in UTC to the microsecond (what devices write, nearly every time
    a first pull meets, `shape.is_utc_wire_time`) is stored as its own text
    with the offset spelled `+00:00`: formatting it anew would cost three
    times as much. Every other form takes the slow road, whose validator
    decides as it does everywhere.
    """

    def convert(value: Any) -> Any:
        if is_utc_wire_time(value):
            return value[:26] + "+00:00"
        if value is None and nullable:
            return None
        return slow(value)

    return convert
