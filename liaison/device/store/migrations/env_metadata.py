"""What the migrations compare against: the local store's tables and nothing else."""

from __future__ import annotations

from typing import cast

from sqlalchemy import MetaData, Table
from sqlmodel import SQLModel

import liaison.core.records.models  # noqa: F401  (registers the record tables on SQLModel's registry)
import liaison.device.store.models  # noqa: F401  (and the device's bookkeeping tables)

_LOCAL = ("liaison.core.records", "liaison.device.store")


def local_metadata() -> MetaData:
    """Only the local store's tables (the synced records' and the device's own): the server's models share
    SQLModel's registry in one process."""
    metadata = MetaData()
    for mapper in SQLModel._sa_registry.mappers:
        if mapper.class_.__module__.startswith(_LOCAL):
            cast(Table, mapper.local_table).to_metadata(metadata)
    return metadata
