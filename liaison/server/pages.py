"""Reading a page of the change log for one device, straight to the wire's JSON.

Pull is what a device receives most of, so the page is assembled from the
stored JSON text of each change without decoding and re-encoding it: the rows
were validated when they were pushed. Its shape is `protocol.PullResponse`,
which the client validates on arrival.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from json.encoder import encode_basestring_ascii
from typing import Any

from sqlalchemy import Text, cast, func, union
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from liaison.core.clock import ZERO
from liaison.core.protocol import MAX_PULL_BYTES, MAX_SEQ, PROTOCOL_VERSION
from liaison.server import scope
from liaison.server.errors import ApiError
from liaison.server.models import ChangeLog, Device, User


def read_page(session: Session, user: User, device: Device, cursor: str, limit: int, *, count: bool = False) -> bytes:
    """The device's next page of changes made elsewhere, as the JSON body of a PullResponse.

    With `count`, the body also says how many changes remain from the cursor
    on, this page's included (`remaining`): one index range per branch of
    visibility, counted once a round for a progress bar. Without it the field
    is left out, as servers before it did.

    A page holds up to `limit` changes, fewer when they would pass
    `MAX_PULL_BYTES` (always at least one): a device on a tablet never has to
    hold a page of records with large notes or signatures all at once.

    A device's own changes are not echoed back. When the page is the last one the
    cursor moves to the log's end as it stood before the page was read, past
    rows the caller may not see or made itself, so a caught-up device's next
    pull scans nothing whatever the log's size. That is safe because pushes
    commit in sequence order (see `db.lock_change_log`): every row up to that
    end was already committed, so none can appear behind the cursor later.
    """
    after = decode_cursor(cursor)
    end = session.exec(select(func.max(ChangeLog.seq))).one() or 0
    remaining = f',"remaining":{_count_after(session, user, device, after, end)}' if count else ""
    rows = _next_rows(session, user, device, after, limit + 1)
    changes: list[str] = []
    size = 0
    for row in rows[:limit]:
        text = _change_json(row)
        if changes and size + len(text) > MAX_PULL_BYTES:
            break  # a page of large records stops early; the cursor resumes right after its last change
        changes.append(text)
        size += len(text)
    page = rows[: len(changes)]
    more = len(rows) > len(page)
    read_to = page[-1].seq if page else after
    last = read_to if more else max(read_to, end)
    newest = max((stamp for row in page for stamp in json.loads(row.clocks).values()), default=ZERO.encode())  # encoded stamps sort as stamps do
    return (
        f'{{"changes":[{",".join(changes)}],"cursor":{json.dumps(encode_cursor(last))},'
        f'"more":{json.dumps(more)},"server_clock":{json.dumps(newest)}{remaining}}}'
    ).encode()


def _change_json(row: Any) -> str:
    return (
        f'{{"change":{{"change_id":{_quote(row.change_id)},"table":{_quote(row.table_name)},'
        f'"record_id":{_quote(row.record_id)},"fields":{row.fields},"clocks":{row.clocks},'
        f'"base_clocks":{row.base_clocks},"device_id":{_quote(row.device_id)}}},'
        f'"received_at":{_quote(row.received_at)}}}'
    )


_quote: Callable[[str], str] = encode_basestring_ascii
"""A JSON string literal, as `json.dumps` writes one for a str, without its per-call set-up."""


def _next_rows(session: Session, user: User, device: Device, after: int, count: int) -> list[Any]:
    """The first `count` rows after the cursor that the user may see and the device did not make.

    Each branch of visibility (own records, territory, library, team) is read as
    its own index range and cut at `count`, then the branches are merged: a new
    device on a server holding millions of other people's changes reads only
    its own share, where one OR-ed scan would walk the whole log.
    """
    firsts = [
        select(ChangeLog.seq)
        .where(col(ChangeLog.seq) > after, col(ChangeLog.device_id) != device.id, branch)
        .order_by(col(ChangeLog.seq))
        .limit(count)
        .subquery()
        for branch in scope.visible_branches(session, user)
    ]
    candidates = union(*(select(first.c.seq) for first in firsts)).subquery()
    statement = (
        sql_select(  # SQLModel's select is typed for up to four columns
            col(ChangeLog.seq),
            col(ChangeLog.change_id),
            col(ChangeLog.table_name),
            col(ChangeLog.record_id),
            col(ChangeLog.device_id),
            cast(ChangeLog.received_at, Text).label("received_at"),  # stored as UTC ISO text: sent as it is
            cast(ChangeLog.fields, Text).label("fields"),
            cast(ChangeLog.clocks, Text).label("clocks"),
            cast(ChangeLog.base_clocks, Text).label("base_clocks"),
        )
        .where(col(ChangeLog.seq).in_(select(candidates.c.seq)))
        .order_by(col(ChangeLog.seq))
        .limit(count)
    )
    return list(session.execute(statement).all())


def _count_after(session: Session, user: User, device: Device, after: int, end: int) -> int:
    """The changes after `after`, up to the log's `end`, that the user may see and the device did not make."""
    branches = [
        select(ChangeLog.seq).where(col(ChangeLog.seq) > after, col(ChangeLog.seq) <= end, col(ChangeLog.device_id) != device.id, branch)
        for branch in scope.visible_branches(session, user)
    ]
    return int(session.exec(select(func.count()).select_from(union(*branches).subquery())).one())


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"v{PROTOCOL_VERSION}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, seq = text.partition(":")
        if version != f"v{PROTOCOL_VERSION}" or not (seq.isascii() and seq.isdigit()) or int(seq) > MAX_SEQ:
            raise ValueError(text)
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(422, "invalid", "cursor: not a cursor this server issued; start again with an empty cursor", "cursor") from None
