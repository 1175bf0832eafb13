"""Export of everything an MSL holds, one record a line, for portability and hand-over.

The export is plain text by design (the MSL asked for it), so it is written
with owner-only permissions and atomically: a half-written export never
replaces a good one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import IO, Any, Literal

from sqlmodel import Session, col, select

from liaison.core.records.kinds import KINDS
from liaison.core.records.models import Record
from liaison.device.store.repository import Repository

Format = Literal["jsonl", "csv"]
CSV_COLUMNS = ("table", "id", "created_at", "updated_at", "created_by", "device_id", "deleted", "data")
_BATCH = 2000


def export_records(repository: Repository, fmt: Format, out: IO[str]) -> int:
    """Write every record, tombstones included, to `out`; returns how many were written."""
    count = 0
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(CSV_COLUMNS)
    with repository.session() as session:
        for table, record in _records(session):
            line = _as_dict(table, record)
            if writer is None:
                out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
            else:
                data = {key: value for key, value in line.items() if key not in CSV_COLUMNS}
                writer.writerow([*(line[column] for column in CSV_COLUMNS[:-1]), json.dumps(data, ensure_ascii=False, sort_keys=True)])
            count += 1
    return count


def export_to_file(repository: Repository, fmt: Format, path: Path) -> int:
    path = Path(path)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False, newline="")  # noqa: SIM115 (closed below; removed if the export fails)
    try:
        with handle:
            os.chmod(handle.name, 0o600)
            count = export_records(repository, fmt, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return count


def export_text(repository: Repository, fmt: Format) -> str:
    buffer = io.StringIO()
    export_records(repository, fmt, buffer)
    return buffer.getvalue()


def _records(session: Session) -> Iterator[tuple[str, Record]]:
    for kind in KINDS:
        table, model = kind.table, kind.model
        last = ""
        while True:
            batch = session.exec(select(model).where(col(model.id) > last).order_by(col(model.id)).limit(_BATCH)).all()
            if not batch:
                break
            for record in batch:
                yield table, record
            last = batch[-1].id
            session.expunge_all()


def _as_dict(table: str, record: Record) -> dict[str, Any]:
    values = {name: _plain(getattr(record, name)) for name in type(record).model_fields if name != "clocks"}
    return {"table": table, **values}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value
