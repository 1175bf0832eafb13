"""A record's values as the audit log, the outbox and the merge see them (JSON), and as the MSL reads its kind.

Every job of the repository and the pull compare and record values in this
one form, so a value written here and one received compare equal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pydantic
from sqlmodel import SQLModel

from liaison.core.clock import field_stamp
from liaison.core.errors import ValidationError
from liaison.core.records.kinds import TABLES, kind_for
from liaison.core.records.models import Record
from liaison.core.records.plain import refusal

_JSON_OBJECT = pydantic.TypeAdapter(dict[str, Any])
"""Built once: building a TypeAdapter costs more than using it."""


def jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    dumped: dict[str, Any] = _JSON_OBJECT.dump_python(dict(values), mode="json")
    return dumped


def fields(record: Record) -> dict[str, Any]:
    """A record's user-visible fields as JSON values: what the audit log keeps."""
    return jsonable({name: getattr(record, name) for name in type(record).model_fields if name not in Record.BOOKKEEPING})


def synced(record: Record) -> dict[str, Any]:
    """Every field that travels, bookkeeping included (not the id, nor the per-field clocks)."""
    return {name: getattr(record, name) for name in type(record).model_fields if name not in {"id", "clocks"}}


def base_clocks(record: Record, names: Sequence[str]) -> dict[str, str]:
    """The stamps of the values about to be replaced, for the merge's concurrency check."""
    return {name: field_stamp(record.clocks, name).encode() for name in names}


def label(model: type[SQLModel]) -> str:
    """The word the MSL reads for a kind ("adverse event"); a bookkeeping table's own name."""
    table = str(model.__tablename__)
    return kind_for(table).label if table in TABLES else table


def plain(exc: pydantic.ValidationError, model: type[SQLModel] | None = None) -> ValidationError:
    """Every problem at once, each as "<Field label>: <plain sentence>" (see `liaison.core.records.plain`)."""
    return refusal(exc, model)
