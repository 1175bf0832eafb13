"""The app's settings: the deployment profile (`flet.toml`), then environment, then CLI flags.

The reading rules and the adverse-event policy shared with the server live in
`liaison.core.policy`; this adds what only a device needs. The profile is this
package's own, so a key in `[deployment]` that is not a setting here is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import NonNegativeInt

from liaison.core.policy import DeploymentPolicy, shipped_profile


class Settings(DeploymentPolicy):
    server_url: str = ""
    organisation: str = "Liaison"
    auto_lock_minutes: NonNegativeInt = 5
    sync_interval_minutes: NonNegativeInt = 5
    data_dir: str = ""


def default_profile_path() -> Path:
    """The deployment profile shipped inside the device package (IT edits it before `flet build`)."""
    return shipped_profile()


def load_settings(profile: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    return Settings.load(profile, environ)
