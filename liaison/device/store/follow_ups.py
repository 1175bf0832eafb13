"""Follow-ups as tasks: written when an interaction is filed, then ticked off, reopened or moved to another day.

Each step is one write through the core (`writes`), so it is stamped, queued
for sync and audited as what the MSL did ("complete", "reopen", "reschedule").
An interaction keeps its `follow_ups` as filed; the tasks carry what happened
to them since. A task's id follows from the record it came from and the
item's words, so an amendment that repeats the filed follow-ups never makes a
second task for the same promise.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from liaison.core.enums import FollowUpStatus
from liaison.core.errors import ValidationError
from liaison.core.records.models import FollowUpTask
from liaison.core.types import utcnow
from liaison.device.store.values import fields
from liaison.device.store.writes import Writes

_NAMESPACE = uuid.UUID("b3f1e0a2-7c4d-4b8e-9f61-2a5d8c0e4f17")


def task_id(source_id: str, text: str) -> str:
    """The task an item of a record's follow-ups becomes: the same on every filing of the same item."""
    return str(uuid.uuid5(_NAMESPACE, f"follow_up:{source_id}:{_words(text)}"))


class FollowUps:
    """Opens tasks from what was filed and moves them as the MSL asks, each move in its own transaction."""

    def __init__(self, writes: Writes) -> None:
        self._writes = writes

    def open_from(
        self, session: Session, source_id: str, hcp_id: str, inquiry_id: str | None, items: Sequence[Mapping[str, Any]]
    ) -> list[FollowUpTask]:
        """A task for each of a filed interaction's follow-ups (or those an amendment adds) that has none yet."""
        opened = []
        for item in items:
            text = str(item.get("text") or "")
            key = task_id(source_id, text)
            if not text.strip() or session.get(FollowUpTask, key) is not None:
                continue
            values: dict[str, Any] = {"text": text, "due": item.get("due"), "hcp_id": hcp_id, "interaction_id": source_id, "inquiry_id": inquiry_id}
            if item.get("done"):
                values.update(status=FollowUpStatus.DONE, done_at=utcnow(), done_by=self._writes.actor.user)
            checked = self._writes.validate(session, FollowUpTask, values)
            opened.append(self._writes.insert(session, FollowUpTask, checked, "create", record_id=key))
        return opened

    def complete(self, record_id: str) -> FollowUpTask:
        """Tick a task off: done now, by the MSL signed in on this device. Ticking off a done task changes nothing."""
        changes = {"status": FollowUpStatus.DONE, "done_at": utcnow(), "done_by": self._writes.actor.user}
        return self._move(record_id, "complete", changes, FollowUpStatus.OPEN)

    def reopen(self, record_id: str) -> FollowUpTask:
        """Open a done task again: it is no longer done, by anyone. Reopening an open task changes nothing."""
        return self._move(record_id, "reopen", {"status": FollowUpStatus.OPEN, "done_at": None, "done_by": None}, FollowUpStatus.DONE)

    def reschedule(self, record_id: str, due: date | str | None) -> FollowUpTask:
        """Move a task to another day (or to no day at all)."""
        return self._move(record_id, "reschedule", {"due": due_date(due)}, None)

    def _move(self, record_id: str, action: str, changes: Mapping[str, Any], moves_from: FollowUpStatus | None) -> FollowUpTask:
        with self._writes.transaction() as session:
            task = self._writes.load(session, FollowUpTask, record_id)
            if moves_from is not None and task.status != moves_from:
                return task
            before = fields(task)
            values = self._writes.validate(session, FollowUpTask, {**before, **changes}, current=task)
            return self._writes.apply(session, task, before, values, action=action)


def new_items(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The follow-ups an amendment adds: those whose text the filed list did not have."""
    known = {_words(str(item.get("text") or "")) for item in before}
    return [item for item in after if _words(str(item.get("text") or "")) not in known]


def _words(text: str) -> str:
    """A promise as said, whatever its spacing and capitals."""
    return " ".join(text.split()).casefold()


def due_date(value: Any) -> date | None:
    """A due date as given (a date, an ISO string, or nothing), refused in one line naming `due`."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError("due", f"{value!r} is not a date such as 2026-12-24") from None
