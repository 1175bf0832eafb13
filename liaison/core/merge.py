"""The one merge function: client and server both call `merge`, so both reach the same state.

Conflicts are resolved field by field: the write with the later hybrid-logical-
clock stamp wins (stamps end with the device id, so ties cannot happen). A
losing value is never thrown away silently: when the two writes were
*concurrent* (neither writer had seen the other's value) and the values differ,
the loser comes back as a `Conflict` for the MSL to review.

How concurrency is told apart, given that changes reach every node exactly once
and in the server's commit order:
- an incoming write that wins is concurrent when its writer had not seen the
  current value: its base stamp for the field is older than the current stamp;
- an incoming write that loses arrived after a newer write that did not build on
  it, so it was concurrent by construction.

Compliance overrides and HCP erasure receipts are written once and never change after (`WRITE_ONCE_TABLES`).

Filed records (submitted interactions, inquiries, adverse events) are never
edited in place. A submit carries the full snapshot as filed, and that snapshot
wins its frozen fields whatever the stamps say; any concurrent value for those
fields, from before or after, comes back as an `Amendment` proposal instead of
being applied or reported as a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from liaison.core.clock import ALL_FIELDS, ZERO, Stamp, field_stamp
from liaison.core.records.kinds import KINDS, REPOINTABLE, STEWARD_DEVICE, tables

FILED_TABLES: dict[str, frozenset[str]] = {kind.table: kind.filed_movable for kind in KINDS if kind.filed}
"""Tables whose records are filed, and the fields that may still change after filing: the filing's own
and the workflow's (`RecordKind.filed_movable`; local edits read `movable_after_filing`)."""

WRITE_ONCE_TABLES = tables(write_once=True)
"""Tables whose records stand as first written: a justified override is the evidence of what was
filed over a compliance finding, and an erasure receipt the evidence of who erased an HCP, when
and why, so no later write (edit or delete) changes either on any node."""

BOOKKEEPING_FIELDS = frozenset({"created_at", "created_by", "updated_at", "updated_by", "device_id", "deleted", "deleted_at"})
"""Fields every record carries that never conflict: they follow the winning writes."""

DRAFT = "draft"


@dataclass(frozen=True)
class RecordState:
    """A record as merge sees it: field values and the stamps of the writes that set them."""

    fields: dict[str, Any]
    clocks: dict[str, str]

    def stamp(self, name: str) -> Stamp:
        return field_stamp(self.clocks, name)


@dataclass(frozen=True)
class Conflict:
    """A concurrent write that lost: both values and stamps, so the MSL can choose."""

    field: str
    kept_value: Any
    kept_stamp: str
    lost_value: Any
    lost_stamp: str


@dataclass(frozen=True)
class MergeResult:
    state: RecordState
    changed: dict[str, Any] = field(default_factory=dict)
    """Fields whose value in `state` differs from before the merge."""
    conflicts: list[Conflict] = field(default_factory=list)
    amendments: dict[str, Any] = field(default_factory=dict)
    """Values for frozen fields of a filed record that must be recorded as an amendment, not applied."""


def merge(
    table: str,
    current: RecordState | None,
    fields: dict[str, Any],
    clocks: dict[str, str],
    base_clocks: dict[str, str] | None = None,
) -> MergeResult:
    """Merge one change (its `fields`, `clocks` and `base_clocks`) into `current`, purely."""
    if current is None and clocks.keys() == {ALL_FIELDS}:
        return _first_met(fields, clocks[ALL_FIELDS])
    if current is not None and table in WRITE_ONCE_TABLES:
        return MergeResult(current)
    base_clocks = base_clocks or {}
    values = dict(current.fields) if current else {}
    stamps = _expand(current) if current else {}
    changed: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    amendments: dict[str, Any] = {}

    mutable = FILED_TABLES.get(table)
    filing = mutable is not None and _is_filed(fields.get("status")) and _is_filed_wins(current, fields, clocks)
    already_filed = mutable is not None and current is not None and _is_filed(current.fields.get("status"))

    for name, incoming_value in fields.items():
        incoming = field_stamp(clocks, name)
        existing = stamps.get(name, ZERO)
        has_value = current is not None and name in values
        frozen = mutable is not None and name not in mutable and name not in BOOKKEEPING_FIELDS and not _repointed(table, name, incoming)

        if frozen and already_filed and not filing:
            if has_value and values[name] != incoming_value:
                amendments[name] = incoming_value
            continue
        if frozen and filing:
            if has_value and values[name] != incoming_value and existing != incoming:
                amendments[name] = values[name]
            _set(values, stamps, changed, name, incoming_value, incoming)
            continue

        if incoming == existing:
            continue
        if incoming > existing:
            concurrent = has_value and field_stamp(base_clocks, name) < existing
            if concurrent and values[name] != incoming_value and name not in BOOKKEEPING_FIELDS:
                conflicts.append(Conflict(name, incoming_value, incoming.encode(), values[name], existing.encode()))
            _set(values, stamps, changed, name, incoming_value, incoming)
        elif has_value and values[name] != incoming_value and name not in BOOKKEEPING_FIELDS:
            conflicts.append(Conflict(name, values[name], existing.encode(), incoming_value, incoming.encode()))

    return MergeResult(RecordState(values, _compact(stamps)), changed, conflicts, amendments)


def _first_met(fields: dict[str, Any], stamp_text: str) -> MergeResult:
    """A record met for the first time, stamped as a whole: it is taken exactly as it comes.

    The field-by-field loop reaches the same state (every field set, one shared
    stamp, nothing to conflict with), only slower; a new device's first pull is
    made of nothing but such changes. The stamp is kept as its text: the wire
    only carries stamps as `Stamp.encode` writes them (`protocol.StampText`).
    Every field changed, so the one copy of the fields is both the new state
    and what changed.
    """
    values = dict(fields)
    return MergeResult(RecordState(values, {ALL_FIELDS: stamp_text}), values)


def _set(values: dict[str, Any], stamps: dict[str, Stamp], changed: dict[str, Any], name: str, value: Any, stamp: Stamp) -> None:
    if values.get(name, _MISSING) != value:
        changed[name] = value
    values[name] = value
    stamps[name] = stamp


def _repointed(table: str, name: str, incoming: Stamp) -> bool:
    """A data steward's merge moving a filed record's HCP link to the existing HCP: master data, not an amendment."""
    return incoming.device == STEWARD_DEVICE and name in REPOINTABLE.get(table, frozenset())


def _is_filed(status: Any) -> bool:
    return status is not None and status != DRAFT


def _is_filed_wins(current: RecordState | None, fields: dict[str, Any], clocks: dict[str, str]) -> bool:
    """A change files the record when it moves status off draft with a winning stamp for status."""
    if current is None:
        return True
    if _is_filed(current.fields.get("status")):
        return False
    return field_stamp(clocks, "status") > current.stamp("status")


def _expand(state: RecordState) -> dict[str, Stamp]:
    return {name: state.stamp(name) for name in state.fields}


def _compact(stamps: dict[str, Stamp]) -> dict[str, str]:
    """Store the most common stamp once under "*" and only the exceptions by field."""
    if not stamps:
        return {}
    counts: dict[Stamp, int] = {}
    for stamp in stamps.values():
        counts[stamp] = counts.get(stamp, 0) + 1
    base = max(counts, key=lambda stamp: (counts[stamp], stamp))
    compact = {ALL_FIELDS: base.encode()}
    compact.update({name: stamp.encode() for name, stamp in stamps.items() if stamp != base})
    return compact


_MISSING = object()
