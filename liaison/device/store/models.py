"""The device's own bookkeeping tables, beside the synced records (`liaison.core.records.models`).

None of these is a record kind: they never travel as records. The outbox
holds what waits to be pushed, the audit log the hash chain, and single rows
say whose store this is, where it stands with the server, and which point of
its chain the server confirmed. Conflicts are the losing values of concurrent
writes, kept for the MSL to review.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

from liaison.core.types import UtcDateTime


class OutboxEntry(SQLModel, table=True):
    """A change waiting to be pushed; removed once the server acknowledged it.

    One the server refused stays here, marked with the server's reason, out of
    the queue together with every later change to its record: the MSL corrects
    and resends it, or discards it (see `liaison.device.store.refusals`).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_priority_seq", "priority", "seq"),
        Index("ix_outbox_refused", "record_id", sqlite_where=text("refused_at IS NOT NULL")),
    )
    seq: int | None = Field(default=None, primary_key=True, sa_type=Integer)
    change_id: str = Field(max_length=36, unique=True)
    table_name: str = Field(max_length=40)
    record_id: str = Field(max_length=36)
    fields: dict[str, Any] = Field(sa_type=JSON)
    clocks: dict[str, str] = Field(sa_type=JSON)
    base_clocks: dict[str, str] = Field(
        default_factory=dict,
        sa_type=JSON,
        description="per changed field, the stamp of the value this edit replaced: how merge tells a sequential edit from a concurrent one",
    )
    priority: int = Field(default=1, index=True, description="0 = safety-critical, pushed first")
    created_at: datetime = Field(sa_type=UtcDateTime)
    refused_at: datetime | None = Field(
        default=None,
        sa_type=UtcDateTime,
        description="when the server refused it (or held it behind a refused change to the same record); out of the queue until resent",
    )
    refusal_code: str | None = Field(default=None, max_length=32)
    refusal_field: str | None = Field(default=None, max_length=80)
    refusal_message: str | None = Field(default=None, sa_type=Text)


class AuditEntry(SQLModel, table=True):
    """One link of the hash chain: who did what, when, with the record before and after.

    The chain commits to `payload_digest`, a salted digest of `before` and
    `after`, not to the payload itself: an erasure can then replace a payload
    (dropping the salt, so the digest no longer reveals what it covered) and
    every hash still holds. See `liaison.device.store.audit`.
    """

    __tablename__ = "audit_log"
    seq: int | None = Field(default=None, primary_key=True, sa_type=Integer)
    at: datetime = Field(sa_type=UtcDateTime)
    actor: str = Field(max_length=200)
    device_id: str = Field(max_length=64)
    action: str = Field(max_length=32)
    table_name: str = Field(max_length=40)
    record_id: str = Field(max_length=36)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    salt: str | None = Field(default=None, max_length=32, description="random; none once the payload was redacted")
    payload_digest: str = Field(max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class DeviceState(SQLModel, table=True):
    """Who this store belongs to and where its clock stands; a single row."""

    __tablename__ = "device_state"
    id: int = Field(default=1, primary_key=True)
    device_id: str = Field(max_length=64)
    user: str = Field(max_length=200)
    clock: str = Field(max_length=120, description="last hybrid-logical-clock stamp issued or observed")


class SyncState(SQLModel, table=True):
    """Where this device stands with the central server; a single row, inside the encrypted store."""

    __tablename__ = "sync_state"
    id: int = Field(default=1, primary_key=True)
    server_url: str = Field(max_length=500)
    token: str = Field(max_length=200, description="the device's bearer token; kept only here, encrypted at rest")
    user_email: str = Field(max_length=254)
    user_name: str = Field(max_length=200)
    territory: str | None = Field(default=None, max_length=64)
    cursor: str = Field(default="", max_length=200)
    last_success_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class AuditAnchor(SQLModel, table=True):
    """The last point of this device's audit chain the server confirmed holding; a single row.

    `liaison verify-audit` compares against the server when it can, and against
    this copy when it cannot (see `liaison.device.store.anchor`).
    """

    __tablename__ = "audit_anchor"
    id: int = Field(default=1, primary_key=True)
    seq: int = Field(sa_type=Integer)
    hash: str = Field(max_length=64)
    anchored_at: datetime = Field(sa_type=UtcDateTime)
    server_url: str = Field(max_length=500)


class Conflict(SQLModel, table=True):
    """A concurrent write that lost the field-level merge, kept for the MSL to review.

    The id is derived from the record, field and losing stamp, so the same
    conflict seen twice (a re-delivered page) is recorded once.
    """

    __tablename__ = "conflict"
    __table_args__ = (Index("ix_conflict_open", "resolved_at", "table_name", "record_id"),)
    id: str = Field(primary_key=True, max_length=36)
    table_name: str = Field(max_length=40)
    record_id: str = Field(max_length=36)
    field: str = Field(max_length=80)
    kept_value: Any = Field(default=None, sa_type=JSON)
    kept_stamp: str = Field(max_length=120)
    lost_value: Any = Field(default=None, sa_type=JSON)
    lost_stamp: str = Field(max_length=120)
    detected_at: datetime = Field(sa_type=UtcDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    resolution: str | None = Field(default=None, max_length=20, description="mine | theirs | superseded")


class Draft(SQLModel, table=True):
    """A form's unsaved input, kept so closing the window (or a crash) loses no typing.

    Device-only: never a record, never synced, never audited. It lives in the
    encrypted store like everything else, and is removed once its record is
    saved or the MSL discards it (see `liaison.device.store.drafts`).
    """

    __tablename__ = "draft"
    key: str = Field(primary_key=True, max_length=200, description="which form: a screen's name, or a screen and the record it edits")
    fields: dict[str, Any] = Field(sa_type=JSON)
    saved_at: datetime = Field(sa_type=UtcDateTime)


class InteractionAttendee(SQLModel, table=True):
    """Which interactions an HCP attended besides the lead: a lookup the brief reads by HCP, newest first.

    Device-only and derived: triggers on `interaction` (migration 0015) keep it in
    step with each live interaction's `attendee_ids` on every write path (the
    repository, the pull's ORM and bulk inserts, an erasure), so nothing writes it by hand.
    """

    __tablename__ = "interaction_attendee"
    __table_args__ = (Index("ix_interaction_attendee_hcp_occurred", "hcp_id", "occurred_at"),)
    hcp_id: str = Field(primary_key=True, max_length=36)
    interaction_id: str = Field(primary_key=True, max_length=36)
    occurred_at: datetime = Field(sa_type=UtcDateTime)
