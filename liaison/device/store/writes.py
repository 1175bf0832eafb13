"""The one write path: the steps every write to the MSL's records takes, whichever job makes it.

In a single transaction (`Writes.transaction`) a write
1. validates the input and the references it makes to other records (`validate`),
2. stamps every changed field with the hybrid logical clock (`insert`, `apply`, `touch`),
3. appends the change to the sync outbox (`outbox`), and
4. appends a link to the hash-chained audit log: who, what, when, before, after (`audit`).
Either all four happen or none does, and the clock is saved with them (`save_clock`).
The jobs of `liaison.device.store.repository` and the pull (`liaison.device.sync.apply`)
write through these steps, and nothing else writes the record tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, TypeVar

import pydantic
import uuid6
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from liaison.core.clock import ALL_FIELDS, HybridLogicalClock, Stamp
from liaison.core.erasure import is_pseudonym
from liaison.core.errors import NotFound, ValidationError
from liaison.core.records.kinds import PRIORITY_TABLES, kind_for, kind_of
from liaison.core.records.models import AdverseEvent, Amendment, Record
from liaison.core.rules.safety import ReportingWindow, reporting_deadline
from liaison.core.types import utcnow
from liaison.device.store import audit
from liaison.device.store.db import writer
from liaison.device.store.models import DeviceState, OutboxEntry
from liaison.device.store.values import base_clocks, fields, jsonable, label, plain, synced

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Actor:
    """Who is writing, from which device: stamped on every record and audit entry."""

    user: str
    device_id: str


class Writes:
    """The shared core each job writes through: its transaction, checks, stamps, outbox, audit and clock."""

    def __init__(self, engine: Engine, actor: Actor, clock: HybridLogicalClock, ae_window: ReportingWindow, local_tz: tzinfo | None) -> None:
        self.engine = engine
        self._writer = writer(engine)
        self.actor = actor
        self.clock = clock
        self.ae_window = ae_window
        self.local_tz = local_tz

    # --- reads ---------------------------------------------------------------

    def session(self) -> Session:
        """A read session; records it returns stay usable after it closes."""
        return Session(self.engine, expire_on_commit=False)

    def get(self, model: type[R], record_id: str, *, include_deleted: bool = False) -> R:
        with self.session() as session:
            record = session.get(model, record_id)
        if record is None or (record.deleted and not include_deleted):
            raise NotFound(f"{label(model)} {record_id} not found")
        return record

    def load(self, session: Session, model: type[R], record_id: str) -> R:
        """A record to write, in the write's own session; a deleted one is not found."""
        record = session.get(model, record_id)
        if record is None or record.deleted:
            raise NotFound(f"{label(model)} {record_id} not found")
        return record

    # --- the transaction -----------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction, taking the write lock at its start; the audit chain is flushed before it commits."""
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session
            audit.flush(session)

    # --- checks --------------------------------------------------------------

    def validate(
        self,
        session: Session,
        model: type[Record],
        data: Mapping[str, Any],
        known: dict[type[Record], set[str]] | None = None,
        current: Record | None = None,
    ) -> dict[str, Any]:
        """Check input against the kind's Create model and its references; return storable values.

        `current` is the stored record an edit starts from: its reference to an
        erased HCP (the pseudonym) stays valid, so filed records of an erased HCP
        still move through their workflow and can be amended. `known` caches the
        references already found, across the rows of a batch.
        """
        create_model = kind_of(model).create
        unknown = sorted(set(data) - set(create_model.model_fields) - Record.BOOKKEEPING)
        if unknown:
            raise ValidationError(unknown[0], f"{label(model)} has no such field")
        try:
            checked = create_model.model_validate({k: v for k, v in data.items() if k not in Record.BOOKKEEPING})
        except pydantic.ValidationError as exc:
            raise plain(exc, model) from None
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
        current: Record | None,
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
            found = session.exec(select(target.id).where(col(target.id) == target_id, col(target.deleted).is_(False))).first()
            if found is None:
                raise ValidationError(name, f"no {label(target)} with id {target_id}")
            seen.add(target_id)

    # --- writing -------------------------------------------------------------

    def create(self, session: Session, model: type[R], data: Mapping[str, Any]) -> R:
        """Validate and insert: a new record, as the MSL (or a job on their behalf) writes it."""
        return self.insert(session, model, self.validate(session, model, data), "create")

    def insert(self, session: Session, model: type[R], values: dict[str, Any], action: str, record_id: str | None = None) -> R:
        """Store checked values as a new record, stamped whole, queued whole, audited as `action`."""
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
        self.outbox(session, record, synced(record), stamp)
        self.audit(session, action, record, None, fields(record))
        self.save_clock(session)
        return record

    def apply(self, session: Session, record: R, before: dict[str, Any], values: dict[str, Any], action: str, snapshot: bool = False) -> R:
        """Write the changed fields. With `snapshot`, the outbox carries every field: a submit
        sends the record exactly as filed, which merge then holds immutable everywhere."""
        changed = {name: value for name, value in jsonable(values).items() if before.get(name) != value}
        if not changed:
            return record
        base = base_clocks(record, list(changed))
        stamp = self.clock.tick()
        for name in changed:
            setattr(record, name, values[name])
        self.touch(record, stamp, list(changed))
        session.add(record)
        sent = list(values) if snapshot else list(changed)
        self.outbox(session, record, {name: getattr(record, name) for name in sent}, stamp, base)
        self.audit(session, action, record, before, fields(record))
        self.save_clock(session)
        return record

    def touch(self, record: Record, stamp: Stamp, names: Sequence[str]) -> None:
        """Say who changed the record from where, and stamp the changed fields with `stamp`."""
        record.updated_at = utcnow()
        record.updated_by = self.actor.user
        record.device_id = self.actor.device_id
        clocks = dict(record.clocks)
        for name in [*names, "updated_at", "updated_by"]:
            clocks[name] = stamp.encode()
        record.clocks = clocks

    def outbox(self, session: Session, record: Record, values: Mapping[str, Any], stamp: Stamp, base: Mapping[str, str] | None = None) -> OutboxEntry:
        """Queue a change for the server: these values, stamped `stamp`, replacing the ones stamped `base`."""
        payload = jsonable(values)
        if "updated_at" not in payload:
            payload.update(jsonable({"updated_at": record.updated_at, "updated_by": record.updated_by}))
        entry = OutboxEntry(
            change_id=str(uuid6.uuid7()),
            table_name=str(type(record).__tablename__),
            record_id=record.id,
            fields=payload,
            clocks={ALL_FIELDS: stamp.encode()},
            base_clocks=dict(base or {}),
            priority=0 if _is_priority(record) else 1,
            created_at=utcnow(),
        )
        session.add(entry)
        return entry

    def audit(self, session: Session, action: str, record: Record, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        """Append what was done to a record to the audit chain, as this actor."""
        self.audit_about(session, action, str(type(record).__tablename__), record.id, before, after)

    def audit_about(
        self, session: Session, action: str, table: str, record_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        """Append an entry about any row (a record, the sync state, the audit log itself), as this actor."""
        audit.append(
            session,
            at=utcnow(),
            actor=self.actor.user,
            device_id=self.actor.device_id,
            action=action,
            table_name=table,
            record_id=record_id,
            before=before,
            after=after,
        )

    def save_clock(self, session: Session) -> None:
        """Keep the clock's last stamp with the write, so a restart never stamps behind it."""
        state = session.get(DeviceState, 1)
        if state is not None:
            state.clock = self.clock.last.encode()
            session.add(state)


def refuse_bookkeeping(changes: Mapping[str, Any]) -> None:
    """The app sets the bookkeeping fields (ids, stamps, who and when); an edit naming one is refused."""
    for name in changes:
        if name in Record.BOOKKEEPING:
            raise ValidationError(name, "is set by the app and cannot be edited")


def _still_names(current: Record, name: str, target_id: str) -> bool:
    """Whether the stored record already names `target_id` in `name` (one id, or one of a list)."""
    stored = getattr(current, name, None)
    return target_id in stored if isinstance(stored, list) else stored == target_id


def _is_priority(record: Record) -> bool:
    """Safety-critical changes sync first: the kinds themselves and the amendments that follow them up."""
    if isinstance(record, Amendment):
        return record.subject_table in PRIORITY_TABLES
    return str(type(record).__tablename__) in PRIORITY_TABLES
