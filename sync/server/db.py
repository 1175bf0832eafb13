"""The server's database engine: PostgreSQL in production, an SQLite file as the embedded default."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

APPEND_LOCK_KEY = 0x4C69_6169
"""PostgreSQL advisory-lock key that serialises appends to the change log (see `lock_change_log`)."""


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            connection.isolation_level = None
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA busy_timeout = 30000")
            connection.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def lock_change_log(session: Session) -> None:
    """Make change-log sequence order equal commit order.

    Several server processes may push at once. Were two transactions to draw
    sequence numbers 7 and 8 and commit 8 first, a device pulling in between
    would move its cursor past 7 and never see it. Holding one transaction-
    scoped lock from before the sequence is drawn until commit rules that out.
    SQLite needs nothing here: BEGIN IMMEDIATE already serialises writers.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=APPEND_LOCK_KEY))  # type: ignore[call-overload]
