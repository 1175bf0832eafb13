"""Settings come from the deployment profile, then the environment, then CLI flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.core.errors import LiaisonError
from liaison.device.config import Settings, load_settings


def profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "flet.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_shipped_profile_loads() -> None:
    settings = load_settings(environ={})
    assert settings.auto_lock_minutes > 0 and settings.ae_window.hours == 24


def test_environment_overrides_the_profile_and_flags_override_both(tmp_path: Path) -> None:
    path = profile(tmp_path, '[deployment]\nserver_url = "https://it.example.org"\nauto_lock_minutes = 10\n')
    settings = load_settings(path, environ={"LIAISON_AUTO_LOCK_MINUTES": "3"})
    assert (settings.server_url, settings.auto_lock_minutes) == ("https://it.example.org", 3)
    assert settings.with_overrides(auto_lock_minutes=1, server_url=None).auto_lock_minutes == 1


def test_business_day_window_from_the_profile(tmp_path: Path) -> None:
    settings = load_settings(profile(tmp_path, "[deployment]\nae_window_business_days = 1\n"), environ={})
    assert settings.ae_window.business_days == 1 and settings.ae_window.hours is None


@pytest.mark.parametrize(
    ("body", "environ", "message"),
    [
        ("[deployment]\ncolour = 'blue'\n", {}, "unknown setting 'colour'"),
        ("[deployment\n", {}, "not valid TOML"),
        ("", {"LIAISON_AUTO_LOCK_MINUTES": "soon"}, "auto_lock_minutes: must be a whole number"),
    ],
)
def test_bad_settings_name_the_setting(tmp_path: Path, body: str, environ: dict, message: str) -> None:
    with pytest.raises(LiaisonError, match=message):
        load_settings(profile(tmp_path, body), environ=environ)


def test_an_unknown_time_zone_is_named() -> None:
    with pytest.raises(LiaisonError, match="timezone"):
        _ = Settings(timezone="Mars/Olympus").local_tz
