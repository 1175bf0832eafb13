"""Bring a store's schema up to the version this app expects, keeping every record.

Alembic runs inside the already-keyed SQLCipher connection, so migrations see
the decrypted pages and write encrypted ones like any other transaction.
Alembic is imported on first use, not with this module: the app's lock screen
does not need it, and it is a good part of the start-up time.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "app.store:migrations"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


@cache
def head_revision() -> str:
    """The newest migration this app ships (read from the scripts once per process: they do not change while it runs)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def warm_up() -> None:
    """Do the first-use work now (import Alembic, read the scripts), e.g. while the MSL types the passphrase."""
    head_revision()
    from alembic.runtime.migration import MigrationContext  # noqa: F401
