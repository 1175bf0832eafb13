"""Real central servers on loopback: SQLite always, PostgreSQL whenever one answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from liaison.server.embedded import EmbeddedServer

PG_URL = os.environ.get("LIAISON_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any driver or network failure means: skip
        return f"no PostgreSQL at {make_url(PG_URL).render_as_string(hide_password=True)} ({exc.__class__.__name__})"


@pytest.fixture(scope="session")
def postgres_skip_reason() -> str | None:
    return _postgres_reachable()


@pytest.fixture
def postgres_url(postgres_skip_reason: str | None) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if postgres_skip_reason:
        pytest.skip(postgres_skip_reason)
    name = f"liaison_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A real uvicorn server on a free loopback port, over SQLite or PostgreSQL."""
    database = str(tmp_path / "server.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with EmbeddedServer(database) as running:
        yield running
    running.engine.dispose()


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(tmp_path / "server.db") as running:
        yield running
