"""The server's side of an HCP's erasure: its merged records, its change log, and changes that arrive later.

When a receipt (`hcp_erasure`) is pushed, the same rules the devices apply
(`liaison.core.erasure`) scrub the merged `records` rows of the HCP and of every record
that names them, and the stored JSON of every past change-log entry of those
records, in the push's transaction. A device enrolled afterwards therefore
pulls only scrubbed history. Changes that reach the server after the erasure
(made offline on a device that had not heard of it yet) are scrubbed on the
way in, before they are merged or logged.

Finding the records that name an HCP scans the `records` rows of the kinds
that can (a text match on the id, confirmed field by field), and their log
entries by table and record id: an erasure is rare, and no index is kept for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast
from sqlmodel import Session, col, select

from liaison.core.erasure import RECEIPT_TABLE, REFERENCES, Erasure, is_pseudonym, receipt_id, referenced_ids
from liaison.core.protocol import Change
from liaison.server.db import among
from liaison.server.models import ChangeLog, RecordRow, StoredRecord

Key = tuple[str, str]
_CHUNK = 500


@dataclass
class Erased:
    """One erasure applied in this push: what it scrubbed, so the log entries of those records follow."""

    erasure: Erasure
    rows: dict[Key, StoredRecord] = field(default_factory=dict)

    def subject(self, key: Key) -> str | None:
        row = self.rows.get(key)
        return row.fields.get("subject_table") if row is not None and key[0] == "amendment" else None


def erase(session: Session, hcp: StoredRecord, batch: Iterable[StoredRecord] = ()) -> Erased:
    """Scrub the merged records the erasure of this HCP concerns; `scrub_log` does their history after the log is written.

    `batch` is the push's own rows, which may not be in the database yet: they
    are scrubbed in memory like the rest (rows are changed, never added here).
    """
    erased = Erased(Erasure.of(hcp.record_id, hcp.fields), {})
    erased.rows = _affected(session, erased.erasure, hcp, list(batch))
    for key, row in erased.rows.items():
        row.fields = erased.erasure.scrub(row.table_name, row.fields, subject=erased.subject(key))
    return erased


def scrub_log(session: Session, erased: Erased) -> None:
    """Rewrite the stored JSON of every change-log entry of the scrubbed records."""
    by_table: dict[str, list[str]] = {}
    for table, record_id in erased.rows:
        by_table.setdefault(table, []).append(record_id)
    for table, ids in by_table.items():
        for start in range(0, len(ids), _CHUNK):
            entries = session.exec(
                select(ChangeLog).where(ChangeLog.table_name == table, col(ChangeLog.record_id).in_(ids[start : start + _CHUNK]))
            ).all()
            for entry in entries:
                scrubbed = erased.erasure.scrub(table, entry.fields, subject=erased.subject((table, entry.record_id)))
                if scrubbed != entry.fields:
                    entry.fields = scrubbed
                    session.add(entry)
    session.flush()


def _affected(session: Session, erasure: Erasure, hcp: StoredRecord, batch: list[StoredRecord]) -> dict[Key, StoredRecord]:
    found: dict[Key, StoredRecord] = {("hcp", hcp.record_id): hcp}
    text = cast(RecordRow.fields, Text)
    mentioning = session.exec(
        select(RecordRow).where(col(RecordRow.table_name).in_(list(REFERENCES)), text.contains(hcp.record_id, autoescape=True))
    ).all()
    candidates: list[StoredRecord] = [*mentioning]
    candidates += [row for row in batch if row.table_name in REFERENCES]
    if erasure.literals:
        same_territory = RecordRow.territory == hcp.territory if hcp.territory is not None else col(RecordRow.territory).is_(None)
        candidates += session.exec(select(RecordRow).where(RecordRow.table_name == "adverse_event", same_territory)).all()
    for row in candidates:
        if erasure.concerns(row.table_name, row.record_id, row.fields):
            found[(row.table_name, row.record_id)] = row
    subjects = sorted({record_id for table, record_id in found if table != "hcp"})
    for start in range(0, len(subjects), _CHUNK):
        amendments = session.exec(
            select(RecordRow).where(
                RecordRow.table_name == "amendment", RecordRow.fields["subject_id"].as_string().in_(subjects[start : start + _CHUNK])
            )
        )
        for row in amendments:
            if (row.fields.get("subject_table"), row.fields.get("subject_id")) in found:
                found[("amendment", row.record_id)] = row
    for row in batch:
        if row.table_name == "amendment" and (row.fields.get("subject_table"), row.fields.get("subject_id")) in found:
            found[("amendment", row.record_id)] = row
    return found


class Incoming:
    """Erasures a push's changes may concern, looked up once per batch, so late changes are scrubbed on the way in."""

    def __init__(self, by_id: dict[str, Erasure], subjects: dict[Key, StoredRecord]) -> None:
        self._by_id = by_id
        self._by_pseudonym = {erasure.pseudonym: erasure for erasure in by_id.values()}
        self._subjects = subjects

    @classmethod
    def load(cls, session: Session, changes: Sequence[Change], records: dict[Key, StoredRecord]) -> Incoming:
        if session.exec(select(RecordRow.record_id).where(RecordRow.table_name == RECEIPT_TABLE).limit(1)).first() is None:
            return cls({}, {})  # no HCP was ever erased: nothing to look up
        subjects = _subjects(session, changes, records)
        candidates: set[str] = set()
        for change in changes:
            existing = records.get((change.table, change.record_id))
            if change.table == "hcp":
                candidates.add(change.record_id)
            candidates |= referenced_ids(change.table, change.fields)
            if existing is not None:
                candidates |= referenced_ids(change.table, existing.fields)
        for key, row in subjects.items():
            candidates |= referenced_ids(key[0], row.fields)
        ids = sorted(value for value in candidates if not is_pseudonym(value))
        pseudonyms = sorted(value for value in candidates if is_pseudonym(value))
        receipts: list[RecordRow] = []
        keys = [receipt_id(value) for value in ids]
        for start in range(0, len(keys), _CHUNK):
            receipts += session.exec(
                select(RecordRow).where(RecordRow.table_name == RECEIPT_TABLE, among(session, col(RecordRow.record_id), keys[start : start + _CHUNK]))
            )
        if pseudonyms:
            receipts += session.exec(
                select(RecordRow).where(RecordRow.table_name == RECEIPT_TABLE, RecordRow.fields["pseudonym"].as_string().in_(pseudonyms))
            )
        by_id = {str(row.fields["hcp_id"]): Erasure.of(str(row.fields["hcp_id"])) for row in receipts if row.fields.get("hcp_id")}
        return cls(by_id, subjects)

    def add(self, erasure: Erasure) -> None:
        self._by_id[erasure.hcp_id] = erasure
        self._by_pseudonym[erasure.pseudonym] = erasure

    def fields(self, change: Change, existing: StoredRecord | None) -> dict[str, Any]:
        """The change's fields as the server may keep them: scrubbed when the record concerns an erased HCP."""
        if not self._by_id:
            return change.fields
        current = {**(existing.fields if existing is not None else {}), **change.fields}
        subject: str | None = None
        if change.table == "amendment":
            subject = current.get("subject_table")
            row = self._subjects.get((str(subject), str(current.get("subject_id"))))
            erasure = self._concerning(str(subject), str(current.get("subject_id")), row.fields if row is not None else {})
        else:
            erasure = self._concerning(change.table, change.record_id, current)
            if erasure is None and existing is not None:
                erasure = self._concerning(change.table, change.record_id, existing.fields)
        return erasure.scrub(change.table, change.fields, subject=subject) if erasure is not None else change.fields

    def _concerning(self, table: str, record_id: str, fields: dict[str, Any]) -> Erasure | None:
        if table == "hcp":
            return self._by_id.get(record_id)
        for value in referenced_ids(table, fields):
            erasure = self._by_id.get(value) or self._by_pseudonym.get(value)
            if erasure is not None:
                return erasure
        return next((erasure for erasure in self._by_id.values() if erasure.literals and erasure.concerns(table, record_id, fields)), None)


def _subjects(session: Session, changes: Iterable[Change], records: dict[Key, StoredRecord]) -> dict[Key, StoredRecord]:
    """The records that pushed amendments are about: whether an amendment concerns an erased HCP depends on its subject."""
    wanted: dict[str, set[str]] = {}
    for change in changes:
        if change.table != "amendment":
            continue
        current = {**(records[(change.table, change.record_id)].fields if (change.table, change.record_id) in records else {}), **change.fields}
        table, record_id = current.get("subject_table"), current.get("subject_id")
        if isinstance(table, str) and isinstance(record_id, str):
            wanted.setdefault(table, set()).add(record_id)
    found: dict[Key, StoredRecord] = {}
    for table, ids in wanted.items():
        for row in session.exec(select(RecordRow).where(RecordRow.table_name == table, among(session, col(RecordRow.record_id), sorted(ids)))):
            found[(table, row.record_id)] = row
    return found
