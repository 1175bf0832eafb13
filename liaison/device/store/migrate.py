"""Bring a store's schema up to the version this app expects, keeping every record.

Alembic runs inside the already-keyed SQLCipher connection, so migrations see
the decrypted pages and write encrypted ones like any other transaction.
Alembic is imported only to migrate (0.3 s of CPU): an unlock, whose store is
usually at the newest version already, finds both versions without it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from liaison.core.data import shipped

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "liaison.device.store:migrations"
VERSIONS = shipped("liaison.device.store", "migrations", "versions")


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


@cache
def head_revision() -> str:
    """The newest migration this app ships, from the scripts' names (read once per process).

    Each script is "NNNN_what.py" with revision "NNNN" and the one before as its
    down revision; tests/device/store/test_migrations.py holds them to that against Alembic's own graph.
    """
    names = [path.name[:4] for path in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py")]
    if names:
        return max(names)
    from alembic.script import ScriptDirectory  # a build that ships compiled scripts only: ask Alembic

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the app ships no store migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    """The version a store's schema is at, from Alembic's table (None before the first migration)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
