"""The server's database engine: PostgreSQL in production, an SQLite file as the embedded default."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Engine, String, bindparam, create_engine, event, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Mapped
from sqlmodel import Session

WRITE_OPTION = "liaison_write"
_HOLDS_WRITE_LOCK = "liaison_holds_write_lock"
WRITER_WAIT_SECONDS = 30.0
"""How long an SQLite writer queues in-process before leaving the wait to SQLite's busy timeout."""
POOL_SIZE = 20
"""Connections per server process: room for the request thread pool (40 threads) to mostly run, not queue."""
APPEND_LOCK_KEY = 0x4C69_6169
"""PostgreSQL advisory-lock key that serialises appends to the change log (see `lock_change_log`)."""


def make_engine(database_url: str) -> Engine:
    """The engine for this URL. Statement parameters never appear in its errors or logs (`hide_parameters`):
    they hold sign-in e-mails, tokens' digests and field data, and a failed statement's error ends up in a traceback."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=POOL_SIZE, max_overflow=POOL_SIZE, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            connection.isolation_level = None
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA busy_timeout = 30000")
            connection.execute("PRAGMA foreign_keys = ON")

        writers = threading.Lock()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            if not connection.get_execution_options().get(WRITE_OPTION):
                connection.exec_driver_sql("BEGIN")
                return
            # Queue writers of this process on a lock that wakes the next one at once;
            # SQLite's own busy handler sleeps up to 100 ms between tries.
            connection.info[_HOLDS_WRITE_LOCK] = writers.acquire(timeout=WRITER_WAIT_SECONDS)
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _release(connection)
                raise

        def _release(connection: Any, *_: Any) -> None:
            if connection.info.pop(_HOLDS_WRITE_LOCK, False):
                writers.release()

        event.listen(engine, "commit", _release)
        event.listen(engine, "rollback", _release)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_SIZE, hide_parameters=True)


def writing(session: Session) -> None:
    """Open the session's next transaction as a writer; call it before that transaction's first statement.

    On SQLite a writer begins IMMEDIATE: it waits its turn for the one write lock,
    where a plain transaction that read first would fail outright ("database is
    locked") on turning into a write. Readers begin plainly and, in WAL mode,
    never wait for writers. Elsewhere this is a no-op.
    """
    session.connection(execution_options={WRITE_OPTION: True})


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def lock_change_log(session: Session) -> None:
    """Make change-log sequence order equal commit order.

    Several server processes may push at once. Were two transactions to draw
    sequence numbers 7 and 8 and commit 8 first, a device pulling in between
    would move its cursor past 7 and never see it. Holding one transaction-
    scoped lock from before the sequence is drawn until commit rules that out.
    On SQLite, beginning as a writer (BEGIN IMMEDIATE) already serialises them.
    """
    writing(session)
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=APPEND_LOCK_KEY))  # type: ignore[call-overload]


def among(session: Session, column: ColumnElement[str] | Mapped[str], values: Sequence[str]) -> ColumnElement[bool]:
    """`column IN values`, in the form each backend plans well for a long list of keys.

    On PostgreSQL the list is one array parameter joined through `unnest`: a
    literal `IN (…)` list of hundreds of ids is planned from the table's
    statistics, and on a table that was never analysed the planner filters
    every row of the kind instead of looking each id up in the primary key
    (seconds per push on a million records). The semi-join is planned as one
    index probe per id whatever the statistics say.
    """
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(list(values))
    keys = bindparam(None, list(values), type_=ARRAY(String()))
    return column.in_(select(func.unnest(keys)).scalar_subquery())


def next_seqs(session: Session, count: int) -> list[int] | None:
    """On PostgreSQL, `count` change-log sequence numbers drawn in one round trip, ascending; elsewhere None.

    The caller holds `lock_change_log`, so no other transaction draws in
    between and sequence order stays commit order. Rows written with these
    numbers go in as one pipelined executemany with a short, cached statement,
    where `INSERT … RETURNING` over hundreds of rows is re-parsed by the driver
    on every push.
    """
    if count == 0 or session.get_bind().dialect.name != "postgresql":
        return None
    drawn = (
        session.execute(text("SELECT nextval(pg_get_serial_sequence('change_log', 'seq')) FROM generate_series(1, :count)").bindparams(count=count))
        .scalars()
        .all()
    )
    return sorted(int(seq) for seq in drawn)
