"""Server settings: flags, then LIAISON_* environment, then defaults (an SQLite file beside the cwd).

The adverse-event reporting window is the app's own setting, read the same way
(`flet.toml`'s `[deployment]`, overridden by `LIAISON_AE_WINDOW_HOURS`,
`LIAISON_AE_WINDOW_BUSINESS_DAYS` and `LIAISON_TIMEZONE`), so the server judges
deadlines by the policy the devices count down to, never by what a device says.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import UTC, tzinfo
from typing import Any

from liaison.device.config import load_settings
from liaison.core.rules.safety import ReportingWindow

DEFAULT_DATABASE_URL = "sqlite:///liaison-server.db"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class ServerSettings:
    database_url: str = DEFAULT_DATABASE_URL
    enroll_code_minutes: int = 60
    """How long a one-time enrolment code stays valid."""
    ae_window: ReportingWindow = ReportingWindow(hours=24)
    """The company's adverse-event reporting window: every deadline in the timeliness report comes from it."""
    ae_timezone: tzinfo = UTC
    """The calendar business-day windows are counted in (the `timezone` setting; UTC when unset)."""
    docs: bool = False
    """Serve the OpenAPI docs at /docs (Swagger UI, which loads from a CDN): for development only."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> ServerSettings:
        environ = dict(os.environ if environ is None else environ)
        policy = load_settings(environ=environ)
        settings = cls(
            database_url=environ.get("LIAISON_DATABASE_URL") or DEFAULT_DATABASE_URL,
            ae_window=policy.ae_window,
            ae_timezone=policy.local_tz or UTC,
            docs=environ.get("LIAISON_DOCS", "").strip().lower() in TRUE_WORDS,
        )
        return replace(settings, **{key: value for key, value in overrides.items() if value is not None})
