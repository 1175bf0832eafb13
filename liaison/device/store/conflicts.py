"""Concurrent edits: the value the merge set aside is kept as a `Conflict` until someone settles it.

The pull keeps what the merge lost (`keep`) and settles what a later edit,
made with both values in view, superseded (`supersede`); the MSL settles the
rest by choosing a side (`Conflicts.resolve`), written as a normal edit so the
choice syncs.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from liaison.core.clock import Stamp
from liaison.core.errors import NotFound, ValidationError
from liaison.core.merge import Conflict as MergeConflict
from liaison.core.records.kinds import kind_for
from liaison.core.records.shape import typed
from liaison.core.types import utcnow
from liaison.device.store.edits import Edits
from liaison.device.store.models import Conflict
from liaison.device.store.remote import conflict_id
from liaison.device.store.values import jsonable
from liaison.device.store.writes import Writes


class Conflicts:
    """Settles a kept conflict the way the MSL chose."""

    def __init__(self, writes: Writes, edits: Edits) -> None:
        self._writes = writes
        self._edits = edits

    def resolve(self, conflict_id: str, keep: str) -> Conflict:
        """Keep "mine" (this device's value) or "theirs"; the choice is written as a normal edit so it syncs."""
        if keep not in ("mine", "theirs"):
            raise ValidationError("keep", "must be 'mine' or 'theirs'")
        writes = self._writes
        with writes.session() as session:
            conflict = session.get(Conflict, conflict_id)
        if conflict is None:
            raise NotFound(f"conflict {conflict_id} not found")
        if conflict.resolved_at is not None:
            raise ValidationError("conflict", f"{conflict_id} was already resolved ({conflict.resolution})")
        mine_lost = Stamp.decode(conflict.lost_stamp).device == writes.actor.device_id
        chosen_lost = (keep == "mine") == mine_lost
        model = kind_for(conflict.table_name).model
        record = writes.get(model, conflict.record_id, include_deleted=True)
        current = jsonable({conflict.field: getattr(record, conflict.field)})[conflict.field]
        wanted = conflict.lost_value if chosen_lost else conflict.kept_value
        if current != wanted:
            # Both values were reviewed where they were written; choosing between them files nothing new.
            self._edits.update(model, conflict.record_id, {conflict.field: typed(model, conflict.field, wanted)}, review=False)
        with writes.transaction() as session:
            stored = session.get(Conflict, conflict_id)
            if stored is None:
                raise NotFound(f"conflict {conflict_id} not found")
            stored.resolved_at, stored.resolution = utcnow(), keep
            session.add(stored)
            writes.audit_about(session, "resolve", conflict.table_name, conflict.record_id, None, {"conflict": conflict_id, "keep": keep})
            return stored


def keep(session: Session, table: str, record_id: str, lost: MergeConflict) -> None:
    """Keep the value a merge set aside, once, under the id every device gives it."""
    key = conflict_id(table, record_id, lost.field, lost.lost_stamp)
    if session.get(Conflict, key) is not None:
        return
    session.add(
        Conflict(
            id=key,
            table_name=table,
            record_id=record_id,
            field=lost.field,
            kept_value=_json_value(lost.kept_value),
            kept_stamp=lost.kept_stamp,
            lost_value=_json_value(lost.lost_value),
            lost_stamp=lost.lost_stamp,
            detected_at=utcnow(),
        )
    )


def supersede(session: Session, table: str, record_id: str, field: str, base: Stamp) -> None:
    """A later edit made with both values in view settles the conflict for everyone."""
    open_conflicts = session.exec(
        select(Conflict).where(
            Conflict.table_name == table,
            Conflict.record_id == record_id,
            Conflict.field == field,
            col(Conflict.resolved_at).is_(None),
        )
    )
    for conflict in open_conflicts:
        if base >= Stamp.decode(conflict.kept_stamp):
            conflict.resolved_at, conflict.resolution = utcnow(), "superseded"
            session.add(conflict)


def _json_value(value: Any) -> Any:
    return jsonable({"v": value})["v"]
