"""Server settings: flags, then LIAISON_* environment, then defaults (an SQLite file beside the cwd)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///liaison-server.db"


@dataclass(frozen=True)
class ServerSettings:
    database_url: str = DEFAULT_DATABASE_URL
    enroll_code_minutes: int = 60
    """How long a one-time enrolment code stays valid."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> ServerSettings:
        environ = dict(os.environ if environ is None else environ)
        settings = cls(database_url=environ.get("LIAISON_DATABASE_URL") or DEFAULT_DATABASE_URL)
        return replace(settings, **{key: value for key, value in overrides.items() if value is not None})
