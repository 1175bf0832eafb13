"""The device's own state beside its records: the clock it carries on from, and its enrollment with a server.

The clock moves past what the device observes (`observe`) and restarts from
the wall clock when the stored one was poisoned (`reset_clock`, with
`clock_reset` re-stamping what the bad clock stamped); enrollment is written
once and the time of the last good sync after every round.
"""

from __future__ import annotations

from liaison.core.clock import Stamp
from liaison.core.types import utcnow
from liaison.device.store import clock_reset
from liaison.device.store.models import DeviceState, SyncState
from liaison.device.store.writes import Writes

CLOCK_RESET = "clock_reset"
"""The action of the entry that says the device's stored clock was poisoned and restarted from the wall clock."""


class Bookkeeping:
    """Writes the device's clock and sync state, each audited where it matters, in the write core's transaction."""

    def __init__(self, writes: Writes) -> None:
        self._writes = writes

    def observe(self, stamp: str) -> None:
        """Move the clock past a stamp seen elsewhere (the server's), and keep it."""
        with self._writes.transaction() as session:
            self._writes.clock.observe(Stamp.decode(stamp))
            self._writes.save_clock(session)

    def reset_clock(self, stored: str) -> None:
        """Carry on from a poisoned stored clock: the write core's clock was started at the wall clock.

        Queued changes the bad clock stamped are re-stamped (`clock_reset`), and
        one audit entry keeps the old and the new stamp and how many were re-stamped.
        """
        writes = self._writes
        reset_at = writes.clock.last.wall_ms
        with writes.transaction() as session:
            renamed = clock_reset.restamp_outbox(session, writes.clock, reset_at)
            writes.save_clock(session)
            writes.audit_about(
                session,
                CLOCK_RESET,
                str(DeviceState.__tablename__),
                "1",
                {"clock": stored},
                {"clock": writes.clock.last.encode(), "restamped_changes": len(renamed)},
            )

    def save_enrollment(self, state: SyncState) -> None:
        """This device's enrollment with a server, replacing any earlier one."""
        with self._writes.transaction() as session:
            existing = session.get(SyncState, 1)
            if existing is not None:
                session.delete(existing)
                session.flush()
            session.add(state)
            self._writes.audit_about(session, "enroll", "sync_state", "1", None, {"server_url": state.server_url, "user": state.user_email})

    def mark_synced(self) -> None:
        """A round went through: the time the MSL is shown as the last good sync."""
        with self._writes.transaction() as session:
            state = session.get(SyncState, 1)
            if state is not None:
                state.last_success_at = utcnow()
                session.add(state)
