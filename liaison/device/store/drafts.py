"""Forms' unsaved input, kept in the encrypted store so that closing the window or a crash loses no typing.

A draft is the device's own: it is not a record, so it is neither synced nor
audited, and it is written without touching the clock or the outbox. The UI
keeps its drafts here through this job (`liaison.device.ui.draft_keeper`);
each is removed once its record is saved or the MSL discards it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlmodel import Session, col, delete, select

from liaison.core.types import utcnow
from liaison.device.store.models import Draft
from liaison.device.store.values import jsonable
from liaison.device.store.writes import Writes


class Drafts:
    """Saves, lists and discards drafts, each call its own short transaction."""

    def __init__(self, writes: Writes) -> None:
        self._writes = writes

    def all(self) -> dict[str, dict[str, Any]]:
        """Every kept draft by its form's key: what a window restores after an unlock."""
        with self._writes.session() as session:
            return {draft.key: dict(draft.fields) for draft in session.exec(select(Draft))}

    def save(self, changed: Mapping[str, Mapping[str, Any]], gone: set[str] | frozenset[str] = frozenset()) -> None:
        """Keep these drafts as they now stand and drop the `gone` ones, in one transaction; an empty draft is dropped."""
        now = utcnow()
        with self._writes.transaction() as session:
            dropped = set(gone) | {key for key, fields in changed.items() if not fields}
            if dropped:
                session.exec(delete(Draft).where(col(Draft.key).in_(dropped)))
            for key, fields in changed.items():
                if fields:
                    session.merge(Draft(key=key, fields=jsonable(fields), saved_at=now))

    def discard(self, key: str) -> None:
        """The MSL gave up this form's input (or its record was saved): nothing of it stays."""
        self.save({}, {key})


def drop_mentioning(session: Session, mentions: Callable[[str], bool]) -> int:
    """Delete every draft whose text `mentions` says names someone (an erased HCP), in the caller's transaction; how many."""
    dropped = [draft.key for draft in session.exec(select(Draft)) if mentions(json.dumps(draft.fields, ensure_ascii=False))]
    if dropped:
        session.exec(delete(Draft).where(col(Draft.key).in_(dropped)))
    return len(dropped)
