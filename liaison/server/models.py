"""The server's tables. They live in their own registry, apart from the device's local store.

`ChangeLog` is the order of truth: every accepted change, by commit sequence,
which devices pull by cursor. `RecordRow` is the merged state of each record,
kept so the server can merge, check ownership and answer scope questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from liaison.core.types import UtcDateTime


class ServerModel(SQLModel, registry=registry()):
    pass


class User(ServerModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=16, description="msl | manager | admin | data_steward")
    territory: str | None = Field(default=None, max_length=64, index=True)
    manager_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    created_at: datetime = Field(sa_type=UtcDateTime)


class Device(ServerModel, table=True):
    __tablename__ = "devices"
    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=200)
    token_hash: str = Field(max_length=64, unique=True, index=True, description="SHA-256 of the bearer token")
    created_at: datetime = Field(sa_type=UtcDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class EnrollCode(ServerModel, table=True):
    __tablename__ = "enroll_codes"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="users.id")
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ChangeLog(ServerModel, table=True):
    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_owner_seq", "owner_user_id", "seq"),
        Index("ix_change_log_territory_seq", "territory", "seq"),
        Index("ix_change_log_table_seq", "table_name", "seq"),
    )
    seq: int | None = Field(default=None, sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    change_id: str = Field(max_length=64, unique=True)
    table_name: str = Field(max_length=40)
    record_id: str = Field(max_length=64)
    fields: dict[str, Any] = Field(sa_type=JSON)
    clocks: dict[str, str] = Field(sa_type=JSON)
    base_clocks: dict[str, str] = Field(sa_type=JSON)
    device_id: str = Field(max_length=64)
    owner_user_id: int = Field(index=False)
    territory: str | None = Field(default=None, max_length=64)
    received_at: datetime = Field(sa_type=UtcDateTime)


class RecordRow(ServerModel, table=True):
    __tablename__ = "records"
    table_name: str = Field(primary_key=True, max_length=40)
    record_id: str = Field(primary_key=True, max_length=64)
    fields: dict[str, Any] = Field(sa_type=JSON)
    clocks: dict[str, str] = Field(sa_type=JSON)
    owner_user_id: int = Field(index=True)
    territory: str | None = Field(default=None, max_length=64)
    updated_seq: int = Field(sa_type=BigInteger)


@dataclass(slots=True)
class FreshRecord:
    """A record first met in a push, before it is inserted: the columns of `RecordRow` as plain attributes.

    Building a `RecordRow` (validation, then instrumented attribute sets) costs
    more than merging the change; a push of new work is mostly such records, and
    they are written in one insert, never through the ORM.
    """

    table_name: str
    record_id: str
    fields: dict[str, Any]
    clocks: dict[str, str]
    owner_user_id: int
    territory: str | None
    updated_seq: int = 0


StoredRecord = RecordRow | FreshRecord
"""A record as the push path reads it: already stored, or first met in this batch."""


class WebCredential(ServerModel, table=True):
    """A manager's or administrator's password for the web pages, only as an Argon2id hash (see web/passwords.py)."""

    __tablename__ = "web_credentials"
    user_id: int = Field(primary_key=True, foreign_key="users.id")
    password_hash: str = Field(max_length=255)
    updated_at: datetime = Field(sa_type=UtcDateTime)


class WebSession(ServerModel, table=True):
    """A browser signed in to the web pages; the cookie's token is kept only as its SHA-256 digest."""

    __tablename__ = "web_sessions"
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime, index=True)


class SignInThrottle(ServerModel, table=True):
    """Failed web sign-ins for one key, and when it may try again: see `liaison.server.web.throttle`.

    A key is the SHA-256 of a client address and an e-mail address as typed, or
    of a client address alone; `email_hash` (the e-mail's SHA-256) lets a new
    password lift every lock on that account.
    """

    __tablename__ = "web_sign_in_throttle"
    key: str = Field(primary_key=True, max_length=64)
    email_hash: str | None = Field(default=None, max_length=64, index=True)
    failures: int
    last_failed_at: datetime = Field(sa_type=UtcDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UtcDateTime)


class AuditAnchorLink(ServerModel, table=True):
    """One anchored link of a device's audit chain (position and hashes only): see `liaison.server.anchors`."""

    __tablename__ = "audit_anchor_links"
    device_id: str = Field(primary_key=True, max_length=64, foreign_key="devices.id")
    seq: int = Field(sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    anchored_at: datetime = Field(sa_type=UtcDateTime)


class AuditBreak(ServerModel, table=True):
    """A point where what a device sent did not continue the chain the server had anchored for it."""

    __tablename__ = "audit_breaks"
    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(max_length=64, foreign_key="devices.id", index=True)
    seq: int = Field(sa_type=BigInteger)
    reason: str = Field(sa_type=Text)
    anchored_hash: str | None = Field(default=None, max_length=64)
    received_hash: str | None = Field(default=None, max_length=64)
    detected_at: datetime = Field(sa_type=UtcDateTime)


class SafetyIntake(ServerModel, table=True):
    """A safety change (adverse event, medical inquiry or an amendment to one) delivered by a revoked device.

    Kept for pharmacovigilance whatever became of it: `applied` ones are in the
    records like any other change, `refused` ones (a value the records cannot
    hold) are kept here as sent, with the reason, for a person to act on.
    """

    __tablename__ = "safety_intake"
    change_id: str = Field(primary_key=True, max_length=64)
    device_id: str = Field(max_length=64, foreign_key="devices.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    table_name: str = Field(max_length=40)
    record_id: str = Field(max_length=64)
    change: dict[str, Any] = Field(sa_type=JSON, description="the change exactly as the device sent it")
    outcome: str = Field(max_length=16, description="applied | refused")
    reason: str | None = Field(default=None, sa_type=Text)
    received_at: datetime = Field(sa_type=UtcDateTime)


METADATA = ServerModel.metadata
ROLES = ("msl", "manager", "admin", "data_steward")
