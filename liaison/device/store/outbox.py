"""The outbox after a push: what the server acknowledged leaves it, what it refused waits for the MSL.

Reading and marking refusals is `refusals`' job; the writes that follow
(dropping acknowledged changes, resending or discarding refused ones) are
made here, each audited, in the write core's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import col

from liaison.core.errors import ImmutableRecord, NotFound
from liaison.core.protocol import RefusedChange
from liaison.core.records.kinds import kind_for
from liaison.core.types import utcnow
from liaison.device.store import refusals
from liaison.device.store.models import OutboxEntry
from liaison.device.store.values import label
from liaison.device.store.writes import Writes


class Outbox:
    """Acknowledged, refused, resent and discarded changes, as the sync client and the MSL settle them."""

    def __init__(self, writes: Writes) -> None:
        self._writes = writes

    def acknowledge(self, change_ids: Sequence[str], sent: Sequence[str] = (), refused: Sequence[RefusedChange] = ()) -> int:
        """The server holds `change_ids` durably: drop them from the outbox. Mark the `refused` ones of the batch
        (`sent`, in the order sent) with the server's reasons, audited; how many were newly marked."""
        with self._writes.transaction() as session:
            session.execute(delete(OutboxEntry).where(col(OutboxEntry.change_id).in_(list(change_ids))))
            marked = refusals.mark(session, sent, refused, utcnow())
            for entry in marked:
                self._writes.audit_about(
                    session,
                    "refused",
                    entry.table_name,
                    entry.record_id,
                    None,
                    {"change": entry.change_id, "code": entry.refusal_code, "field": entry.refusal_field, "reason": entry.refusal_message},
                )
            return len(marked)

    def refused(self) -> list[refusals.Refusal]:
        """Records whose changes the server refused, waiting for the MSL (safety records first)."""
        with self._writes.session() as session:
            return refusals.open_refusals(session)

    def resend_refused(self, change_id: str) -> str:
        """Send a refused record again, as it stands now (correct it first with an ordinary edit); the new change's id.

        Its waiting changes become one change carrying the record's current value of
        every field they touched, stamped now, each field's base the one the first of
        them replaced: the server merges it as the edit it is, and it goes to the
        queue at its kind's priority.
        """
        writes = self._writes
        with writes.transaction() as session:
            waiting = refusals.waiting_changes(session, change_id)
            first = waiting[0]
            model = kind_for(first.table_name).model
            record = session.get(model, first.record_id)
            if record is None:
                raise NotFound(f"{label(model)} {first.record_id} is no longer on this device; discard its changes instead")
            names = list(dict.fromkeys(name for entry in waiting for name in entry.fields))
            base: dict[str, str] = {}
            for entry in waiting:
                for name, replaced in entry.base_clocks.items():
                    base.setdefault(name, replaced)
            if not first.base_clocks:
                base = {}  # the record's first write is among them: it reaches the server whole, as a first write
            stamp = writes.clock.tick()
            writes.touch(record, stamp, [name for name in names if name not in ("updated_at", "updated_by")])
            session.add(record)
            for entry in waiting:
                session.delete(entry)
            session.flush()
            queued = writes.outbox(session, record, {name: getattr(record, name) for name in names}, stamp, base)
            writes.audit_about(
                session,
                "resend",
                first.table_name,
                first.record_id,
                None,
                {"replaces": [entry.change_id for entry in waiting], "fields": names},
            )
            writes.save_clock(session)
            return queued.change_id

    def discard_refused(self, change_id: str) -> int:
        """Give up sending a refused record's changes; the audit log keeps what they said. How many left the outbox.

        The record stays on this device as it is. Adverse events and inquiries are
        never discarded: they must reach pharmacovigilance or medical information.
        """
        with self._writes.transaction() as session:
            waiting = refusals.waiting_changes(session, change_id)
            first = waiting[0]
            if first.table_name in refusals.SAFETY_TABLES:
                model = kind_for(first.table_name).model
                raise ImmutableRecord(
                    f"{label(model)} {first.record_id}: its changes cannot be discarded; correct it and resend "
                    "(liaison rejected resend), or ask your administrator for help"
                )
            self._writes.audit_about(
                session,
                "discard",
                first.table_name,
                first.record_id,
                None,
                {"changes": [{"change": entry.change_id, "fields": entry.fields, "reason": entry.refusal_message} for entry in waiting]},
            )
            for entry in waiting:
                session.delete(entry)
            return len(waiting)
