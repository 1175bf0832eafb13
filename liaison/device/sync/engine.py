"""One sync round: push the outbox (safety records first), pull until caught up, then anchor the audit chain.

Every step is resumable. Outbox rows leave only once the server acknowledged
them (it dedupes by change id, so a resend after a lost answer is harmless);
the pull cursor is stored in the same transaction as the page it covers.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
from sqlalchemy import func
from sqlmodel import col, select

from liaison.core.errors import UnstorableChange
from liaison.core.protocol import (
    MAX_PULL_LIMIT,
    AnchorBreak,
    Change,
    EnrollRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)
from liaison.device.store import refusals
from liaison.device.store.models import OutboxEntry, SyncState
from liaison.device.store.store import Store
from liaison.device.sync import anchoring, collector
from liaison.device.sync.api import SyncApi
from liaison.device.sync.apply import apply_pull
from liaison.device.sync.errors import DeviceRevoked, NotEnrolled, SyncError

PUSH_BATCH = 500
PULL_PAGE = MAX_PULL_LIMIT
"""Changes asked for per pull page: each page is one transaction with a durable commit, and a commit
re-encrypts every index page the page's records touched, so fewer, larger pages cost much less."""
Progress = Callable[[str, float], None]
"""(stage, fraction 0..1)"""


@dataclass
class RoundReport:
    pushed: int = 0
    refused: int = 0
    """Changes the server refused this round: they wait, with their reasons, for the MSL (`Repository.refused`)."""
    pulled: int = 0
    applied: int = 0
    conflicts: int = 0
    anchored: int | None = None
    """The last audit entry the server now anchors; None when the server keeps no anchors."""
    audit_breaks: list[AnchorBreak] = field(default_factory=list)
    """Every break the server has recorded between this device's audit chain and its anchor."""


class SyncEngine:
    def __init__(self, store: Store, *, transport: httpx.BaseTransport | None = None, pull_limit: int = PULL_PAGE) -> None:
        self.store = store
        self._transport = transport
        self._pull_limit = pull_limit

    # --- enrolment -------------------------------------------------------------

    def enroll(self, server_url: str, code: str, device_name: str | None = None) -> SyncState:
        with SyncApi(server_url, transport=self._transport) as api:
            answer = api.enroll(
                EnrollRequest(code=code.strip(), device_id=self.store.device_id, device_name=device_name or platform.node() or "device")
            )
        state = SyncState(
            server_url=server_url.rstrip("/"),
            token=answer.token,
            user_email=answer.user_email,
            user_name=answer.user_name,
            territory=answer.territory,
            cursor="",
        )
        self.store.repository.save_enrollment(state)
        return state

    def state(self) -> SyncState | None:
        with self.store.repository.session() as session:
            return session.get(SyncState, 1)

    # --- a round ---------------------------------------------------------------

    def run_once(self, progress: Progress | None = None) -> RoundReport:
        state = self.state()
        if state is None:
            raise NotEnrolled("this device is not enrolled with a server; enrol it first")
        report = RoundReport()
        notify = progress or (lambda stage, fraction: None)
        try:
            with collector.paused(), SyncApi(state.server_url, state.token, transport=self._transport) as api:
                self._push(api, report, notify)
                self._pull(api, state.cursor, report, notify)
                anchored = anchoring.send(self.store, api, state.server_url)
                if anchored is not None:
                    report.anchored, report.audit_breaks = anchored.head_seq, anchored.breaks
        except DeviceRevoked:
            delivered = self._deliver_safety(state)
            self.store.wipe()
            raise DeviceRevoked(
                f"this device was revoked by your administrator; {delivered} adverse event and inquiry change(s) "
                "were delivered to the server first, then its local data was wiped"
            ) from None
        self.store.repository.mark_synced()
        notify("done", 1.0)
        return report

    def _deliver_safety(self, state: SyncState) -> int:
        """A revoked device's adverse events and inquiries (refused ones too) go to the server before the wipe; how many.

        Anything the server does not confirm keeping stops the wipe: a network
        failure leaves the store as it is, to deliver at the next contact.
        """
        delivered = 0
        with SyncApi(state.server_url, state.token, transport=self._transport) as api:
            while (batch := self._safety_batch()) is not None:
                answer = api.deliver_safety(batch)
                self.store.repository.acknowledge(answer.accepted)
                kept = set(answer.accepted)
                missing = [change.change_id for change in batch.changes if change.change_id not in kept]
                if missing:
                    raise SyncError(
                        f"this device was revoked, and the server did not take {len(missing)} of its adverse event or inquiry "
                        "changes; they stay on this device, which is not wiped: contact your administrator"
                    )
                delivered += len(kept)
        return delivered

    def _safety_batch(self) -> PushRequest | None:
        with self.store.repository.session() as session:
            entries = session.exec(
                select(OutboxEntry)
                .where(
                    col(OutboxEntry.table_name).in_(refusals.SAFETY_TABLES)
                    | (
                        (col(OutboxEntry.table_name) == "amendment")
                        & func.json_extract(OutboxEntry.fields, "$.subject_table").in_(refusals.SAFETY_TABLES)
                    )
                )
                .order_by(col(OutboxEntry.seq))
                .limit(PUSH_BATCH)
            ).all()
        return self._request(entries)

    def retire(self) -> None:
        """Hand the device back: sync what is left, give up the token, then wipe; never while changes still wait."""
        self.run_once()
        waiting = self.store.repository.refused()
        if waiting:
            raise SyncError(
                f"{len(waiting)} record(s) the server refused still wait on this device ('liaison rejected'): "
                "resend or discard them before retiring it; nothing was wiped"
            )
        if self.pending():
            raise SyncError(f"{self.pending()} change(s) are still waiting to be sent; sync again before retiring; nothing was wiped")
        state = self.state()
        assert state is not None
        with SyncApi(state.server_url, state.token, transport=self._transport) as api:
            api.retire()
        self.store.wipe()

    def _push(self, api: SyncApi, report: RoundReport, notify: Progress) -> None:
        """Send the outbox in order, one batch in flight at a time, readying the next while the server applies it.

        The server answers each change on its own: accepted ones leave the
        outbox, refused ones stay in it marked with the reason, and they and
        their record's later changes are held back until the MSL acts
        (`liaison.device.store.refusals`); every other record goes on. A batch is readied
        while the one before is in flight, so it leaves out the records that
        batch carries: a record's next change is only sent once the server has
        answered its previous one. What overlaps the server's work is this
        device's own: reading and encoding the next batch, and settling the
        answered one. A crash in between leaves acknowledged changes in the
        outbox; they are sent again and the server skips them.
        """
        total = self.pending()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="liaison-push") as uploads:
            batch = self._outbox_batch(None)
            in_flight: Future[PushResponse] | None = uploads.submit(api.push, batch) if batch else None
            while in_flight is not None:
                sent = batch
                assert sent is not None
                batch = self._outbox_batch(sent)
                answer = in_flight.result()
                in_flight = uploads.submit(api.push, batch) if batch else None
                report.refused += self.store.repository.acknowledge(answer.accepted, [change.change_id for change in sent.changes], answer.refused)
                if in_flight is None and (batch := self._outbox_batch(None)) is not None:
                    in_flight = uploads.submit(api.push, batch)  # what waited for the answer to its record's last change
                self.store.repository.observe(answer.server_clock)
                report.pushed += len(answer.accepted)
                notify("push", min(1.0, (report.pushed + report.refused) / max(total, 1)) * 0.5)

    def _outbox_batch(self, in_flight: PushRequest | None) -> PushRequest | None:
        """The first outbox entries by priority then age, leaving out held records; None when none is ready.

        With a batch in flight, the batch ends before the first entry of a record
        that batch carries: that entry waits for the server's answer, and so does
        everything queued after it, so the queue's order (safety first) holds.
        """
        if in_flight is not None:
            sent = {change.change_id for change in in_flight.changes}
            flying = {change.record_id for change in in_flight.changes}
        else:
            sent, flying = set(), set()
        with self.store.repository.session() as session:
            entries = session.exec(
                select(OutboxEntry)
                .where(col(OutboxEntry.record_id).not_in(refusals.held_records()), col(OutboxEntry.change_id).not_in(sorted(sent)))
                .order_by(col(OutboxEntry.priority), col(OutboxEntry.seq))
                .limit(PUSH_BATCH)
            ).all()
        ready = next((place for place, entry in enumerate(entries) if entry.record_id in flying), len(entries))
        return self._request(entries[:ready])

    def _request(self, entries: Sequence[OutboxEntry]) -> PushRequest | None:
        if not entries:
            return None
        return PushRequest(
            changes=[
                Change(
                    change_id=entry.change_id,
                    table=entry.table_name,
                    record_id=entry.record_id,
                    fields=entry.fields,
                    clocks=entry.clocks,
                    base_clocks=entry.base_clocks,
                    device_id=self.store.device_id,
                )
                for entry in entries
            ]
        )

    def _pull(self, api: SyncApi, cursor: str, report: RoundReport, notify: Progress) -> None:
        """Apply pages in order, each with its cursor in one transaction, while the next one downloads.

        The next page is asked for (with the cursor the current page ends at) as
        soon as the current one has arrived, so the server reading it and the
        network carrying it overlap with this device applying the current one.
        Nothing is stored ahead: a page is only ever applied after the one
        before it committed, and a failure drops the page still in flight, so
        the next round asks for it again from the stored cursor.

        The first page also says how many changes remain, so progress moves
        with every page of a long first pull (a server that does not count
        leaves the bar at halfway until the last page).
        """
        start = 0.5 if report.pushed else 0.0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="liaison-pull") as downloads:
            upcoming: Future[PullResponse] = downloads.submit(api.pull, cursor, self._pull_limit, count=True)
            total: int | None = None
            try:
                while True:
                    page = upcoming.result()
                    total = page.remaining if total is None else total
                    if page.more:
                        upcoming = downloads.submit(api.pull, page.cursor, self._pull_limit)
                    try:
                        applied = apply_pull(self.store.repository, [item.change for item in page.changes], page.cursor)
                    except UnstorableChange as exc:
                        raise SyncError(
                            f"the server sent a change this app cannot store ({exc}); nothing of that page was written, "
                            "and receiving stops there until the server's copy is corrected or the app updated"
                        ) from None
                    report.pulled += len(page.changes)
                    report.applied += applied.applied
                    report.conflicts += applied.conflicts
                    notify("pull", start + (0.95 - start) * (min(1.0, report.pulled / total) if total else 0.5 if page.more else 1.0))
                    if not page.more:
                        return
            except BaseException:
                upcoming.cancel()
                raise

    def pending(self) -> int:
        from liaison.device.store.queries import pending_changes

        with self.store.repository.session() as session:
            return pending_changes(session)
