"""The one way in: every write to the MSL's records goes through `Repository`.

In a single transaction each write
1. validates the input (and the references it makes to other records),
2. stamps every changed field with the hybrid logical clock,
3. appends the change to the sync outbox, and
4. appends a link to the hash-chained audit log (who, what, when, before, after).
Either all four happen or none does. Nothing else writes the record tables.

Submitted interactions, inquiries and adverse events are never edited in place:
`amend()` records what changed and why, and the original stays as filed. The
one exception is `erase_hcp()`: erasing an HCP on request is a legal
obligation, so it scrubs their personal data from filed records too, and its
receipt and audit entries record that it did (see docs/PRIVACY.md).

The pre-submit compliance review (`liaison.core.rules.review`) runs here too, so no
path files flagged text unnoticed: submitting or amending an interaction, and
writing an insight or a medical event's outcomes. Findings refuse the write
unless a written justification comes with it; then a `ComplianceOverride` is
written in the same transaction. Blocking findings refuse it whatever is said.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, TypeVar

import pydantic
import pydantic_core
import uuid6
from sqlalchemy import Engine, delete, func
from sqlmodel import Session, SQLModel, col, select

from liaison.core.rules import review as compliance
from liaison.core.rules.safety import ReportingWindow, reporting_deadline
from liaison.core.errors import (
    ComplianceBlocked,
    ImmutableRecord,
    JustificationRequired,
    NotFound,
    StoreError,
    UnstorableChange,
    ValidationError,
)
from liaison.device.store import audit, clock_reset, refusals
from liaison.device.store import erasure as erasing
from liaison.device.store.db import writer
from liaison.core.records.models import (
    AdverseEvent,
    Amendment,
    ComplianceOverride,
    Hcp,
    HcpErasure,
    Insight,
    Interaction,
    MedicalEvent,
    MedicalInquiry,
    Record,
)
from liaison.device.store.models import Conflict, DeviceState, OutboxEntry, SyncState
from liaison.device.store.fresh import FreshRows
from liaison.core.records.shape import typed, typed_values
from liaison.device.store.remote import amendment_id, conflict_id
from liaison.core.types import utcnow
from liaison.core.clock import ALL_FIELDS, ZERO, HybridLogicalClock, Stamp, field_stamp
from liaison.core.erasure import Erasure, is_pseudonym, receipt_id
from liaison.core.merge import Conflict as MergeConflict
from liaison.core.merge import RecordState, merge
from liaison.core.protocol import Change, RefusedChange
from liaison.core.records.kinds import KINDS, PRIORITY_TABLES, TABLES, kind_for, kind_of

R = TypeVar("R", bound=Record)

FILED_KINDS: dict[type[Record], frozenset[str]] = {kind.model: kind.movable_after_filing for kind in KINDS if kind.filed}
"""Kinds that are submitted, and the workflow fields a plain edit may still move afterwards (from the registry,
`liaison.core.records.kinds`, as the merge's `FILED_TABLES` is)."""

CLOCK_RESET = "clock_reset"
"""The action of the entry that says the device's stored clock was poisoned and restarted from the wall clock."""

NEVER_DELETED = frozenset(kind.model for kind in KINDS if kind.never_deleted)

REVIEWED_ON_WRITE = frozenset(kind.model for kind in KINDS if kind.reviewed_on_write)
"""Kinds that are not submitted: the compliance review runs whenever they are written."""


@dataclass(frozen=True)
class Actor:
    """Who is writing, from which device: stamped on every record and audit entry."""

    user: str
    device_id: str


@dataclass
class ApplyReport:
    """What a pulled page did here: records changed, conflicts kept, amendments made."""

    applied: int = 0
    conflicts: int = 0
    amendments: int = 0
    erasures: int = 0


class BatchValidationError(ValidationError):
    """Several rows failed; each is listed with its (1-based) row number."""

    def __init__(self, errors: Sequence[tuple[int, ValidationError]]) -> None:
        self.errors = list(errors)
        lines = [f"row {row}: {error}" for row, error in self.errors]
        Exception.__init__(self, f"{len(lines)} invalid row(s); nothing was written\n" + "\n".join(lines))
        self.field = "rows"
        self.message = lines[0] if lines else ""


class Repository:
    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        clock: HybridLogicalClock,
        ae_window: ReportingWindow | None = None,
        local_tz: tzinfo | None = None,
    ) -> None:
        self._engine = engine
        self._writer = writer(engine)
        self.actor = actor
        self.clock = clock
        self.ae_window = ae_window or ReportingWindow(hours=24)
        self.local_tz = local_tz

    # --- reads ---------------------------------------------------------------

    def session(self) -> Session:
        """A read session; records it returns stay usable after it closes."""
        return Session(self._engine, expire_on_commit=False)

    def get(self, model: type[R], record_id: str, *, include_deleted: bool = False) -> R:
        with self.session() as session:
            record = session.get(model, record_id)
        if record is None or (record.deleted and not include_deleted):
            raise NotFound(f"{_label(model)} {record_id} not found")
        return record

    # --- writes --------------------------------------------------------------

    def create(self, model: type[R], data: Mapping[str, Any], *, justification: str | None = None) -> R:
        if model is ComplianceOverride:
            raise ValidationError("compliance_override", "written only by the compliance review, with the record it justifies")
        if model is HcpErasure:
            raise ValidationError("hcp_erasure", "written only by erasing the HCP ('liaison hcp erase'), which scrubs their records with it")
        with self._transaction() as session:
            record = self._create(session, model, data)
            if model in REVIEWED_ON_WRITE:
                self._clear_review(session, model, record.id, _fields(record), None, justification)
            return record

    def create_many(self, model: type[R], rows: Iterable[Mapping[str, Any]], *, action: str = "create") -> list[str]:
        """All rows or none: every invalid row is reported with its number before anything is written."""
        rows = list(rows)
        with self._transaction() as session:
            checked: list[dict[str, Any]] = []
            errors: list[tuple[int, ValidationError]] = []
            known: dict[type[Record], set[str]] = {}
            for number, row in enumerate(rows, start=1):
                try:
                    values = self._validate(session, model, row, known)
                    if model in REVIEWED_ON_WRITE:
                        _refuse_findings(self._findings(session, model, values))
                    checked.append(values)
                except ValidationError as error:
                    errors.append((number, error))
            if errors:
                raise BatchValidationError(errors)
            return [self._insert(session, model, values, action).id for values in checked]

    def update(self, model: type[R], record_id: str, changes: Mapping[str, Any], *, justification: str | None = None) -> R:
        return self._update(model, record_id, changes, justification, reviewed=model in REVIEWED_ON_WRITE)

    def _update(self, model: type[R], record_id: str, changes: Mapping[str, Any], justification: str | None, reviewed: bool) -> R:
        if model is ComplianceOverride:
            raise ImmutableRecord("a compliance override is kept as written and cannot be edited")
        if model is HcpErasure:
            raise ImmutableRecord("an HCP erasure receipt is kept as written and cannot be edited")
        with self._transaction() as session:
            record = self._load(session, model, record_id)
            self._refuse_if_filed(record, changes)
            _refuse_bookkeeping(changes)
            before = _fields(record)
            merged = {**before, **changes}
            if model is AdverseEvent and "aware_at" in changes:
                merged["deadline_at"] = None  # the clock restarts from the corrected awareness time
            values = self._validate(session, model, merged, current=record)
            if reviewed:
                self._clear_review(session, model, record_id, values, before, justification)
            return self._apply(session, record, before, values, action="update")

    def delete(self, model: type[R], record_id: str) -> None:
        """Leave a tombstone: the record disappears from lists and sync carries the delete."""
        if model in NEVER_DELETED:
            raise ImmutableRecord(f"{_label(model)} records are never deleted; amend or withdraw it instead")
        with self._transaction() as session:
            record = self._load(session, model, record_id)
            if model in FILED_KINDS and getattr(record, "status", None) != "draft":
                raise ImmutableRecord(f"{_label(model)} {record_id} was submitted and cannot be deleted")
            before = _fields(record)
            base = _base_clocks(record, ["deleted", "deleted_at"])
            stamp = self.clock.tick()
            record.deleted, record.deleted_at = True, utcnow()
            self._touch(record, stamp, ["deleted", "deleted_at"])
            session.add(record)
            self._outbox(session, record, {"deleted": True, "deleted_at": record.deleted_at}, stamp, base)
            self._audit(session, "delete", record, before, None)
            self._save_clock(session)

    def submit(self, model: type[R], record_id: str, *, justification: str | None = None) -> R:
        """File a draft. From here on it changes only by amendment.

        An interaction passes the compliance review first: with findings it is
        filed only with a written `justification`, which is kept as an override.
        """
        if model not in FILED_KINDS:
            raise ValidationError("status", f"{_label(model)} records are not submitted")
        with self._transaction() as session:
            record = self._load(session, model, record_id)
            if record.status != "draft":
                raise ImmutableRecord(f"{_label(model)} {record_id} is already submitted")
            return self._submit(session, model, record, justification)

    def create_submitted(self, model: type[R], data: Mapping[str, Any], *, justification: str | None = None) -> R:
        """Create and file a record in one transaction: a crash in between never leaves a draft behind."""
        if model not in FILED_KINDS:
            raise ValidationError("status", f"{_label(model)} records are not submitted")
        with self._transaction() as session:
            return self._submit(session, model, self._create(session, model, data), justification)

    def _submit(self, session: Session, model: type[R], record: R, justification: str | None) -> R:
        before = _fields(record)
        self._validate(session, model, before, current=record)
        values = {**before, "status": "submitted", "submitted_at": utcnow()}
        filed = self._apply(session, record, before, values, action="submit", snapshot=True)
        if model is Interaction:
            self._clear_review(session, model, record.id, before, None, justification)
        return filed

    def amend(
        self, model: type[R], record_id: str, changes: Mapping[str, Any], reason: str, *, justification: str | None = None
    ) -> Amendment:
        """Record a change to a submitted record without touching what was filed.

        An amended interaction answers to the compliance review for what the amendment introduces.
        """
        with self._transaction() as session:
            record = self._load(session, model, record_id)
            if getattr(record, "status", "draft") == "draft":
                raise ValidationError("status", f"{_label(model)} {record_id} is still a draft; edit it directly")
            _refuse_bookkeeping(changes)
            unknown = sorted(set(changes) - set(_fields(record)))
            if unknown:
                raise ValidationError(unknown[0], f"{_label(model)} has no such field")
            before = _fields(record)
            amended = self._validate(session, model, {**before, **changes}, current=record)
            changed = _differences(before, _jsonable(amended))
            if not changed:
                raise ValidationError("changes", f"nothing differs from the {_label(model)} as it stands; give at least one new value")
            data = {
                "subject_table": model.__tablename__,
                "subject_id": record_id,
                "changes": changed,
                "reason": reason.strip(),
            }
            amendment = self._create(session, Amendment, data)
            if model is Interaction:
                self._clear_review(session, model, amendment.id, _jsonable(amended), before, justification, subject=Amendment)
            return amendment

    # --- compliance review ---------------------------------------------------

    def review(self, model: type[Record], values: Mapping[str, Any]) -> list[compliance.Finding]:
        """What the compliance review finds in these values, without writing anything: shown before a submit."""
        with self.session() as session:
            return self._findings(session, model, values)

    def _findings(self, session: Session, model: type[Record], values: Mapping[str, Any]) -> list[compliance.Finding]:
        if model is Interaction:
            hcp = session.get(Hcp, values["hcp_id"]) if values.get("hcp_id") else None
            inquiry = session.get(MedicalInquiry, values["inquiry_id"]) if values.get("inquiry_id") else None
            return compliance.interaction_findings(values, hcp, inquiry if inquiry is not None and not inquiry.deleted else None)
        if model is Insight:
            return compliance.insight_findings(values)
        if model is MedicalEvent:
            return compliance.event_findings(values)
        return []

    def _clear_review(
        self,
        session: Session,
        model: type[Record],
        subject_id: str,
        values: Mapping[str, Any],
        before: Mapping[str, Any] | None,
        justification: str | None,
        subject: type[Record] | None = None,
    ) -> None:
        """Refuse the write over findings it introduced, or keep the justification that overrides them.

        Runs inside the write's transaction: a refusal rolls the whole write back.
        """
        findings = self._findings(session, model, values)
        if before is not None:
            findings = compliance.new_findings(findings, self._findings(session, model, before))
        if not findings:
            return
        label = f"{_label(subject or model)} {subject_id}"
        blocking = [finding for finding in findings if finding.blocking]
        if blocking:
            raise ComplianceBlocked(f"{label}: cannot be filed; no justification overrides this", blocking)
        if not (justification or "").strip():
            raise JustificationRequired(
                f"{label}: {len(findings)} compliance finding(s); revise the text, or file it anyway with a written justification",
                findings,
            )
        data = {
            "subject_table": (subject or model).__tablename__,
            "subject_id": subject_id,
            "findings": [finding.record() for finding in findings],
            "justification": justification,
            "overridden_at": utcnow(),
        }
        self._create(session, ComplianceOverride, data)

    def erase_hcp(self, hcp_id: str, reason: str, requested_at: datetime | None = None) -> HcpErasure:
        """Erase an HCP's personal data on their request, everywhere this store holds it, in one transaction.

        The HCP becomes a tombstone under a pseudonym; records that name them
        are scrubbed as `liaison.core.erasure` decides (adverse events kept with the
        reporter pseudonymized, inquiries without the signature, free text
        about the person cleared); queued changes, conflicts and audit payloads
        about them are scrubbed too. The receipt (an `HcpErasure`) syncs, and
        every other device and the server apply the same scrub when it arrives.
        """
        with self._transaction() as session:
            erasing.protect(session)
            erasure, found = self._plan_erasure(session, hcp_id, reason)
            values = self._validate(
                session, HcpErasure,
                {"hcp_id": hcp_id, "pseudonym": erasure.pseudonym, "requested_at": requested_at or utcnow(), "reason": reason, "erased_by": self.actor.user},
            )
            self._erase(session, erasure, found)
            receipt = self._insert(session, HcpErasure, values, "erase", record_id=receipt_id(hcp_id))
        erasing.checkpoint(self._engine)
        return receipt

    def erasure_impact(self, hcp_id: str, reason: str | None = None) -> dict[str, int]:
        """How many records of each kind erasing this HCP would touch (the HCP included), for the confirmation.

        Refuses as `erase_hcp` would (and checks `reason` when given), so a
        confirmation is never asked for an erasure that cannot happen.
        """
        with self.session() as session:
            _, found = self._plan_erasure(session, hcp_id, reason)
        counts: dict[str, int] = {}
        for table, _ in found:
            counts[table] = counts.get(table, 0) + 1
        return counts

    def _plan_erasure(self, session: Session, hcp_id: str, reason: str | None) -> tuple[Erasure, dict[tuple[str, str], Record]]:
        hcp = session.get(Hcp, hcp_id)
        if hcp is None:
            raise NotFound(f"HCP {hcp_id} not found")
        if session.get(HcpErasure, receipt_id(hcp_id)) is not None:
            raise ValidationError("hcp_id", f"HCP {hcp_id} was already erased")
        erasure = Erasure.of(hcp_id, _fields(hcp))
        if reason is not None:
            if not reason.strip():
                raise ValidationError("reason", "must say why (e.g. 'request by e-mail of 3 March, GDPR art. 17')")
            if erasure.redact(reason) != reason:
                raise ValidationError("reason", "must not contain the HCP's name or contact details: the reason is kept after the erasure")
        found = erasing.affected(session, erasure)
        erasing.refuse_if_unreported(found)
        return erasure, found

    def _erase(self, session: Session, erasure: Erasure, found: dict[tuple[str, str], Record]) -> None:
        """Scrub, then audit: one "erase" entry per record with what it kept, one "redact" entry listing the redacted links."""
        applied = erasing.apply(session, erasure, found)
        for record in applied.records.values():
            self._audit(session, "erase", record, None, _fields(record))
        if applied.redacted:
            self._audit_raw(
                session, audit.REDACT, "audit_log", receipt_id(erasure.hcp_id), None,
                {"hcp_erasure": receipt_id(erasure.hcp_id), "pseudonym": erasure.pseudonym, "entries": applied.redacted},
            )

    # --- sync ----------------------------------------------------------------

    def apply_remote(self, changes: Sequence[Change], cursor: str) -> ApplyReport:
        """Merge a pulled page and store its cursor, in one transaction.

        The same `merge` the server runs decides every field. Losing concurrent
        values become `Conflict` rows; edits to filed records become amendments.
        Nothing goes to the outbox: these changes already live on the server.
        The device's own changes are skipped, having been applied when made.
        Records first met are audited together, in one `receive` entry naming
        each record and the change that brought it (see `audit.RECEIVE`).
        A value this device cannot store refuses the whole page with
        `UnstorableChange`, naming the record and the field: nothing of it is
        written and the cursor stays where it was.
        The clock moves past the page's newest stamp that is not too far ahead
        (`liaison.core.clock.MAX_AHEAD_MS`); one further ahead still merges by its stamp.
        """
        report = ApplyReport()
        with self._transaction() as session:
            known = self._preload(session, changes)
            fresh = FreshRows()
            self.clock.observe_newest(stamp for change in changes for stamp in change.clocks.values())
            for change in changes:
                if change.device_id == self.actor.device_id:
                    continue
                key = (change.table, change.record_id)
                erasure_receipt = change.table == HcpErasure.__tablename__ and known.get(key) is None and key not in fresh
                try:
                    self._apply_change(session, change, report, known, fresh)
                except ValidationError as problem:
                    raise UnstorableChange(change.table, change.record_id, problem) from None
                if erasure_receipt:
                    self._erase_received(session, change.record_id, known, fresh)
                    report.erasures += 1
            fresh.insert(session)
            if fresh.received:
                self._audit_raw(session, audit.RECEIVE, SyncState.__tablename__, "1", None, {"cursor": cursor, "records": fresh.received})
            state = session.get(SyncState, 1)
            if state is None:
                raise StoreError("this device is not enrolled with a server")
            state.cursor = cursor
            session.add(state)
            self._save_clock(session)
        if report.erasures:
            erasing.checkpoint(self._engine)
        return report

    def acknowledge(self, change_ids: Sequence[str], sent: Sequence[str] = (), refused: Sequence[RefusedChange] = ()) -> int:
        """The server holds `change_ids` durably: drop them from the outbox. Mark the `refused` ones of the batch
        (`sent`, in the order sent) with the server's reasons, audited; how many were newly marked."""
        with self._transaction() as session:
            session.execute(delete(OutboxEntry).where(col(OutboxEntry.change_id).in_(list(change_ids))))
            marked = refusals.mark(session, sent, refused, utcnow())
            for entry in marked:
                self._audit_event(
                    session, "refused", entry.table_name, entry.record_id,
                    {"change": entry.change_id, "code": entry.refusal_code, "field": entry.refusal_field, "reason": entry.refusal_message},
                )
            return len(marked)

    def refused(self) -> list[refusals.Refusal]:
        """Records whose changes the server refused, waiting for the MSL (safety records first)."""
        with self.session() as session:
            return refusals.open_refusals(session)

    def resend_refused(self, change_id: str) -> str:
        """Send a refused record again, as it stands now (correct it first with an ordinary edit); the new change's id.

        Its waiting changes become one change carrying the record's current value of
        every field they touched, stamped now, each field's base the one the first of
        them replaced: the server merges it as the edit it is, and it goes to the
        queue at its kind's priority.
        """
        with self._transaction() as session:
            waiting = refusals.waiting_changes(session, change_id)
            first = waiting[0]
            model = kind_for(first.table_name).model
            record = session.get(model, first.record_id)
            if record is None:
                raise NotFound(f"{_label(model)} {first.record_id} is no longer on this device; discard its changes instead")
            names = list(dict.fromkeys(name for entry in waiting for name in entry.fields))
            base: dict[str, str] = {}
            for entry in waiting:
                for name, stamp in entry.base_clocks.items():
                    base.setdefault(name, stamp)
            if not first.base_clocks:
                base = {}  # the record's first write is among them: it reaches the server whole, as a first write
            stamp = self.clock.tick()
            self._touch(record, stamp, [name for name in names if name not in ("updated_at", "updated_by")])
            session.add(record)
            for entry in waiting:
                session.delete(entry)
            session.flush()
            queued = self._outbox(session, record, {name: getattr(record, name) for name in names}, stamp, base)
            self._audit_event(session, "resend", first.table_name, first.record_id, {"replaces": [entry.change_id for entry in waiting], "fields": names})
            self._save_clock(session)
            return queued.change_id

    def discard_refused(self, change_id: str) -> int:
        """Give up sending a refused record's changes; the audit log keeps what they said. How many left the outbox.

        The record stays on this device as it is. Adverse events and inquiries are
        never discarded: they must reach pharmacovigilance or medical information.
        """
        with self._transaction() as session:
            waiting = refusals.waiting_changes(session, change_id)
            first = waiting[0]
            if first.table_name in refusals.SAFETY_TABLES:
                model = kind_for(first.table_name).model
                raise ImmutableRecord(
                    f"{_label(model)} {first.record_id}: its changes cannot be discarded; correct it and resend "
                    "(liaison rejected resend), or ask your administrator for help"
                )
            self._audit_event(
                session, "discard", first.table_name, first.record_id,
                {"changes": [{"change": entry.change_id, "fields": entry.fields, "reason": entry.refusal_message} for entry in waiting]},
            )
            for entry in waiting:
                session.delete(entry)
            return len(waiting)

    def observe(self, stamp: str) -> None:
        with self._transaction() as session:
            self.clock.observe(Stamp.decode(stamp))
            self._save_clock(session)

    def reset_clock(self, stored: str) -> None:
        """Carry on from a poisoned stored clock: this repository's clock was started at the wall clock.

        Queued changes the bad clock stamped are re-stamped (`clock_reset`), and
        one audit entry keeps the old and the new stamp and how many were re-stamped.
        """
        reset_at = self.clock.last.wall_ms
        with self._transaction() as session:
            renamed = clock_reset.restamp_outbox(session, self.clock, reset_at)
            self._save_clock(session)
            self._audit_raw(
                session, CLOCK_RESET, DeviceState.__tablename__, "1", {"clock": stored},
                {"clock": self.clock.last.encode(), "restamped_changes": len(renamed)},
            )

    def save_enrollment(self, state: SyncState) -> None:
        with self._transaction() as session:
            existing = session.get(SyncState, 1)
            if existing is not None:
                session.delete(existing)
                session.flush()
            session.add(state)
            self._audit_event(session, "enroll", "sync_state", "1", {"server_url": state.server_url, "user": state.user_email})

    def mark_synced(self) -> None:
        with self._transaction() as session:
            state = session.get(SyncState, 1)
            if state is not None:
                state.last_success_at = utcnow()
                session.add(state)

    def resolve_conflict(self, conflict_id: str, keep: str) -> Conflict:
        """Keep "mine" (this device's value) or "theirs"; the choice is written as a normal edit so it syncs."""
        if keep not in ("mine", "theirs"):
            raise ValidationError("keep", "must be 'mine' or 'theirs'")
        with self.session() as session:
            conflict = session.get(Conflict, conflict_id)
        if conflict is None:
            raise NotFound(f"conflict {conflict_id} not found")
        if conflict.resolved_at is not None:
            raise ValidationError("conflict", f"{conflict_id} was already resolved ({conflict.resolution})")
        mine_lost = Stamp.decode(conflict.lost_stamp).device == self.actor.device_id
        chosen_lost = (keep == "mine") == mine_lost
        model = kind_for(conflict.table_name).model
        record = self.get(model, conflict.record_id, include_deleted=True)
        current = _jsonable({conflict.field: getattr(record, conflict.field)})[conflict.field]
        wanted = conflict.lost_value if chosen_lost else conflict.kept_value
        if current != wanted:
            # Both values were reviewed where they were written; choosing between them files nothing new.
            self._update(model, conflict.record_id, {conflict.field: typed(model, conflict.field, wanted)}, None, reviewed=False)
        with self._transaction() as session:
            stored = session.get(Conflict, conflict_id)
            assert stored is not None
            stored.resolved_at, stored.resolution = utcnow(), keep
            session.add(stored)
            self._audit_event(session, "resolve", conflict.table_name, conflict.record_id, {"conflict": conflict_id, "keep": keep})
            return stored

    def _apply_change(
        self, session: Session, change: Change, report: ApplyReport, known: dict[tuple[str, str], Record | None], fresh: FreshRows
    ) -> None:
        model = kind_for(change.table).model
        key = (change.table, change.record_id)
        if key in fresh:
            known[key] = fresh.take(session, key)
        record = known.get(key)
        before = _fields(record) if record is not None else None
        current = RecordState(_jsonable(_synced(record)), dict(record.clocks)) if record is not None else None
        result = merge(change.table, current, change.fields, change.clocks, change.base_clocks)
        if result.changed:
            if record is None:
                row = {**fresh.defaults, **result.changed, "id": change.record_id, "clocks": result.state.clocks}
                if fresh.add(model, key, row, change.change_id):
                    report.applied += 1  # audited with the rest of the page in one receipt
                    return
                record = model(**typed_values(model, row))
                known[key] = record
            else:
                for name, value in typed_values(model, result.changed).items():
                    setattr(record, name, value)
                record.clocks = result.state.clocks
            session.add(record)
            self._audit(session, "sync", record, before, _fields(record))
            report.applied += 1
        for lost in result.conflicts:
            self._keep_conflict(session, change.table, change.record_id, lost)
            report.conflicts += 1
        for name in change.fields:
            if name not in result.changed or field_stamp(change.base_clocks, name) == ZERO:
                continue
            self._supersede_conflicts(session, change.table, change.record_id, name, field_stamp(change.base_clocks, name))
        if result.amendments:
            self._amend_from_merge(session, change.table, change.record_id, result.amendments)
            report.amendments += 1

    def _erase_received(
        self, session: Session, record_id: str, known: dict[tuple[str, str], Record | None], fresh: FreshRows
    ) -> None:
        """A receipt from another device: apply the same erasure here, without echoing anything back.

        Records first met earlier in the page become ORM objects first, so the
        erasure finds them and later changes in the page meet them as known.
        """
        known.update(fresh.take_all(session))
        session.flush()
        receipt = session.get(HcpErasure, record_id)
        if receipt is None:
            return
        erasing.protect(session)
        hcp = session.get(Hcp, receipt.hcp_id)
        erasure = Erasure.of(receipt.hcp_id, _fields(hcp) if hcp is not None else None)
        self._erase(session, erasure, erasing.affected(session, erasure))

    def _preload(self, session: Session, changes: Sequence[Change]) -> dict[tuple[str, str], Record | None]:
        """A page's existing records: one query per table, its ids handed to SQLite as one JSON array."""
        by_table: dict[str, list[str]] = {}
        for change in changes:
            by_table.setdefault(change.table, []).append(change.record_id)
        known: dict[tuple[str, str], Record | None] = {}
        for table, ids in by_table.items():
            model = kind_for(table).model
            listed = func.json_each(pydantic_core.to_json(ids).decode()).table_valued("value")
            for record in session.exec(select(model).where(col(model.id).in_(select(listed.c.value)))):
                known[(table, record.id)] = record
        return known

    def _keep_conflict(self, session: Session, table: str, record_id: str, lost: MergeConflict) -> None:
        key = conflict_id(table, record_id, lost.field, lost.lost_stamp)
        if session.get(Conflict, key) is not None:
            return
        session.add(
            Conflict(
                id=key, table_name=table, record_id=record_id, field=lost.field,
                kept_value=_jsonable({"v": lost.kept_value})["v"], kept_stamp=lost.kept_stamp,
                lost_value=_jsonable({"v": lost.lost_value})["v"], lost_stamp=lost.lost_stamp, detected_at=utcnow(),
            )
        )

    def _supersede_conflicts(self, session: Session, table: str, record_id: str, field: str, base: Stamp) -> None:
        """A later edit made with both values in view settles the conflict for everyone."""
        open_conflicts = session.exec(
            select(Conflict).where(
                Conflict.table_name == table, Conflict.record_id == record_id, Conflict.field == field,
                col(Conflict.resolved_at).is_(None),
            )
        )
        for conflict in open_conflicts:
            if base >= Stamp.decode(conflict.kept_stamp):
                conflict.resolved_at, conflict.resolution = utcnow(), "superseded"
                session.add(conflict)

    def _amend_from_merge(self, session: Session, table: str, record_id: str, changes: dict[str, Any]) -> None:
        key = amendment_id(table, record_id, changes)
        if session.get(Amendment, key) is not None:
            return
        reason = "edited on another device while the record was being submitted"
        values = self._validate(session, Amendment, {"subject_table": table, "subject_id": record_id, "changes": changes, "reason": reason})
        self._insert(session, Amendment, values, "amend", record_id=key)

    def _audit_event(self, session: Session, action: str, table: str, record_id: str, after: dict[str, Any]) -> None:
        audit.append(
            session, at=utcnow(), actor=self.actor.user, device_id=self.actor.device_id, action=action,
            table_name=table, record_id=record_id, before=None, after=after,
        )

    # --- internals -----------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with Session(self._writer, expire_on_commit=False) as session:
            with session.begin():
                yield session
                audit.flush(session)

    def _create(self, session: Session, model: type[R], data: Mapping[str, Any]) -> R:
        values = self._validate(session, model, data)
        return self._insert(session, model, values, "create")

    def _insert(
        self, session: Session, model: type[R], values: dict[str, Any], action: str, record_id: str | None = None
    ) -> R:
        stamp = self.clock.tick()
        now = utcnow()
        record = model(
            id=record_id or str(uuid6.uuid7()),
            created_at=now,
            updated_at=now,
            created_by=self.actor.user,
            updated_by=self.actor.user,
            device_id=self.actor.device_id,
            clocks={},
            **values,
        )
        record.clocks = {ALL_FIELDS: stamp.encode()}
        session.add(record)
        self._outbox(session, record, _synced(record), stamp)
        self._audit(session, action, record, None, _fields(record))
        self._save_clock(session)
        return record

    def _apply(
        self,
        session: Session,
        record: R,
        before: dict[str, Any],
        values: dict[str, Any],
        action: str,
        snapshot: bool = False,
    ) -> R:
        """Write the changed fields. With `snapshot`, the outbox carries every field: a submit
        sends the record exactly as filed, which merge then holds immutable everywhere."""
        changed = {name: value for name, value in _jsonable(values).items() if before.get(name) != value}
        if not changed:
            return record
        base = _base_clocks(record, list(changed))
        stamp = self.clock.tick()
        for name in changed:
            setattr(record, name, values[name])
        self._touch(record, stamp, list(changed))
        session.add(record)
        sent = list(values) if snapshot else list(changed)
        self._outbox(session, record, {name: getattr(record, name) for name in sent}, stamp, base)
        self._audit(session, action, record, before, _fields(record))
        self._save_clock(session)
        return record

    def _validate(
        self,
        session: Session,
        model: type[R],
        data: Mapping[str, Any],
        known: dict[type[Record], set[str]] | None = None,
        current: Record | None = None,
    ) -> dict[str, Any]:
        """Check input against the kind's Create model and its references; return storable values.

        `current` is the stored record an edit starts from: its reference to an
        erased HCP (the pseudonym) stays valid, so filed records of an erased HCP
        still move through their workflow and can be amended.
        """
        create_model = kind_of(model).create
        unknown = sorted(set(data) - set(create_model.model_fields) - Record.BOOKKEEPING)
        if unknown:
            raise ValidationError(unknown[0], f"{_label(model)} has no such field")
        try:
            checked = create_model.model_validate({k: v for k, v in data.items() if k not in Record.BOOKKEEPING})
        except pydantic.ValidationError as exc:
            raise _plain(exc) from None
        values = checked.model_dump()
        if "follow_ups" in values:
            values["follow_ups"] = checked.model_dump(mode="json")["follow_ups"]
        self._check_references(session, model, values, known, current)
        if model is AdverseEvent and values.get("deadline_at") is None:
            values["deadline_at"] = reporting_deadline(values["aware_at"], self.ae_window, self.local_tz)
        return values

    def _check_references(
        self,
        session: Session,
        model: type[Record],
        values: Mapping[str, Any],
        known: dict[type[Record], set[str]] | None,
        current: Record | None = None,
    ) -> None:
        """Every reference the kind declares must name a record that is here and not deleted, or the write is refused."""
        cache = known if known is not None else {}
        checks: list[tuple[str, type[Record], str]] = []
        for reference in kind_of(model).references:
            value = values.get(reference.field)
            named = (value or []) if reference.many else ([value] if value else [])
            checks += [(reference.field, kind_for(reference.kind).model, item) for item in named]
        for name, target, target_id in checks:
            if current is not None and is_pseudonym(target_id) and _still_names(current, name, target_id):
                continue
            seen = cache.setdefault(target, set())
            if target_id in seen:
                continue
            found = session.exec(
                select(target.id).where(col(target.id) == target_id, col(target.deleted).is_(False))
            ).first()
            if found is None:
                raise ValidationError(name, f"no {_label(target)} with id {target_id}")
            seen.add(target_id)

    def _load(self, session: Session, model: type[R], record_id: str) -> R:
        record = session.get(model, record_id)
        if record is None or record.deleted:
            raise NotFound(f"{_label(model)} {record_id} not found")
        return record

    def _refuse_if_filed(self, record: Record, changes: Mapping[str, Any]) -> None:
        model = type(record)
        if model not in FILED_KINDS or record.status == "draft":
            if "status" in changes and model in FILED_KINDS and changes["status"] != "draft":
                raise ValidationError("status", "use submit to file a draft")
            return
        allowed = FILED_KINDS[model]
        frozen = sorted(name for name in changes if name not in allowed)
        if frozen:
            raise ImmutableRecord(
                f"{_label(model)} {record.id} was submitted; amend it to change {frozen[0]}"
            )

    def _touch(self, record: Record, stamp: Stamp, fields: Sequence[str]) -> None:
        record.updated_at = utcnow()
        record.updated_by = self.actor.user
        record.device_id = self.actor.device_id
        clocks = dict(record.clocks)
        for name in [*fields, "updated_at", "updated_by"]:
            clocks[name] = stamp.encode()
        record.clocks = clocks

    def _outbox(
        self,
        session: Session,
        record: Record,
        fields: Mapping[str, Any],
        stamp: Stamp,
        base: Mapping[str, str] | None = None,
    ) -> OutboxEntry:
        model = type(record)
        payload = _jsonable(fields)
        if "updated_at" not in payload:
            payload.update(_jsonable({"updated_at": record.updated_at, "updated_by": record.updated_by}))
        entry = OutboxEntry(
            change_id=str(uuid6.uuid7()),
            table_name=model.__tablename__,
            record_id=record.id,
            fields=payload,
            clocks={ALL_FIELDS: stamp.encode()},
            base_clocks=dict(base or {}),
            priority=0 if _is_priority(record) else 1,
            created_at=utcnow(),
        )
        session.add(entry)
        return entry

    def _audit(
        self, session: Session, action: str, record: Record, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        self._audit_raw(session, action, str(type(record).__tablename__), record.id, before, after)

    def _audit_raw(
        self, session: Session, action: str, table: str, record_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        audit.append(
            session, at=utcnow(), actor=self.actor.user, device_id=self.actor.device_id, action=action,
            table_name=table, record_id=record_id, before=before, after=after,
        )

    def _save_clock(self, session: Session) -> None:
        state = session.get(DeviceState, 1)
        if state is not None:
            state.clock = self.clock.last.encode()
            session.add(state)


def _label(model: type[SQLModel]) -> str:
    table = str(model.__tablename__)
    return kind_for(table).label if table in TABLES else table


def _still_names(current: Record, name: str, target_id: str) -> bool:
    """Whether the stored record already names `target_id` in `name` (one id, or one of a list)."""
    stored = getattr(current, name, None)
    return target_id in stored if isinstance(stored, list) else stored == target_id


_JSON_OBJECT = pydantic.TypeAdapter(dict[str, Any])
"""Built once: building a TypeAdapter costs more than using it."""


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return _JSON_OBJECT.dump_python(dict(values), mode="json")


def _base_clocks(record: Record, names: Sequence[str]) -> dict[str, str]:
    """The stamps of the values about to be replaced, for the merge's concurrency check."""
    return {name: field_stamp(record.clocks, name).encode() for name in names}


def _synced_fields(record: Record) -> list[str]:
    return [name for name in type(record).model_fields if name not in {"id", "clocks"}]


def _synced(record: Record) -> dict[str, Any]:
    return {name: getattr(record, name) for name in _synced_fields(record)}


def _fields(record: Record) -> dict[str, Any]:
    """A record's user-visible fields as JSON values: what the audit log keeps."""
    return _jsonable({name: getattr(record, name) for name in type(record).model_fields if name not in Record.BOOKKEEPING})


def _is_priority(record: Record) -> bool:
    """Safety-critical changes sync first: the kinds themselves and the amendments that follow them up."""
    table = str(type(record).__tablename__)
    if isinstance(record, Amendment):
        return record.subject_table in PRIORITY_TABLES
    return table in PRIORITY_TABLES


def _differences(before: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """What an amendment really changes: a value given as it already was says nothing new, and a
    value the rules derive from another (criteria making an event serious) is recorded with it."""
    return {name: value for name, value in changes.items() if before.get(name) != value}


def _refuse_findings(findings: Sequence[compliance.Finding]) -> None:
    """In a batch there is no room for a justification: a flagged row is an invalid row."""
    if findings:
        first = findings[0]
        raise ValidationError(first.field, f'"{first.phrase}" ({first.rule_id}): {first.reason} File it on its own with a justification.')


def _refuse_bookkeeping(changes: Mapping[str, Any]) -> None:
    for name in changes:
        if name in Record.BOOKKEEPING:
            raise ValidationError(name, "is set by the app and cannot be edited")


def _plain(exc: pydantic.ValidationError) -> ValidationError:
    """The first problem, as one line naming the field."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "input"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return ValidationError(field, message[0].lower() + message[1:] if message else "is invalid")
