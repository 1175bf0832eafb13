"""The one way in: every write to the MSL's records goes through `Repository`.

`Repository` is the facade the UI, the CLIs and the sync client call; each of
its methods is one job's, and every job writes through the same core
(`writes`: one transaction that validates, stamps the clock, queues the
change for sync and appends to the audit log, all or nothing):
- `edits`: create (one or a batch), update, delete;
- `filing`: submit, create-and-submit, amend (filed records never change in place);
- `gate`: the pre-submit compliance review and its overrides;
- `follow_ups`: follow-up tasks, opened by filing, then completed, reopened or rescheduled;
- `planned_visits`: visits planned, rescheduled, cancelled, or logged as the interaction they became;
- `erasure`: erasing an HCP on request, and the receipts of erasures made elsewhere;
- `outbox`: acknowledged, refused, resent and discarded changes;
- `conflicts`: the values a merge set aside, and the MSL's choice between them;
- `device_state`: the clock and the enrollment;
- `drafts`: forms' unsaved input, kept encrypted but never synced or audited.
Applying pulled changes is the sync client's (`liaison.device.sync.apply`),
which writes through the same core, reached as `Repository.writes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from liaison.core.clock import HybridLogicalClock
from liaison.core.findings import Finding
from liaison.core.protocol import RefusedChange
from liaison.core.records.models import Amendment, FollowUpTask, HcpErasure, Interaction, PlannedVisit, Record
from liaison.core.rules.safety import ReportingWindow
from liaison.device.store.conflicts import Conflicts
from liaison.device.store.device_state import Bookkeeping
from liaison.device.store.drafts import Drafts
from liaison.device.store.edits import BatchValidationError, Edits
from liaison.device.store.erasure import Erasing
from liaison.device.store.filing import Filing
from liaison.device.store.follow_ups import FollowUps
from liaison.device.store.gate import Gate
from liaison.device.store.models import Conflict, SyncState
from liaison.device.store.outbox import Outbox
from liaison.device.store.planned_visits import PlannedVisits
from liaison.device.store.refusals import Refusal
from liaison.device.store.writes import Actor, Writes

__all__ = ["Actor", "BatchValidationError", "Repository"]

R = TypeVar("R", bound=Record)


class Repository:
    """One store's jobs, sharing one write core, one actor and one clock."""

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        clock: HybridLogicalClock,
        ae_window: ReportingWindow | None = None,
        local_tz: tzinfo | None = None,
    ) -> None:
        self.writes = Writes(engine, actor, clock, ae_window or ReportingWindow(hours=24), local_tz)
        """The write core, for the pull (`liaison.device.sync.apply`): the jobs below write through it too."""
        self.gate = Gate(self.writes)
        self.follow_ups = FollowUps(self.writes)
        self.filing = Filing(self.writes, self.gate, self.follow_ups)
        self.planned_visits = PlannedVisits(self.writes, self.filing)
        self.edits = Edits(self.writes, self.gate)
        self.erasing = Erasing(self.writes)
        self.outbox = Outbox(self.writes)
        self.conflicts = Conflicts(self.writes, self.edits)
        self.bookkeeping = Bookkeeping(self.writes)
        self.drafts = Drafts(self.writes)
        """Forms' unsaved input: `all`, `save`, `discard` (see `liaison.device.store.drafts`)."""

    @property
    def actor(self) -> Actor:
        return self.writes.actor

    @property
    def clock(self) -> HybridLogicalClock:
        return self.writes.clock

    @clock.setter
    def clock(self, clock: HybridLogicalClock) -> None:
        """Every job reads the core's clock when it writes, so a replaced clock stamps everything from here on."""
        self.writes.clock = clock

    @property
    def ae_window(self) -> ReportingWindow:
        return self.writes.ae_window

    @property
    def local_tz(self) -> tzinfo | None:
        return self.writes.local_tz

    # --- reads ---------------------------------------------------------------

    def session(self) -> Session:
        """A read session; records it returns stay usable after it closes."""
        return self.writes.session()

    def get(self, model: type[R], record_id: str, *, include_deleted: bool = False) -> R:
        return self.writes.get(model, record_id, include_deleted=include_deleted)

    # --- edits ---------------------------------------------------------------

    def create(self, model: type[R], data: Mapping[str, Any], *, justification: str | None = None) -> R:
        return self.edits.create(model, data, justification=justification)

    def create_many(self, model: type[R], rows: Iterable[Mapping[str, Any]], *, action: str = "create") -> list[str]:
        """All rows or none: every invalid row is reported with its number before anything is written."""
        return self.edits.create_many(model, rows, action=action)

    def update(self, model: type[R], record_id: str, changes: Mapping[str, Any], *, justification: str | None = None) -> R:
        return self.edits.update(model, record_id, changes, justification)

    def delete(self, model: type[R], record_id: str) -> None:
        """Leave a tombstone: the record disappears from lists and sync carries the delete."""
        self.edits.delete(model, record_id)

    # --- filing --------------------------------------------------------------

    def submit(self, model: type[R], record_id: str, *, justification: str | None = None) -> R:
        """File a draft; from here on it changes only by amendment (see `Filing.submit`)."""
        return self.filing.submit(model, record_id, justification=justification)

    def create_submitted(self, model: type[R], data: Mapping[str, Any], *, justification: str | None = None) -> R:
        """Create and file a record in one transaction: a crash in between never leaves a draft behind."""
        return self.filing.create_submitted(model, data, justification=justification)

    def amend(self, model: type[R], record_id: str, changes: Mapping[str, Any], reason: str, *, justification: str | None = None) -> Amendment:
        """Record a change to a submitted record without touching what was filed (see `Filing.amend`)."""
        return self.filing.amend(model, record_id, changes, reason, justification=justification)

    # --- follow-up tasks ------------------------------------------------------

    def complete_follow_up(self, task_id: str) -> FollowUpTask:
        """Tick a follow-up off, as done now by the MSL signed in here; one already done stays as it was."""
        return self.follow_ups.complete(task_id)

    def reopen_follow_up(self, task_id: str) -> FollowUpTask:
        """Open a done follow-up again."""
        return self.follow_ups.reopen(task_id)

    def reschedule_follow_up(self, task_id: str, due: date | str | None) -> FollowUpTask:
        """Give a follow-up another due date (an ISO date, or none); a date that is not one is refused naming `due`."""
        return self.follow_ups.reschedule(task_id, due)

    # --- planned visits --------------------------------------------------------

    def plan_visit(self, data: Mapping[str, Any]) -> PlannedVisit:
        """Put a visit with one or more HCPs on the calendar (see `PlannedVisits.plan`)."""
        return self.planned_visits.plan(data)

    def reschedule_visit(self, visit_id: str, starts_at: datetime, duration_minutes: int | None = None) -> PlannedVisit:
        """Move a planned visit to another (aware) time, and length if given."""
        return self.planned_visits.reschedule(visit_id, starts_at, duration_minutes)

    def cancel_visit(self, visit_id: str, reason: str | None = None) -> PlannedVisit:
        """Cancel a planned visit; it stays on record, with the reason if one is given."""
        return self.planned_visits.cancel(visit_id, reason)

    def log_visit(self, visit_id: str, values: Mapping[str, Any] | None = None, *, justification: str | None = None) -> Interaction:
        """File the interaction a visit became, prefilled from the plan, and mark the visit logged: one transaction."""
        return self.planned_visits.log(visit_id, values, justification=justification)

    # --- compliance review ---------------------------------------------------

    def review(self, model: type[Record], values: Mapping[str, Any]) -> list[Finding]:
        """What the compliance review finds in these values, without writing anything: shown before a submit."""
        return self.gate.review(model, values)

    # --- erasure -------------------------------------------------------------

    def erase_hcp(self, hcp_id: str, reason: str, requested_at: datetime | None = None) -> HcpErasure:
        """Erase an HCP's personal data on their request, everywhere this store holds it (see `Erasing.erase_hcp`)."""
        return self.erasing.erase_hcp(hcp_id, reason, requested_at)

    def erasure_impact(self, hcp_id: str, reason: str | None = None) -> dict[str, int]:
        """How many records of each kind erasing this HCP would touch, refusing as `erase_hcp` would."""
        return self.erasing.erasure_impact(hcp_id, reason)

    # --- outbox --------------------------------------------------------------

    def acknowledge(self, change_ids: Sequence[str], sent: Sequence[str] = (), refused: Sequence[RefusedChange] = ()) -> int:
        """Drop what the server holds from the outbox and mark what it refused; how many were newly marked."""
        return self.outbox.acknowledge(change_ids, sent, refused)

    def refused(self) -> list[Refusal]:
        """Records whose changes the server refused, waiting for the MSL (safety records first)."""
        return self.outbox.refused()

    def resend_refused(self, change_id: str) -> str:
        """Send a refused record again, as it stands now; the new change's id (see `Outbox.resend_refused`)."""
        return self.outbox.resend_refused(change_id)

    def discard_refused(self, change_id: str) -> int:
        """Give up sending a refused record's changes; how many left the outbox (see `Outbox.discard_refused`)."""
        return self.outbox.discard_refused(change_id)

    # --- the device's clock and enrollment -----------------------------------

    def observe(self, stamp: str) -> None:
        self.bookkeeping.observe(stamp)

    def reset_clock(self, stored: str) -> None:
        """Carry on from a poisoned stored clock (see `Bookkeeping.reset_clock`)."""
        self.bookkeeping.reset_clock(stored)

    def save_enrollment(self, state: SyncState) -> None:
        self.bookkeeping.save_enrollment(state)

    def mark_synced(self) -> None:
        self.bookkeeping.mark_synced()

    # --- conflicts -----------------------------------------------------------

    def resolve_conflict(self, conflict_id: str, keep: str) -> Conflict:
        """Keep "mine" (this device's value) or "theirs"; the choice is written as a normal edit so it syncs."""
        return self.conflicts.resolve(conflict_id, keep)
