"""Alembic environment for the server's database; the connection is handed in by `liaison.server.migrate`."""

from __future__ import annotations

from alembic import context

from liaison.server.models import METADATA

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=METADATA, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
