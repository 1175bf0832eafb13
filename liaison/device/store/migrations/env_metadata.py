"""What the migrations compare against: the local store's tables and nothing else."""

from __future__ import annotations

from typing import cast

from sqlalchemy import MetaData, Table
from sqlmodel import SQLModel

import liaison.device.store.models  # noqa: F401  (registers the tables on SQLModel's registry)


def local_metadata() -> MetaData:
    """Only the local store's tables: the server's models share SQLModel's registry in one process."""
    metadata = MetaData()
    for mapper in SQLModel._sa_registry.mappers:
        if mapper.class_.__module__.startswith("liaison.device.store"):
            cast(Table, mapper.local_table).to_metadata(metadata)
    return metadata
