"""Server settings: flags, then LIAISON_* environment, then defaults (an SQLite file beside the cwd).

`LIAISON_DATABASE_URL`, `LIAISON_ENROLL_CODE_MINUTES` and `LIAISON_DOCS` are the
server's own. The adverse-event reporting window is the app's policy
(`liaison.core.policy.DeploymentPolicy`), read the same way the devices read it:
the deployment profile's `[deployment]`, overridden by `LIAISON_AE_WINDOW_HOURS`,
`LIAISON_AE_WINDOW_BUSINESS_DAYS` and `LIAISON_TIMEZONE`, so the server judges
deadlines by the policy the devices count down to, never by what a device says.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, tzinfo
from typing import Any, ClassVar

from pydantic import PositiveInt

from liaison.core.policy import DeploymentPolicy

DEFAULT_DATABASE_URL = "sqlite:///liaison-server.db"


class ServerSettings(DeploymentPolicy):
    owns_profile: ClassVar[bool] = False
    """The profile is the app's: the server takes the policy from it and leaves the app's own keys alone."""

    database_url: str = DEFAULT_DATABASE_URL
    enroll_code_minutes: PositiveInt = 60
    """How long a one-time enrolment code stays valid."""
    docs: bool = False
    """Serve the OpenAPI docs at /docs (Swagger UI, which loads from a CDN): for development only."""

    @property
    def ae_timezone(self) -> tzinfo:
        """The calendar business-day windows are counted in (the `timezone` setting; UTC when unset)."""
        return self.local_tz or UTC

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ServerSettings:
        return cls.load(environ=environ, **overrides)
