"""Settings: the deployment profile (`flet.toml`), then environment, then CLI flags.

IT sets company-wide defaults in `flet.toml` before a build; support or a test
overrides one value with an environment variable (`LIAISON_<NAME>`); a person
at the command line overrides both with a flag.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import tzinfo
from pathlib import Path

from liaison.core.data import shipped
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from liaison.core.rules.safety import ReportingWindow
from liaison.core.errors import LiaisonError

PROFILE_NAME = "flet.toml"
ENV_PREFIX = "LIAISON_"


@dataclass(frozen=True)
class Settings:
    server_url: str = ""
    organisation: str = "Liaison"
    auto_lock_minutes: int = 5
    sync_interval_minutes: int = 5
    ae_window_hours: int | None = 24
    ae_window_business_days: int | None = None
    timezone: str = ""
    data_dir: str = ""

    @property
    def ae_window(self) -> ReportingWindow:
        if self.ae_window_business_days is not None:
            return ReportingWindow(hours=None, business_days=self.ae_window_business_days)
        return ReportingWindow(hours=self.ae_window_hours if self.ae_window_hours is not None else 24)

    @property
    def local_tz(self) -> tzinfo | None:
        if not self.timezone:
            return None
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise LiaisonError(f"timezone: unknown time zone {self.timezone!r}") from None

    def with_overrides(self, **values: Any) -> Settings:
        """Apply CLI flags; a flag left unset (None) keeps the current value."""
        return replace(self, **{key: value for key, value in values.items() if value is not None})


def default_profile_path() -> Path:
    """The deployment profile shipped inside the device package (IT edits it before `flet build`)."""
    return shipped("liaison.device", PROFILE_NAME)


def load_settings(profile: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    environ = dict(os.environ if environ is None else environ)
    path = Path(environ.get(f"{ENV_PREFIX}PROFILE", "")) if environ.get(f"{ENV_PREFIX}PROFILE") else profile
    path = path or default_profile_path()
    values: dict[str, Any] = {}
    if path.exists():
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise LiaisonError(f"{path}: not valid TOML ({exc})") from None
        values.update(document.get("deployment", {}))
    known = {field.name: field for field in fields(Settings)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise LiaisonError(f"{path}: unknown setting {unknown[0]!r} in [deployment]")
    if "ae_window_business_days" in values and "ae_window_hours" not in values:
        values["ae_window_hours"] = None
    for name in known:
        env_value = environ.get(ENV_PREFIX + name.upper())
        if env_value is not None and env_value != "":
            values[name] = env_value
    return Settings(**{name: _coerce(name, value, known[name].type) for name, value in values.items()})


def _coerce(name: str, value: Any, annotation: Any) -> Any:
    text = str(annotation)
    if "int" in text:
        if value is None:
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise LiaisonError(f"{name}: must be a whole number, got {value!r}") from None
        if number < 0:
            raise LiaisonError(f"{name}: must not be negative")
        return number
    return str(value)
