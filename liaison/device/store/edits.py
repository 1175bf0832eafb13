"""The MSL's own edits: create (one record or a batch), update and delete, through the write core.

The rules a plain edit answers to live with the jobs that own them: what a
filed record still lets move (`filing.refuse_if_filed`), and the compliance
review for kinds reviewed on every write (`gate`). Compliance overrides and
erasure receipts are written only by those jobs, never by a plain edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from liaison.core.errors import ImmutableRecord, ValidationError, ValidationErrors
from liaison.core.records.kinds import KINDS
from liaison.core.records.models import AdverseEvent, ComplianceOverride, HcpErasure, Record
from liaison.core.types import utcnow
from liaison.device.store import consent
from liaison.device.store.filing import FILED_KINDS, refuse_if_filed
from liaison.device.store.gate import REVIEWED_ON_WRITE, Gate, refuse_findings
from liaison.device.store.values import base_clocks, fields, label
from liaison.device.store.writes import Writes, refuse_bookkeeping

R = TypeVar("R", bound=Record)

NEVER_DELETED = frozenset(kind.model for kind in KINDS if kind.never_deleted)


class BatchValidationError(ValidationError):
    """Several rows failed; each problem is listed with its (1-based) row number, a row with several once per problem."""

    def __init__(self, errors: Sequence[tuple[int, ValidationError]]) -> None:
        self.errors = [(row, problem) for row, error in errors for problem in (error.problems if isinstance(error, ValidationErrors) else [error])]
        lines = [f"row {row}: {error}" for row, error in self.errors]
        rows = len({row for row, _ in self.errors})
        Exception.__init__(self, f"{rows} invalid row(s); nothing was written\n" + "\n".join(lines))
        self.field = "rows"
        self.message = lines[0] if lines else ""


class Edits:
    """Creates, updates and deletes records as the MSL asks, each in its own transaction."""

    def __init__(self, writes: Writes, gate: Gate) -> None:
        self._writes = writes
        self._gate = gate

    def create(self, model: type[R], data: Mapping[str, Any], *, justification: str | None = None) -> R:
        if model is ComplianceOverride:
            raise ValidationError("compliance_override", "written only by the compliance review, with the record it justifies")
        if model is HcpErasure:
            raise ValidationError("hcp_erasure", "written only by erasing the HCP ('liaison hcp erase'), which scrubs their records with it")
        data = consent.on_create(model, data)
        with self._writes.transaction() as session:
            record = self._writes.create(session, model, data)
            if model in REVIEWED_ON_WRITE:
                self._gate.clear(session, model, record.id, fields(record), None, justification)
            return record

    def create_many(self, model: type[R], rows: Iterable[Mapping[str, Any]], *, action: str = "create") -> list[str]:
        """All rows or none: every invalid row is reported with its number before anything is written."""
        rows = list(rows)
        with self._writes.transaction() as session:
            checked: list[dict[str, Any]] = []
            errors: list[tuple[int, ValidationError]] = []
            known: dict[type[Record], set[str]] = {}
            for number, row in enumerate(rows, start=1):
                try:
                    values = self._writes.validate(session, model, consent.on_create(model, row), known)
                    if model in REVIEWED_ON_WRITE:
                        refuse_findings(self._gate.findings(session, model, values))
                    checked.append(values)
                except ValidationError as error:
                    errors.append((number, error))
            if errors:
                raise BatchValidationError(errors)
            return [self._writes.insert(session, model, values, action).id for values in checked]

    def update(self, model: type[R], record_id: str, changes: Mapping[str, Any], justification: str | None = None, *, review: bool = True) -> R:
        """Change a record's fields. Kinds reviewed on write answer to the review for what the change introduces,
        unless `review` is off: a value chosen between two that were each reviewed where written files nothing new."""
        if model is ComplianceOverride:
            raise ImmutableRecord("a compliance override is kept as written and cannot be edited")
        if model is HcpErasure:
            raise ImmutableRecord("an HCP erasure receipt is kept as written and cannot be edited")
        with self._writes.transaction() as session:
            record = self._writes.load(session, model, record_id)
            refuse_if_filed(record, changes)
            refuse_bookkeeping(changes)
            changes = consent.on_update(model, record, changes)
            before = fields(record)
            merged = {**before, **changes}
            if model is AdverseEvent and "aware_at" in changes:
                merged["deadline_at"] = None  # the clock restarts from the corrected awareness time
            values = self._writes.validate(session, model, merged, current=record)
            if review and model in REVIEWED_ON_WRITE:
                self._gate.clear(session, model, record_id, values, before, justification)
            return self._writes.apply(session, record, before, values, action="update")

    def delete(self, model: type[R], record_id: str) -> None:
        """Leave a tombstone: the record disappears from lists and sync carries the delete."""
        if model in NEVER_DELETED:
            raise ImmutableRecord(f"{label(model)} records are never deleted; amend or withdraw it instead")
        with self._writes.transaction() as session:
            record = self._writes.load(session, model, record_id)
            if model in FILED_KINDS and getattr(record, "status", None) != "draft":
                raise ImmutableRecord(f"{label(model)} {record_id} was submitted and cannot be deleted")
            before = fields(record)
            base = base_clocks(record, ["deleted", "deleted_at"])
            stamp = self._writes.clock.tick()
            record.deleted, record.deleted_at = True, utcnow()
            self._writes.touch(record, stamp, ["deleted", "deleted_at"])
            session.add(record)
            self._writes.outbox(session, record, {"deleted": True, "deleted_at": record.deleted_at}, stamp, base)
            self._writes.audit(session, "delete", record, before, None)
            self._writes.save_clock(session)
