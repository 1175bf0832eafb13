"""The SQLCipher engine: one encrypted SQLite file per MSL, opened through SQLAlchemy.

SQLCipher encrypts every page, so the main file, its WAL and any rollback
journal hold ciphertext only. Temporary tables and sort spills are kept in
memory (`temp_store = MEMORY`) so that no plaintext scratch file is written.
The data key is passed as a raw 256-bit key (`x'…'`), which skips SQLCipher's
own PBKDF2: the expensive derivation already happened in Argon2id.

SQLite's own verdicts on a write or a read become one-line errors here, for
every caller at once: SQLITE_FULL is `StorageFull` (SQLite rolled the
statement back; the repository's transaction then rolls back the rest), and a
page that fails SQLCipher's HMAC or SQLite's structure checks is `StoreDamaged`,
naming the file. SQLCipher's own log stays off: it would print to the terminal
beside that one line.

`plain=True` opens an ordinary SQLite file with the same settings; it exists for
the benchmark's encrypted/plain comparison and nothing else.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pydantic_core
import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import QueuePool

from liaison.core.errors import LiaisonError, Locked, StorageFull, StoreDamaged, StoreError

DB_FILE_NAME = "liaison.db"

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    # FULL: a committed write survives power loss as well as a crash. A tablet's
    # battery dies mid-visit; a record the MSL saw saved must still be there.
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA temp_store = MEMORY",
    # Up to 32 MiB of decrypted pages per connection: search-as-you-type then
    # re-reads the HCP pages from memory instead of decrypting them per keystroke.
    "PRAGMA cache_size = -32768",
    "PRAGMA busy_timeout = 5000",
)

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26


def db_path(data_dir: Path) -> Path:
    return data_dir / DB_FILE_NAME


class DataKey:
    """The data key in a mutable buffer, so locking can overwrite it rather than wait for the GC."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise StoreError("data key must be 32 bytes")
        self._buffer = bytearray(key)
        self._wiped = False

    def hex(self) -> str:
        if self._wiped:
            raise Locked("the store is locked; unlock it with the passphrase")
        return self._buffer.hex()

    def wipe(self) -> None:
        for index in range(len(self._buffer)):
            self._buffer[index] = 0
        self._wiped = True

    def __repr__(self) -> str:
        return "DataKey(<hidden>)"


def open_engine(path: Path, data_key: bytes | DataKey | None, *, plain: bool = False) -> Engine:
    """An engine over the encrypted file at `path`; fails fast if the key does not open it."""
    key: DataKey | None = None
    if not plain:
        if data_key is None:
            raise StoreError("data key must be 32 bytes")
        key = data_key if isinstance(data_key, DataKey) else DataKey(data_key)
    module: Any = sqlite3 if plain else sqlcipher3.dbapi2

    def connect() -> Any:
        connection = module.connect(str(path), check_same_thread=False, isolation_level=None)
        if key is not None:
            connection.execute("PRAGMA cipher_log_level = NONE")
            connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        for pragma in _PRAGMAS:
            connection.execute(pragma)
        return connection

    engine = create_engine(
        "sqlite://",
        creator=connect,
        module=module,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        json_serializer=_json_text,
    )
    _use_explicit_transactions(engine)
    _name_storage_faults(engine, path)
    _check_opens(engine, path)
    return engine


def _json_text(value: Any) -> str:
    """JSON columns' text: compact and UTF-8, written by pydantic's serializer.

    A first pull writes half a million JSON values; this is several times
    faster than `json.dumps`, and SQLite's JSON functions read both forms.
    """
    return pydantic_core.to_json(value).decode()


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take the write lock up front.

    A deferred transaction that reads and then writes can fail with SQLITE_BUSY
    when another connection wrote in between; taking the lock at BEGIN makes a
    writer wait its turn (busy_timeout) instead. Reads stay deferred so the UI
    never waits on a sync that is writing.
    """
    return engine.execution_options(liaison_write=True)


def _use_explicit_transactions(engine: Engine) -> None:
    """pysqlite's implicit BEGIN is unreliable; take control as SQLAlchemy's docs advise."""

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("liaison_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _name_storage_faults(engine: Engine, path: Path) -> None:
    """Turn a full device or a damaged page, wherever SQLite meets it, into the error that says what to do."""

    @event.listens_for(engine, "handle_error")
    def _translate(context: ExceptionContext) -> None:
        fault = storage_fault(context.original_exception, path)
        if fault is not None:
            raise fault from None


def storage_fault(error: BaseException, path: Path) -> StoreError | None:
    """The one-line error for a driver error caused by the device or the file, else None."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    if code & 0xFF == SQLITE_FULL:
        return StorageFull()
    if code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return StoreDamaged(path)
    return None


def _check_opens(engine: Engine, path: Path) -> None:
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except LiaisonError:
        engine.dispose()
        raise
    except Exception as exc:  # the driver raises DatabaseError("file is not a database")
        engine.dispose()
        raise StoreError(f"{path}: cannot open the encrypted store ({exc.__class__.__name__}: {exc})") from None
