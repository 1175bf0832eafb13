"""Stable ids for what a pull makes on every device alike: kept conflicts and amendments proposed by the merge.

Whether a pulled value fits its field is `liaison.core.records.shape`'s job.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

CONFLICT_NAMESPACE = uuid.UUID("8f7a2c4e-5b1d-4e7f-9a3c-2d6e8b0f1a47")


def conflict_id(table: str, record_id: str, field: str, lost_stamp: str) -> str:
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"{table}:{record_id}:{field}:{lost_stamp}"))


def amendment_id(table: str, record_id: str, changes: dict[str, Any]) -> str:
    """The same concurrent edit, met on any device, makes the same amendment record."""
    body = json.dumps(changes, sort_keys=True, default=str)
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"amendment:{table}:{record_id}:{body}"))
