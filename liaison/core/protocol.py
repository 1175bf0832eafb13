"""The sync wire format, shared by the client engine and the central server.

Push: the device sends its outbox in batches (`PushRequest`); every `Change`
carries its own id, so a batch re-sent after a lost response is applied once.
The server answers each change on its own (`PushResponse`): every acceptable
change is applied, and each refused one comes back with its reason, so one
bad change never holds back the others (a record's later changes excepted).
Pull: the device asks for what the server has after an opaque `cursor`, page by
page (`PullResponse`); it stores the cursor only after applying a page, so an
interrupted pull resumes where it stopped.

Deletes travel as tombstones: a change that sets `deleted` to true. Bodies
larger than `COMPRESS_OVER_BYTES` are gzip-compressed (`Content-Encoding: gzip`).
Every error is `ErrorBody` JSON with a machine code and one plain sentence.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from liaison.core.clock import STAMP_PATTERN
from liaison.core.records.kinds import TABLES
from liaison.core.wire import INT64_MAX, NO_NUL_PATTERN

PROTOCOL_VERSION: Final = 1
MAX_PUSH_CHANGES = 1000
MAX_PULL_LIMIT = 5000
DEFAULT_PULL_LIMIT = 1000
MAX_BODY_BYTES = 8 * 1024 * 1024
"""Largest request body the server accepts, after decompression."""
MAX_PULL_BYTES = 8 * 1024 * 1024
"""A pull page stops before the change that would take its body past this size (it always holds one)."""
COMPRESS_OVER_BYTES = 16 * 1024

SYNCED_TABLES = TABLES
"""Every table a change may name: one per record kind."""

StampText = Annotated[str, StringConstraints(pattern=STAMP_PATTERN)]
"""A clock stamp as `Stamp.encode` writes it; checked by the validator's own regex, not per stamp in Python."""

Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_NUL_PATTERN)]
"""An id on the wire (change, record, device): no NUL character, which no database's text can hold."""

FieldName = Annotated[str, StringConstraints(pattern=NO_NUL_PATTERN)]

MAX_SEQ = INT64_MAX
"""The largest position a database stores (signed 64-bit): cursors and audit positions stop here."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Strict):
    """One write to one record: the fields it set, stamped by the writer's clock.

    `clocks` maps field names (or "*" for all fields in the change) to HLC stamps;
    `base_clocks` gives, per field, the stamp of the value the writer replaced,
    which is how merge tells a sequential edit from a concurrent one.
    """

    change_id: Id
    table: str
    record_id: Id
    fields: dict[str, Any] = Field(min_length=1, description="a change sets at least one field")
    clocks: dict[FieldName, StampText] = Field(min_length=1, description="a change is stamped: without one it could never win a merge")
    base_clocks: dict[FieldName, StampText] = Field(default_factory=dict)
    device_id: Id

    @field_validator("table")
    @classmethod
    def _known_table(cls, value: str) -> str:
        if value not in SYNCED_TABLES:
            raise ValueError(f"unknown table {value!r}")
        return value


class PushRequest(_Strict):
    protocol: Literal[1] = PROTOCOL_VERSION
    changes: list[Change] = Field(max_length=MAX_PUSH_CHANGES)


class PushBatch(_Strict):
    """A push as the server first reads it: each change is then checked on its own, so one bad change
    is refused by itself and never takes the rest of the batch down with it."""

    protocol: Literal[1] = PROTOCOL_VERSION
    changes: list[Any] = Field(max_length=MAX_PUSH_CHANGES)


HELD = "held"
"""Refusal code of a change not applied because an earlier change to the same record was refused:
a record's changes keep their order, so the later ones wait for the first to be corrected."""


class RefusedChange(_Strict):
    """One change the server will not keep, and why: the device moves it out of its outbox for the MSL to act on."""

    change_id: str | None
    """None when the change was too malformed to name; `index` still places it in the batch."""
    index: int
    code: str
    """forbidden (scope), invalid (shape or value), clock_ahead, write_once, not_found, held…"""
    message: str
    """One plain sentence naming the change, the record and, where there is one, the field."""
    field: str | None = None


class PushResponse(_Strict):
    accepted: list[str]
    """Change ids now durably held by the server (applied now or earlier): the client may drop them."""
    refused: list[RefusedChange] = Field(default_factory=list)
    """Changes of the batch the server did not apply, each with its reason; every other change was applied."""
    server_clock: str
    """The server's clock after the push; the client observes it so its next edits order after."""


class ServerChange(_Strict):
    """A change as the server hands it out, in the order it committed."""

    change: Change
    received_at: str


class PullResponse(_Strict):
    changes: list[ServerChange]
    cursor: str
    """Opaque; send it back to get what came after. Stored by the client only after applying the page."""
    more: bool
    server_clock: str
    remaining: int | None = None
    """Only when the pull asked for it (`count=true`): the changes the device has still to receive, this
    page's included. A round asks once, on its first page, for its progress bar's total."""


class EnrollRequest(_Strict):
    protocol: Literal[1] = PROTOCOL_VERSION
    code: str = Field(min_length=1, max_length=128, pattern=NO_NUL_PATTERN)
    device_id: Id = Field(description="the id the device stamps its clock with")
    device_name: str = Field(min_length=1, max_length=200, pattern=NO_NUL_PATTERN)


class EnrollResponse(_Strict):
    device_id: str
    token: str
    """The device's bearer token: shown once, stored hashed on the server."""
    user_email: str
    user_name: str
    territory: str | None


class ErrorBody(_Strict):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(_Strict):
    error: ErrorBody


DEVICE_REVOKED = "device_revoked"
"""Error code on 401/403 that tells the client to wipe its local store."""


# --- audit anchoring -------------------------------------------------------------------
#
# At the end of every round the device sends the links of its hash-chained audit
# log that the server does not hold yet, starting with the last one it does (so
# the server re-checks its anchor each time), and its chain's current head. The
# server keeps them per device and records a break, never a refusal, when they
# do not continue what it anchored. Only positions and hashes travel: never what
# an entry says. Servers without these routes answer 404, which the device takes
# as "not anchored here" and carries on.

HASH_PATTERN = r"^[0-9a-f]{64}$"
MAX_ANCHOR_LINKS = 5000


class AuditLink(_Strict):
    """One link of a device's audit chain: its place, its hash, and the hash it names as its predecessor."""

    seq: int = Field(ge=1, le=MAX_SEQ)
    prev_hash: str = Field(pattern=HASH_PATTERN)
    hash: str = Field(pattern=HASH_PATTERN)


class AnchorRequest(_Strict):
    head_seq: int = Field(ge=0, le=MAX_SEQ, description="the last entry of the device's chain as it stands now")
    links: list[AuditLink] = Field(max_length=MAX_ANCHOR_LINKS, description="in ascending order, without gaps")

    @field_validator("links")
    @classmethod
    def _ascending(cls, value: list[AuditLink]) -> list[AuditLink]:
        for before, after in pairwise(value):
            if after.seq <= before.seq:
                raise ValueError(f"links must be in ascending order (entry {after.seq} follows {before.seq})")
        return value


class AnchorBreak(_Strict):
    seq: int
    reason: str
    detected_at: str


class AnchorState(_Strict):
    """What the server holds of the device's chain: the anchored head and every break it recorded."""

    head_seq: int
    head_hash: str | None
    anchored_at: str | None
    breaks: list[AnchorBreak]
    recorded: int = 0
    """How many of `breaks` the request just answered found; the device then helps find the first rewritten entry."""


class AnchorLinksPage(_Strict):
    links: list[AuditLink]
    more: bool
