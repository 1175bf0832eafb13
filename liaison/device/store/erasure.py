"""Erasing an HCP from this device's store: records, queued changes, conflicts and the audit log.

`Erasing.erase_hcp` erases on the MSL's request and writes the receipt that
syncs; `Erasing.receive` applies a receipt that came from another device
(the pull, `liaison.device.sync.apply`, calls it inside the page's
transaction). Both plan and scrub with the functions below. The field rules
themselves live in `liaison.core.erasure`, shared with the server.

Filed records (submitted interactions, inquiries, adverse events) change here
without an amendment: erasure is a legal obligation that overrides the rule
that filed records change only by amendment, and the receipt together with
the "erase" and "redact" audit entries is the record of that override.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from liaison.core.erasure import Erasure, receipt_id
from liaison.core.errors import NotFound, ValidationError
from liaison.core.records.kinds import references_to
from liaison.core.records.models import AdverseEvent, Amendment, Hcp, HcpErasure, Record
from liaison.core.records.shape import typed
from liaison.core.types import utcnow
from liaison.device.store import audit, drafts
from liaison.device.store.models import Conflict, OutboxEntry
from liaison.device.store.values import fields, jsonable, synced
from liaison.device.store.writes import Writes

Key = tuple[str, str]
_CHUNK = 500


@dataclass
class Applied:
    """What an erasure changed here: the records scrubbed and the audit entries redacted."""

    records: dict[Key, Record] = field(default_factory=dict)
    redacted: list[int] = field(default_factory=list)


class Erasing:
    """Erases HCPs here, on the MSL's request or on a receipt from elsewhere, through the write core."""

    def __init__(self, writes: Writes) -> None:
        self._writes = writes

    def erase_hcp(self, hcp_id: str, reason: str, requested_at: datetime | None = None) -> HcpErasure:
        """Erase an HCP's personal data on their request, everywhere this store holds it, in one transaction.

        The HCP becomes a tombstone under a pseudonym; records that name them
        are scrubbed as `liaison.core.erasure` decides (adverse events kept with the
        reporter pseudonymized, inquiries without the signature, free text
        about the person cleared); queued changes, conflicts and audit payloads
        about them are scrubbed too. The receipt (an `HcpErasure`) syncs, and
        every other device and the server apply the same scrub when it arrives.
        """
        writes = self._writes
        with writes.transaction() as session:
            protect(session)
            erasure, found = self._plan(session, hcp_id, reason)
            values = writes.validate(
                session,
                HcpErasure,
                {
                    "hcp_id": hcp_id,
                    "pseudonym": erasure.pseudonym,
                    "requested_at": requested_at or utcnow(),
                    "reason": reason,
                    "erased_by": writes.actor.user,
                },
            )
            self._erase(session, erasure, found)
            receipt = writes.insert(session, HcpErasure, values, "erase", record_id=receipt_id(hcp_id))
        checkpoint(writes.engine)
        return receipt

    def erasure_impact(self, hcp_id: str, reason: str | None = None) -> dict[str, int]:
        """How many records of each kind erasing this HCP would touch (the HCP included), for the confirmation.

        Refuses as `erase_hcp` would (and checks `reason` when given), so a
        confirmation is never asked for an erasure that cannot happen.
        """
        with self._writes.session() as session:
            _, found = self._plan(session, hcp_id, reason)
        counts: dict[str, int] = {}
        for table, _ in found:
            counts[table] = counts.get(table, 0) + 1
        return counts

    def receive(self, session: Session, record_id: str) -> None:
        """A receipt from another device, stored in this transaction: apply the same erasure here, echoing nothing back.

        The caller makes every record it holds for the page findable in `session` first.
        """
        receipt = session.get(HcpErasure, record_id)
        if receipt is None:
            return
        protect(session)
        hcp = session.get(Hcp, receipt.hcp_id)
        erasure = Erasure.of(receipt.hcp_id, fields(hcp) if hcp is not None else None)
        self._erase(session, erasure, affected(session, erasure))

    def _plan(self, session: Session, hcp_id: str, reason: str | None) -> tuple[Erasure, dict[Key, Record]]:
        hcp = session.get(Hcp, hcp_id)
        if hcp is None:
            raise NotFound(f"HCP {hcp_id} not found")
        if session.get(HcpErasure, receipt_id(hcp_id)) is not None:
            raise ValidationError("hcp_id", f"HCP {hcp_id} was already erased")
        erasure = Erasure.of(hcp_id, fields(hcp))
        if reason is not None:
            if not reason.strip():
                raise ValidationError("reason", "must say why (e.g. 'request by e-mail of 3 March, GDPR art. 17')")
            if erasure.redact(reason) != reason:
                raise ValidationError("reason", "must not contain the HCP's name or contact details: the reason is kept after the erasure")
        found = affected(session, erasure)
        refuse_if_unreported(found)
        return erasure, found

    def _erase(self, session: Session, erasure: Erasure, found: dict[Key, Record]) -> None:
        """Scrub, then audit: one "erase" entry per record with what it kept, one "redact" entry listing the redacted links."""
        applied = apply(session, erasure, found)
        drafts.drop_mentioning(session, lambda text: any(hcp_id in text for hcp_id in erasure.ids) or erasure.redact(text) != text)
        for record in applied.records.values():
            self._writes.audit(session, "erase", record, None, fields(record))
        if applied.redacted:
            self._writes.audit_about(
                session,
                audit.REDACT,
                "audit_log",
                receipt_id(erasure.hcp_id),
                None,
                {"hcp_erasure": receipt_id(erasure.hcp_id), "pseudonym": erasure.pseudonym, "entries": applied.redacted},
            )


def protect(session: Session) -> None:
    """Overwrite freed space from here on, so scrubbed values do not linger in free pages of the file."""
    session.execute(text("PRAGMA secure_delete = ON"))


def affected(session: Session, erasure: Erasure) -> dict[Key, Record]:
    """Every record this store holds that the erasure concerns, tombstones included."""
    found: dict[Key, Record] = {}
    hcp = session.get(Hcp, erasure.hcp_id)
    if hcp is not None:
        found[("hcp", hcp.id)] = hcp
    ids = sorted(erasure.ids)
    candidates: list[Record] = []
    for kind, reference in references_to("hcp"):
        if reference.many:
            names = text(f"EXISTS (SELECT 1 FROM json_each({kind.table}.{reference.field}) WHERE json_each.value IN (:a, :b))").bindparams(
                a=ids[0], b=ids[1]
            )
            candidates += session.exec(select(kind.model).where(names)).all()
        else:
            candidates += session.exec(select(kind.model).where(col(getattr(kind.model, reference.field)).in_(ids))).all()
    reporters = session.exec(select(AdverseEvent.id, AdverseEvent.reporter)).all()
    named = [record_id for record_id, reporter in reporters if erasure.concerns("adverse_event", record_id, {"reporter": reporter})]
    candidates += _by_ids(session, AdverseEvent, named)
    for record in candidates:
        table = str(type(record).__tablename__)
        if erasure.concerns(table, record.id, _json(record)):
            found[(table, record.id)] = record
    subjects = [record_id for table, record_id in found if table != "hcp"]
    for amendment in _by_column(session, Amendment, Amendment.subject_id, subjects):
        if isinstance(amendment, Amendment) and (amendment.subject_table, amendment.subject_id) in found:
            found[("amendment", amendment.id)] = amendment
    return found


def refuse_if_unreported(found: dict[Key, Record]) -> None:
    """Pharmacovigilance needs an identifiable reporter: a draft adverse event from this HCP must be filed first."""
    for (table, record_id), record in sorted(found.items()):
        if table == "adverse_event" and getattr(record, "status", None) == "draft":
            raise ValidationError(
                "hcp_id",
                f"adverse event {record_id} names this HCP as its reporter and is still a draft: submit it to "
                "pharmacovigilance first (a report needs an identifiable reporter), then erase",
            )


def apply(session: Session, erasure: Erasure, found: dict[Key, Record]) -> Applied:
    """Scrub the records, the outbox, open conflicts and the audit log; the caller audits what was done."""
    subjects = {key: record.subject_table for key, record in found.items() if isinstance(record, Amendment)}
    result = Applied(records=found)
    for (table, _), record in found.items():
        _scrub_record(erasure, table, record, subjects)
        session.add(record)
    session.flush()
    keys = set(found)
    for entry in _keyed(session, OutboxEntry, keys):
        entry.fields = erasure.scrub(entry.table_name, entry.fields, subject=subjects.get((entry.table_name, entry.record_id)))
        session.add(entry)
    for conflict in _keyed(session, Conflict, keys):
        conflict.kept_value = _scrub_value(erasure, conflict.table_name, conflict.field, conflict.kept_value)
        conflict.lost_value = _scrub_value(erasure, conflict.table_name, conflict.field, conflict.lost_value)
        if conflict.resolved_at is None:
            conflict.resolved_at, conflict.resolution = utcnow(), "erased"
        session.add(conflict)
    session.flush()
    result.redacted = audit.redact(session, keys, lambda table, payload: erasure.scrub(table, payload))
    if ("hcp", erasure.hcp_id) in found:
        session.execute(text("INSERT INTO hcp_search(hcp_search) VALUES ('optimize')"))
    return result


def checkpoint(engine: Engine) -> None:
    """Fold the write-ahead log into the database and empty it, so no page image from before the erasure stays behind."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _scrub_record(erasure: Erasure, table: str, record: Record, subjects: dict[Key, str]) -> None:
    model = type(record)
    current = _json(record)
    scrubbed = erasure.scrub(table, current, subject=subjects.get((table, record.id)))
    for name, value in scrubbed.items():
        if value != current[name]:
            setattr(record, name, typed(model, name, value))


def _scrub_value(erasure: Erasure, table: str, name: str, value: Any) -> Any:
    return erasure.scrub(table, {name: value})[name]


def _json(record: Record) -> dict[str, Any]:
    return jsonable(synced(record))


def _by_ids(session: Session, model: type[Record], ids: Iterable[str]) -> list[Record]:
    return _by_column(session, model, model.id, ids)


def _by_column(session: Session, model: type[Record], column: Any, values: Iterable[str]) -> list[Record]:
    values = list(values)
    found: list[Record] = []
    for start in range(0, len(values), _CHUNK):
        found += session.exec(select(model).where(col(column).in_(values[start : start + _CHUNK]))).all()
    return found


def _keyed(session: Session, model: Any, keys: set[Key]) -> list[Any]:
    """Rows of a bookkeeping table (outbox, conflicts) that belong to these records."""
    ids = sorted({record_id for _, record_id in keys})
    rows: list[Any] = []
    for start in range(0, len(ids), _CHUNK):
        rows += session.exec(select(model).where(col(model.record_id).in_(ids[start : start + _CHUNK]))).all()
    return [row for row in rows if (row.table_name, row.record_id) in keys]
