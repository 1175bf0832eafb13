"""Alembic environment for the local store; the connection is handed in by `liaison.device.store.migrate`."""

from __future__ import annotations

from alembic import context

from liaison.device.store.migrations.env_metadata import local_metadata


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """FTS5 tables and their shadow tables are managed by hand in the migrations."""
    return not (type_ == "table" and name is not None and name.startswith("hcp_search"))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=local_metadata(),
    render_as_batch=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
