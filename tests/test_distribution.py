"""A wheel built from the repo works once installed, with and without the server extra.

Each fresh virtual environment gets the wheel and the locked versions of what it
needs (`uv export`), so nothing outside the wheel (the repo, its `.venv`) is on the path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UV = os.environ.get("UV") or shutil.which("uv")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(UV is None, reason="needs uv to build and install the wheel")]


def uv(*args: str | Path, cwd: Path = ROOT) -> str:
    result = subprocess.run([str(UV), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"uv {' '.join(map(str, args))} failed: {result.stderr[-2000:]}"
    return result.stdout


@dataclass
class Installed:
    """A virtual environment holding the wheel; runs its scripts from a directory outside the repo."""

    venv: Path
    home: Path

    def run(self, script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        clean = {key: value for key, value in os.environ.items() if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}}
        return subprocess.run(
            [str(self.venv / "bin" / script), *args], cwd=self.home, capture_output=True, text=True, timeout=60, env={**clean, **(env or {})}
        )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    uv("build", "--wheel", "--out-dir", out)
    (built,) = out.glob("liaison-*.whl")
    return built


def install(tmp_path_factory: pytest.TempPathFactory, wheel: Path, extras: Sequence[str]) -> Installed:
    place = tmp_path_factory.mktemp("venv")
    venv = place / "venv"
    uv("venv", "--quiet", venv)
    locked = place / "requirements.txt"
    uv("export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--quiet", *(f"--extra={extra}" for extra in extras), "-o", locked)
    target = f"{wheel}[{','.join(extras)}]" if extras else str(wheel)
    uv("pip", "install", "--quiet", "--python", venv / "bin" / "python", "-r", locked, target)
    home = place / "home"
    home.mkdir()
    return Installed(venv, home)


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Installed:
    return install(tmp_path_factory, wheel, ())


@pytest.fixture(scope="module")
def with_server(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Installed:
    return install(tmp_path_factory, wheel, ("server",))


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_the_wheel_carries_the_data_files_and_migrations_and_not_the_repo(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "liaison/core/data/compliance/promotional_rules.toml",
        "liaison/core/data/taxonomy/insight_themes.json",
        "liaison/core/data/medical_plan/example_plan.json",
        "liaison/server/web/templates/sections/medical-plan.html",
        "liaison/device/flet.toml",
        "liaison/device/data/identifiers/given_names.txt",
        "liaison/device/store/migrations/versions/0001_initial_schema.py",
        "liaison/server/migrations/versions/0001_initial_server_schema.py",
        "liaison/device/assets/fonts/NotoSansArabic-Regular.ttf",
        "liaison/device/assets/fonts/OFL.txt",
    } <= names
    assert not {name.split("/")[0] for name in names} & {"tests", "bench", "tools", "recipes", "docs", "assets"}


def test_the_installed_package_is_the_wheel_not_the_repo(bare: Installed) -> None:
    where = bare.run("python", "-c", "import liaison; print(liaison.__file__)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(bare.venv)


def test_check_text_finds_its_shipped_rules(bare: Installed) -> None:
    flagged = bare.run("liaison", "check-text", "Our drug is the best treatment for this.")
    assert flagged.returncode == 1, flagged.stdout + flagged.stderr
    assert "SUP-001" in flagged.stdout
    assert bare.run("liaison", "check-text", "The HCP asked about the ZEN-301 dosing schedule.").returncode == 0


def test_a_store_is_created_with_the_shipped_migrations(bare: Installed) -> None:
    data = bare.home / "store"
    created = bare.run("liaison", "init", env={"LIAISON_DATA_DIR": str(data), "LIAISON_PASSPHRASE": "correct horse battery staple"})
    assert created.returncode == 0, created.stdout + created.stderr
    listed = bare.run("liaison", "hcp", "list", env={"LIAISON_DATA_DIR": str(data), "LIAISON_PASSPHRASE": "correct horse battery staple"})
    assert listed.returncode == 0, listed.stdout + listed.stderr


def test_without_the_server_extra_liaison_server_says_what_to_install(bare: Installed) -> None:
    line = one_line_error(bare.run("liaison-server", "--help"))
    assert "liaison[server]" in line


def test_without_the_extras_demo_and_web_say_what_to_install(bare: Installed) -> None:
    assert "liaison[server]" in one_line_error(bare.run("liaison", "--demo"))
    assert "liaison[desktop]" in one_line_error(bare.run("liaison", "--web"))


def test_with_the_server_extra_liaison_server_runs(with_server: Installed) -> None:
    helped = with_server.run("liaison-server", "--help")
    assert helped.returncode == 0, helped.stdout + helped.stderr
    assert "serve" in helped.stdout
