"""The device and the server read one policy the same way, and a bad value is one line naming it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from liaison.core.errors import LiaisonError
from liaison.core.policy import DeploymentPolicy
from liaison.core.rules.safety import ReportingWindow
from liaison.device.config import Settings, load_settings
from liaison.server.settings import DEFAULT_DATABASE_URL, ServerSettings


def profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "flet.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_device_and_server_agree_on_the_window_from_one_profile_and_environment(tmp_path: Path) -> None:
    path = profile(tmp_path, '[deployment]\nserver_url = "https://it.example.org"\nae_window_business_days = 2\ntimezone = "Europe/Paris"\n')
    environ = {"LIAISON_PROFILE": str(path), "LIAISON_AE_WINDOW_BUSINESS_DAYS": "3"}
    device, server = load_settings(environ=environ), ServerSettings.from_env(environ)
    assert device.ae_window == server.ae_window == ReportingWindow(hours=None, business_days=3, holidays_country="US")
    assert str(device.local_tz) == str(server.ae_timezone) == "Europe/Paris"


def test_the_server_leaves_the_apps_own_profile_keys_alone(tmp_path: Path) -> None:
    path = profile(tmp_path, '[deployment]\nserver_url = "https://it.example.org"\nauto_lock_minutes = 3\nae_window_hours = 12\n')
    assert ServerSettings.from_env({"LIAISON_PROFILE": str(path)}).ae_window == ReportingWindow(hours=12)
    with pytest.raises(LiaisonError, match="unknown setting 'database_url'"):
        load_settings(profile(tmp_path, '[deployment]\ndatabase_url = "sqlite://"\n'), environ={})


def test_the_servers_own_settings_come_from_the_environment_and_flags() -> None:
    assert ServerSettings.from_env({}).database_url == DEFAULT_DATABASE_URL
    settings = ServerSettings.from_env({"LIAISON_DATABASE_URL": "sqlite:///elsewhere.db", "LIAISON_DOCS": "1", "LIAISON_ENROLL_CODE_MINUTES": "15"})
    assert (settings.database_url, settings.docs, settings.enroll_code_minutes) == ("sqlite:///elsewhere.db", True, 15)
    assert ServerSettings.from_env({"LIAISON_DATABASE_URL": "sqlite:///env.db"}, database_url="sqlite:///flag.db").database_url == "sqlite:///flag.db"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"LIAISON_DOCS": "perhaps"}, r"^docs: must be true or false, got 'perhaps'$"),
        ({"LIAISON_ENROLL_CODE_MINUTES": "0"}, r"^enroll_code_minutes: must be more than 0$"),
        ({"LIAISON_AE_WINDOW_HOURS": "-4"}, r"^ae_window_hours: must not be negative$"),
        ({"LIAISON_TIMEZONE": "Mars/Olympus"}, r"^timezone: unknown time zone 'Mars/Olympus'$"),
    ],
)
def test_a_bad_server_value_is_one_line_naming_it(environ: dict[str, str], message: str) -> None:
    with pytest.raises(LiaisonError, match=message):
        ServerSettings.from_env(environ)


def test_a_bad_device_value_from_the_profile_is_one_line_naming_it(tmp_path: Path) -> None:
    with pytest.raises(LiaisonError, match=r"^sync_interval_minutes: must not be negative$"):
        load_settings(profile(tmp_path, "[deployment]\nsync_interval_minutes = -1\n"), environ={})


def test_a_model_built_in_code_holds_only_what_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_AUTO_LOCK_MINUTES", "1")
    monkeypatch.setenv("LIAISON_AE_WINDOW_HOURS", "2")
    assert Settings().auto_lock_minutes == 5 and DeploymentPolicy().ae_window == ReportingWindow(hours=24)
    assert load_settings().auto_lock_minutes == 1, "load() is where the environment comes in"


def test_the_server_settings_import_nothing_of_the_device() -> None:
    probe = (
        "import sys, liaison.server.settings as s; s.ServerSettings.from_env({}); "
        "print(sorted(m for m in sys.modules if m.startswith('liaison.device')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_business_days_skip_the_holidays_of_the_configured_country_us_unless_set() -> None:
    assert load_settings(environ={"LIAISON_AE_WINDOW_BUSINESS_DAYS": "1"}).ae_window.holidays_country == "US"
    german = ServerSettings.from_env({"LIAISON_AE_WINDOW_BUSINESS_DAYS": "1", "LIAISON_HOLIDAYS_COUNTRY": "de"})
    assert german.ae_window == ReportingWindow(hours=None, business_days=1, holidays_country="DE")
    assert DeploymentPolicy(ae_window_business_days=1, holidays_country="").ae_window.holidays_country is None, "empty: weekends only"


@pytest.mark.parametrize("load", [load_settings, ServerSettings.from_env])
def test_an_unknown_holidays_country_is_one_line_naming_it(load) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LiaisonError, match=r"^holidays_country: unknown country 'XX'; give an ISO 3166 code such as US, DE or FR$"):
        load(environ={"LIAISON_AE_WINDOW_BUSINESS_DAYS": "1", "LIAISON_HOLIDAYS_COUNTRY": "XX"})


def test_an_hour_window_never_loads_the_holiday_calendars() -> None:
    probe = "import sys; from liaison.device.config import load_settings; load_settings(environ={}); print('holidays' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "False"
