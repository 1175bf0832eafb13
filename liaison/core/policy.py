"""Settings read the Liaison way, and the policy the device and the server must agree on.

IT sets company-wide values in the deployment profile (`flet.toml`'s
`[deployment]` table) before a build; support or a test overrides one value
with an environment variable (`LIAISON_<NAME>`); a person at the command line
overrides both with a flag. The adverse-event reporting window and the calendar
its business days are counted in are shared: the server reads them exactly as
the device does, so it judges deadlines by the policy the devices count down
to, never by what a device says. Business days skip the public holidays of
`holidays_country` (`LIAISON_HOLIDAYS_COUNTRY`, US unless set).

A bad value stops the program with one line naming the setting.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path
from typing import Any, ClassVar, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import NonNegativeInt, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from liaison.core.data import shipped
from liaison.core.errors import LiaisonError
from liaison.core.rules.safety import ReportingWindow, check_country

PROFILE_NAME = "flet.toml"
PROFILE_TABLE = "deployment"
ENV_PREFIX = "LIAISON_"
PROFILE_ENV = f"{ENV_PREFIX}PROFILE"
WHOLE_NUMBER_ERRORS = frozenset({"int_parsing", "int_type", "int_from_float"})


def shipped_profile() -> Path:
    """The deployment profile bundled with the app (IT edits it before `flet build`).

    It lives in the device package, as it is the app's profile; it is found by path
    from the package root so that the server reading it imports nothing of the device.
    """
    return shipped("liaison", "device", PROFILE_NAME)


class EnvironSource(EnvSettingsSource):
    """The `LIAISON_*` variables of a given environment: `os.environ`, or the mapping a test passes."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {
            (key if self.case_sensitive else key.lower()): value
            for key, value in self._environ.items()
            if not (self.env_ignore_empty and value == "")
        }


class ProfileSettings(BaseSettings):
    """A settings model filled from the profile, then the environment, then flags (`load`).

    Constructed directly it holds exactly what it is given, so code and tests can
    build one without the machine's environment leaking in.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, extra="forbid", frozen=True, coerce_numbers_to_str=True)

    owns_profile: ClassVar[bool] = True
    """True: every key of `[deployment]` must be one of this model's settings (the device's own profile).
    False: the model takes its own keys and leaves the rest to the app (the server)."""

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise LiaisonError(one_line(exc)) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)

    @classmethod
    def load(cls, profile: Path | None = None, environ: Mapping[str, str] | None = None, **flags: Any) -> Self:
        """The settings from the profile (`LIAISON_PROFILE`, else `profile`, else the shipped one), the environment, then `flags`."""
        environ = os.environ if environ is None else environ
        path = Path(environ[PROFILE_ENV]) if environ.get(PROFILE_ENV) else profile or shipped_profile()
        values = cls._from_profile(path)
        values.update(EnvironSource(cls, environ)())
        values.update({name: value for name, value in flags.items() if value is not None})
        return cls(**values)

    @classmethod
    def _from_profile(cls, path: Path) -> dict[str, Any]:
        if not path.exists():
            return {}
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise LiaisonError(f"{path}: not valid TOML ({exc})") from None
        table = dict(document.get(PROFILE_TABLE, {}))
        unknown = sorted(set(table) - set(cls.model_fields))
        if unknown and cls.owns_profile:
            raise LiaisonError(f"{path}: unknown setting {unknown[0]!r} in [{PROFILE_TABLE}]")
        return {name: value for name, value in table.items() if name in cls.model_fields}

    def with_overrides(self, **values: Any) -> Self:
        """Apply CLI flags; a flag left unset (None) keeps the current value."""
        return type(self)(**{**self.model_dump(), **{name: value for name, value in values.items() if value is not None}})


class DeploymentPolicy(ProfileSettings):
    """What the device and the server must agree on: the adverse-event reporting window and its calendar."""

    ae_window_hours: NonNegativeInt | None = 24
    ae_window_business_days: NonNegativeInt | None = None
    timezone: str = ""
    """IANA zone whose calendar counts business days; empty means the device's own (UTC on the server)."""
    holidays_country: str = "US"
    """ISO 3166 code of the country whose public holidays are not business days; empty: only weekends are off.
    Must be declared after `ae_window_business_days`, which its check reads."""

    @model_validator(mode="before")
    @classmethod
    def _business_days_replace_hours(cls, data: Any) -> Any:
        """Setting a business-day window without hours means no hour window, not the default 24."""
        if isinstance(data, dict) and data.get("ae_window_business_days") is not None and "ae_window_hours" not in data:
            return {**data, "ae_window_hours": None}
        return data

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("holidays_country")
    @classmethod
    def _known_country(cls, value: str, info: ValidationInfo) -> str:
        """Checked when a business-day window uses it: loading the calendars costs start-up time an hour window never needs."""
        code = value.strip().upper()
        if code and info.data.get("ae_window_business_days") is not None:
            check_country(code)
        return code

    @property
    def ae_window(self) -> ReportingWindow:
        if self.ae_window_business_days is not None:
            return ReportingWindow(hours=None, business_days=self.ae_window_business_days, holidays_country=self.holidays_country or None)
        return ReportingWindow(hours=self.ae_window_hours if self.ae_window_hours is not None else 24)

    @property
    def local_tz(self) -> tzinfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None


def one_line(exc: ValidationError) -> str:
    """The first problem, as `setting: what is wrong`."""
    error = exc.errors()[0]
    name = ".".join(str(part) for part in error["loc"]) or "settings"
    return f"{name}: {_reason(error)}"


def _reason(error: ErrorDetails) -> str:
    kind, context = error["type"], error.get("ctx", {})
    if kind in WHOLE_NUMBER_ERRORS:
        return f"must be a whole number, got {error['input']!r}"
    if kind == "greater_than_equal":
        return "must not be negative" if context.get("ge") == 0 else f"must be at least {context.get('ge')}"
    if kind == "greater_than":
        return f"must be more than {context.get('gt')}"
    if kind in {"bool_parsing", "bool_type"}:
        return f"must be true or false, got {error['input']!r}"
    if kind == "extra_forbidden":
        return "unknown setting"
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    return error["msg"]
