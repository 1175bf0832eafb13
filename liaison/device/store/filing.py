"""Filing and amendment: a submitted interaction, inquiry or adverse event is never edited in place.

A submit files a draft and sends it exactly as filed (an interaction's
follow-ups become tasks with it, `follow_ups`); from then on it changes
only by amendment, which records what changed and why while the original
stays as filed (only the workflow fields of `FILED_KINDS` may still move by a
plain edit). The one exception is erasing an HCP (`liaison.device.store.erasure`):
a legal obligation, recorded by its receipt and audit entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlmodel import Session

from liaison.core.errors import ImmutableRecord, ValidationError
from liaison.core.records.kinds import KINDS
from liaison.core.records.models import Amendment, Interaction, Record
from liaison.core.types import utcnow
from liaison.device.store.follow_ups import FollowUps, new_items
from liaison.device.store.gate import Gate
from liaison.device.store.remote import amendment_id
from liaison.device.store.values import fields, jsonable, label
from liaison.device.store.writes import Writes, refuse_bookkeeping

R = TypeVar("R", bound=Record)

FILED_KINDS: dict[type[Record], frozenset[str]] = {kind.model: kind.movable_after_filing for kind in KINDS if kind.filed}
"""Kinds that are submitted, and the workflow fields a plain edit may still move afterwards (from the registry,
`liaison.core.records.kinds`, as the merge's `FILED_TABLES` is)."""

MERGE_REASON = "edited on another device while the record was being submitted"
"""Why an amendment the merge proposes was made: no one typed a reason for it."""


class Filing:
    """Submits drafts and amends what was filed, through the write core and past the compliance gate."""

    def __init__(self, writes: Writes, gate: Gate, follow_ups: FollowUps) -> None:
        self._writes = writes
        self._gate = gate
        self._follow_ups = follow_ups

    def submit(self, model: type[R], record_id: str, *, justification: str | None = None) -> R:
        """File a draft. From here on it changes only by amendment.

        An interaction passes the compliance review first: with findings it is
        filed only with a written `justification`, which is kept as an override.
        """
        if model not in FILED_KINDS:
            raise ValidationError("status", f"{label(model)} records are not submitted")
        with self._writes.transaction() as session:
            record = self._writes.load(session, model, record_id)
            if getattr(record, "status", None) != "draft":
                raise ImmutableRecord(f"{label(model)} {record_id} is already submitted")
            return self._submit(session, model, record, justification)

    def create_submitted(self, model: type[R], data: Mapping[str, Any], *, justification: str | None = None) -> R:
        """Create and file a record in one transaction: a crash in between never leaves a draft behind."""
        if model not in FILED_KINDS:
            raise ValidationError("status", f"{label(model)} records are not submitted")
        with self._writes.transaction() as session:
            return self.create_submitted_in(session, model, data, justification=justification)

    def create_submitted_in(self, session: Session, model: type[R], data: Mapping[str, Any], *, justification: str | None = None) -> R:
        """Create and file a record inside a caller's transaction (logging a planned visit files its interaction with the visit's move)."""
        if model not in FILED_KINDS:
            raise ValidationError("status", f"{label(model)} records are not submitted")
        return self._submit(session, model, self._writes.create(session, model, data), justification)

    def _submit(self, session: Session, model: type[R], record: R, justification: str | None) -> R:
        before = fields(record)
        self._writes.validate(session, model, before, current=record)
        values = {**before, "status": "submitted", "submitted_at": utcnow()}
        filed = self._writes.apply(session, record, before, values, action="submit", snapshot=True)
        if model is Interaction:
            self._gate.clear(session, model, record.id, before, None, justification)
            self._follow_ups.open_from(session, record.id, before["hcp_id"], before["inquiry_id"], before["follow_ups"])
        return filed

    def amend(self, model: type[R], record_id: str, changes: Mapping[str, Any], reason: str, *, justification: str | None = None) -> Amendment:
        """Record a change to a submitted record without touching what was filed.

        An amended interaction answers to the compliance review for what the amendment introduces.
        """
        with self._writes.transaction() as session:
            record = self._writes.load(session, model, record_id)
            if getattr(record, "status", "draft") == "draft":
                raise ValidationError("status", f"{label(model)} {record_id} is still a draft; edit it directly")
            refuse_bookkeeping(changes)
            unknown = sorted(set(changes) - set(fields(record)))
            if unknown:
                raise ValidationError(unknown[0], f"{label(model)} has no such field")
            before = fields(record)
            amended = self._writes.validate(session, model, {**before, **changes}, current=record)
            changed = _differences(before, jsonable(amended))
            if not changed:
                raise ValidationError("changes", f"nothing differs from the {label(model)} as it stands; give at least one new value")
            data = {
                "subject_table": model.__tablename__,
                "subject_id": record_id,
                "changes": changed,
                "reason": reason.strip(),
            }
            amendment = self._writes.create(session, Amendment, data)
            if model is Interaction:
                self._gate.clear(session, model, amendment.id, jsonable(amended), before, justification, subject=Amendment)
                added = new_items(before["follow_ups"], changed.get("follow_ups") or [])
                self._follow_ups.open_from(session, record_id, amended["hcp_id"], amended["inquiry_id"], added)
            return amendment

    def amend_from_merge(self, session: Session, table: str, record_id: str, changes: dict[str, Any]) -> None:
        """Keep a pulled edit that met a filed record as the amendment the merge proposes; once, under the id
        every device gives it, so the same concurrent edit makes one amendment everywhere."""
        key = amendment_id(table, record_id, changes)
        if session.get(Amendment, key) is not None:
            return
        data = {"subject_table": table, "subject_id": record_id, "changes": changes, "reason": MERGE_REASON}
        values = self._writes.validate(session, Amendment, data)
        self._writes.insert(session, Amendment, values, "amend", record_id=key)


def refuse_if_filed(record: Record, changes: Mapping[str, Any]) -> None:
    """A plain edit of a filed record may move only its workflow fields; a draft is filed by submit, not by edit."""
    model = type(record)
    status = getattr(record, "status", None)
    if model not in FILED_KINDS or status == "draft":
        if "status" in changes and model in FILED_KINDS and changes["status"] != "draft":
            raise ValidationError("status", "use submit to file a draft")
        return
    allowed = FILED_KINDS[model]
    frozen = sorted(name for name in changes if name not in allowed)
    if frozen:
        raise ImmutableRecord(f"{label(model)} {record.id} was submitted; amend it to change {frozen[0]}")


def _differences(before: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """What an amendment really changes: a value given as it already was says nothing new, and a
    value the rules derive from another (criteria making an event serious) is recorded with it."""
    return {name: value for name, value in changes.items() if before.get(name) != value}
