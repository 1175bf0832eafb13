"""The data steward's queue: HCPs MSLs requested on their devices, approved, rejected or merged into one already held.

A request is shared with its requester alone (`scope.log_territory`) so a
duplicate never spreads through a territory. Every decision is a change
through the server's own apply path, stamped by the steward's clock
(`STEWARD_DEVICE`) and attributed to the steward, so devices receive it by sync:
- approve: the whole record, approved, so every device of the territory receives it (with the stamps the
  server holds: only the status is new);
- reject: the request stays with its requester, flagged with the reason; nothing is deleted;
- merge: each of the requester's records naming the request is re-pointed to the
  existing HCP (filed ones too: `merge._repointed`), then the request is tombstoned
  as merged into it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import uuid6
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from liaison.core.clock import HybridLogicalClock, Stamp
from liaison.core.enums import MasterStatus
from liaison.core.errors import LiaisonError
from liaison.core.protocol import Change
from liaison.core.records.kinds import REPOINTABLE, STEWARD_DEVICE
from liaison.core.records.models import REASON_TEXT
from liaison.core.rules.hcp_duplicates import Duplicate, likely_duplicates
from liaison.server.apply import apply_all, apply_changes
from liaison.server.db import among, lock_change_log
from liaison.server.models import RecordRow, User
from liaison.server.scope import STEWARDS


class StewardError(LiaisonError):
    """A refused decision, in one line naming what is wrong."""


@dataclass(frozen=True)
class HcpRequest:
    """A requested (or rejected) HCP as the steward's queue shows it, with the HCPs it may duplicate."""

    hcp_id: str
    name: str
    institution: str | None
    city: str | None
    territory: str | None
    requested_by: str
    status: str
    note: str | None
    duplicates: list[Duplicate]


def steward(session: Session, email: str) -> User:
    """The user deciding, who must be a data steward or an administrator."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise StewardError(f"steward: no user {email}; create it with 'liaison-server create-user --role data_steward'")
    if user.role not in STEWARDS:
        raise StewardError(f"steward: {user.email} is an {user.role.upper()}; only a data steward or an administrator decides on HCP requests")
    return user


def queue(session: Session, *, everything: bool = False) -> list[HcpRequest]:
    """The requests awaiting a decision (with `everything`, the rejected ones too), oldest first, each with its likely duplicates."""
    wanted = {MasterStatus.REQUESTED.value} | ({MasterStatus.REJECTED.value} if everything else set())
    hcps = [row for row in session.exec(select(RecordRow).where(RecordRow.table_name == "hcp")) if not row.fields.get("deleted")]
    held = [
        (row.record_id, row.fields) for row in hcps if row.fields.get("master_status", MasterStatus.APPROVED.value) == MasterStatus.APPROVED.value
    ]
    users = {user.id: user.email for user in session.exec(select(User))}
    requested = sorted(
        (row for row in hcps if row.fields.get("master_status") in wanted), key=lambda row: (str(row.fields.get("created_at")), row.record_id)
    )
    return [
        HcpRequest(
            hcp_id=row.record_id,
            name=str(row.fields.get("name") or ""),
            institution=row.fields.get("institution"),
            city=row.fields.get("city"),
            territory=row.territory,
            requested_by=users.get(row.owner_user_id, "?"),
            status=str(row.fields.get("master_status")),
            note=row.fields.get("steward_note"),
            duplicates=likely_duplicates({"id": row.record_id, **row.fields}, held),
        )
        for row in requested
    ]


def approve(engine: Engine, *, steward_email: str, hcp_id: str) -> None:
    """The request becomes an approved HCP, sent whole to every device of its territory."""
    _decide(engine, steward_email, hcp_id, lambda session, user, hcp, clock: [_approval(hcp, clock)])


def reject(engine: Engine, *, steward_email: str, hcp_id: str, reason: str) -> None:
    """The request stays with its requester, flagged rejected with the reason; their records stay as they are."""
    reason = reason.strip()
    if not reason:
        raise StewardError("reason: say why the request is rejected; the MSL reads it")
    if len(reason) > REASON_TEXT:
        raise StewardError(f"reason: at most {REASON_TEXT} characters")

    def changes(session: Session, user: User, hcp: RecordRow, clock: HybridLogicalClock) -> list[Change]:
        return [_change("hcp", hcp.record_id, {"master_status": MasterStatus.REJECTED.value, "steward_note": reason}, hcp.clocks, clock)]

    _decide(engine, steward_email, hcp_id, changes)


def merge(engine: Engine, *, steward_email: str, hcp_id: str, into_id: str) -> int:
    """Re-point the requester's records from the request to the existing HCP, then tombstone the request; how many were re-pointed."""
    moved: list[int] = []

    def changes(session: Session, user: User, hcp: RecordRow, clock: HybridLogicalClock) -> list[Change]:
        if into_id == hcp.record_id:
            raise StewardError("into: a request cannot be merged into itself")
        target = session.get(RecordRow, ("hcp", into_id))
        if target is None or target.fields.get("deleted"):
            raise StewardError(f"into: no HCP {into_id} on the server")
        if target.fields.get("master_status", MasterStatus.APPROVED.value) != MasterStatus.APPROVED.value:
            raise StewardError(f"into: HCP {into_id} is not approved master data; approve it first or merge into another")
        repointed = list(_repointed(session, hcp, into_id, clock))
        moved.append(len(repointed))
        now = datetime.now(UTC).isoformat()
        tombstone = {"master_status": MasterStatus.MERGED.value, "merged_into": into_id, "deleted": True, "deleted_at": now}
        return [*repointed, _change("hcp", hcp.record_id, tombstone, hcp.clocks, clock)]

    _decide(engine, steward_email, hcp_id, changes)
    return moved[0]


Decision = Callable[[Session, User, RecordRow, HybridLogicalClock], list[Change]]


def _decide(engine: Engine, steward_email: str, hcp_id: str, decision: Decision) -> None:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        lock_change_log(session)
        user = steward(session, steward_email)
        hcp = session.get(RecordRow, ("hcp", hcp_id))
        if hcp is None or hcp.fields.get("deleted"):
            raise StewardError(f"id: no HCP {hcp_id} on the server")
        status = hcp.fields.get("master_status", MasterStatus.APPROVED.value)
        if status not in (MasterStatus.REQUESTED.value, MasterStatus.REJECTED.value):
            raise StewardError(f"id: HCP {hcp_id} is {status}, not a request awaiting a decision")
        clock = HybridLogicalClock(STEWARD_DEVICE)
        for row in session.exec(select(RecordRow).where(RecordRow.owner_user_id == hcp.owner_user_id)):
            for text in row.clocks.values():
                clock.observe(Stamp.decode(text))
        apply_all(session, user, decision(session, user, hcp, clock), stewarding=True)


def follow_merges(session: Session, changes: Iterable[Change]) -> None:
    """Re-point what a push names of an HCP request already merged (an interaction logged offline against it
    after the steward's decision): the merge's own move, made now, attributed to the steward who merged it."""
    named: dict[tuple[str, str], set[str]] = {}
    for change in changes:
        for field in REPOINTABLE.get(change.table, frozenset()):
            value = change.fields.get(field)
            for hcp_id in value if isinstance(value, list) else [value]:
                if isinstance(hcp_id, str) and hcp_id:
                    named.setdefault((change.table, change.record_id), set()).add(hcp_id)
    if not named:
        return
    wanted = sorted(set().union(*named.values()))
    merged = {
        row.record_id: row
        for row in session.exec(select(RecordRow).where(RecordRow.table_name == "hcp", among(session, col(RecordRow.record_id), wanted)))
        if row.fields.get("master_status") == MasterStatus.MERGED.value and row.fields.get("merged_into")
    }
    for (table, record_id), hcp_ids in named.items():
        for hcp_id in sorted(hcp_ids & set(merged)):
            hcp, record = merged[hcp_id], session.get(RecordRow, (table, record_id))
            decided_by = session.exec(select(User).where(User.email == str(hcp.fields.get("updated_by")))).first()
            if record is None or decided_by is None:
                continue
            clock = HybridLogicalClock(STEWARD_DEVICE)
            for text in record.clocks.values():
                clock.observe(Stamp.decode(text))
            # never fails the push it follows: a refusal here would only mean the link stays where the device put it
            apply_changes(session, decided_by, list(_repointed_one(record, hcp_id, str(hcp.fields["merged_into"]), clock)), stewarding=True)


def _approval(hcp: RecordRow, clock: HybridLogicalClock) -> Change:
    """The whole record, approved: devices of the territory that never saw the request take it as a new HCP.

    Every field goes with the stamp the server holds for it, so the requester's device changes nothing
    but the status, and an edit of theirs made meanwhile still wins; only the status is stamped anew.
    """
    fields = {name: value for name, value in hcp.fields.items() if name not in {"clocks", "id"}}
    fields.update(master_status=MasterStatus.APPROVED.value, steward_note=None, updated_at=datetime.now(UTC).isoformat())
    stamp = clock.tick().encode()
    new = dict.fromkeys(("master_status", "steward_note", "updated_at", "updated_by", "device_id"), stamp)
    return Change(
        change_id=str(uuid6.uuid7()),
        table="hcp",
        record_id=hcp.record_id,
        fields=fields,
        clocks={**hcp.clocks, **new},
        base_clocks=dict(hcp.clocks),
        device_id=STEWARD_DEVICE,
    )


def _repointed(session: Session, hcp: RecordRow, into_id: str, clock: HybridLogicalClock) -> Iterable[Change]:
    """A change for each of the requester's records naming the request: the link (or the id in a list) moved to `into_id`."""
    rows = session.exec(select(RecordRow).where(RecordRow.owner_user_id == hcp.owner_user_id, col(RecordRow.table_name).in_(sorted(REPOINTABLE))))
    for row in rows:
        yield from _repointed_one(row, hcp.record_id, into_id, clock)


def _repointed_one(row: RecordRow, hcp_id: str, into_id: str, clock: HybridLogicalClock) -> Iterable[Change]:
    """The change moving one record's links from `hcp_id` to `into_id`, if it names `hcp_id` at all."""
    fields: dict[str, Any] = {}
    for name in REPOINTABLE.get(row.table_name, frozenset()):
        value = row.fields.get(name)
        if isinstance(value, list) and hcp_id in value:
            fields[name] = list(dict.fromkeys(into_id if item == hcp_id else item for item in value))
        elif value == hcp_id:
            fields[name] = into_id
    if fields:
        yield _change(row.table_name, row.record_id, fields, row.clocks, clock)


def _change(table: str, record_id: str, fields: dict[str, Any], base: dict[str, str], clock: HybridLogicalClock) -> Change:
    stamp = clock.tick().encode()
    now = datetime.now(UTC).isoformat()
    return Change(
        change_id=str(uuid6.uuid7()),
        table=table,
        record_id=record_id,
        fields={**fields, "updated_at": now},
        clocks=dict.fromkeys([*fields, "updated_at", "updated_by", "device_id"], stamp),  # who moved it: the steward
        base_clocks=dict(base),
        device_id=STEWARD_DEVICE,
    )
