"""Opening, creating and locking an MSL's encrypted store.

A data dir holds two files: `liaison.key` (the wrapped data key; no user data)
and `liaison.db` (SQLCipher, with its WAL). `Store.open` unwraps the key before
it touches the database, so a wrong passphrase changes nothing on disk.
"""

from __future__ import annotations

import contextlib
import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

import uuid6
from sqlalchemy import Engine
from sqlmodel import Session

from liaison.core.clock import HybridLogicalClock, Stamp, resumable, wall_ms
from liaison.core.errors import Locked, StoreError
from liaison.device.config import Settings
from liaison.device.store import keys, migrate, remember
from liaison.device.store.db import DataKey, db_path, open_engine
from liaison.device.store.models import DeviceState
from liaison.device.store.repository import Actor, Repository


@dataclass
class Store:
    data_dir: Path
    engine: Engine
    repository: Repository
    device_id: str
    user: str
    store_id: str
    _key: DataKey = field(repr=False)
    _locked: bool = field(default=False, repr=False)

    # --- lifecycle -----------------------------------------------------------

    @classmethod
    def init(cls, data_dir: Path, passphrase: str, *, user: str | None = None, settings: Settings | None = None) -> Store:
        """Create a new store: a fresh data key, an empty database at the current schema."""
        data_dir = Path(data_dir)
        if db_path(data_dir).exists() or keys.key_file_path(data_dir).exists():
            raise StoreError(f"{data_dir}: already holds a Liaison store")
        data_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(data_dir, 0o700)
        data_key = keys.create_key_file(data_dir, passphrase)
        try:
            engine = open_engine(db_path(data_dir), data_key)
            migrate.upgrade(engine)
            with Session(engine) as session:
                session.add(DeviceState(device_id=str(uuid6.uuid7()), user=user or _os_user(), clock=Stamp(0, 0, "-").encode()))
                session.commit()
            engine.dispose()
        except Exception:
            for path in (keys.key_file_path(data_dir), *_db_files(data_dir)):
                path.unlink(missing_ok=True)
            raise
        return cls._open_with_key(data_dir, data_key, settings or Settings())

    @classmethod
    def open(
        cls,
        data_dir: Path,
        passphrase: str | None = None,
        *,
        settings: Settings | None = None,
        data_key: bytes | None = None,
    ) -> Store:
        """Unlock with the passphrase (or a key remembered on this device) and bring the schema up to date."""
        data_dir = Path(data_dir)
        if data_key is None:
            if passphrase is None:
                data_key = remember.recall(keys.store_id(data_dir))
                if data_key is None:
                    raise Locked("passphrase: required to unlock this store")
            else:
                data_key = keys.unlock(data_dir, passphrase)
        if not db_path(data_dir).exists():
            raise StoreError(f"{db_path(data_dir)}: database file is missing")
        return cls._open_with_key(data_dir, data_key, settings or Settings())

    @classmethod
    def _open_with_key(cls, data_dir: Path, data_key: bytes, settings: Settings) -> Store:
        key = DataKey(data_key)
        engine = open_engine(db_path(data_dir), key)
        try:
            if migrate.current_revision(engine) != migrate.head_revision():
                migrate.upgrade(engine)
            with Session(engine) as session:
                state = session.get(DeviceState, 1)
            if state is None:
                raise StoreError(f"{db_path(data_dir)}: store has no device identity; it was not initialised")
            repository = _repository(engine, state, settings)
        except Exception:
            engine.dispose()
            raise
        return cls(
            data_dir=data_dir,
            engine=engine,
            repository=repository,
            device_id=state.device_id,
            user=state.user,
            store_id=keys.store_id(data_dir),
            _key=key,
        )

    def lock(self) -> None:
        """Close every connection and overwrite the data key; reopening needs the passphrase again."""
        self.engine.dispose()
        self._key.wipe()
        self._locked = True

    close = lock

    @property
    def locked(self) -> bool:
        return self._locked

    def remember_key(self, passphrase: str) -> None:
        """Keep the data key in the OS key store so this device unlocks without typing."""
        remember.remember(self.store_id, keys.unlock(self.data_dir, passphrase))

    def forget_key(self) -> None:
        remember.forget(self.store_id)

    def wipe(self) -> None:
        """Destroy this store on this device: the key file first, so nothing left can be decrypted."""
        store_id = self.store_id
        self.lock()
        remember.forget(store_id)
        for path in (keys.key_file_path(self.data_dir), *_db_files(self.data_dir)):
            path.unlink(missing_ok=True)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _repository(engine: Engine, state: DeviceState, settings: Settings) -> Repository:
    """The store's repository, its clock carried on from the stored one, or reset when that one is poisoned."""
    now = wall_ms()
    last = resumable(state.clock, now)
    start = Stamp(last.wall_ms, last.counter, state.device_id) if last else Stamp(now, 0, state.device_id)
    actor = Actor(user=state.user, device_id=state.device_id)
    clock = HybridLogicalClock(state.device_id, last=start)
    repository = Repository(engine, actor, clock, ae_window=settings.ae_window, local_tz=settings.local_tz)
    if last is None:
        repository.reset_clock(state.clock)  # unreadable, past the wire format, or too far ahead
    return repository


def _db_files(data_dir: Path) -> list[Path]:
    base = db_path(data_dir)
    return [base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm")]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "msl"
