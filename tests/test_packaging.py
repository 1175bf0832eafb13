"""The `flet build` configuration points at things that exist and asks only for what Liaison uses."""

from __future__ import annotations

import ast
import re
import struct
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLET = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["flet"]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_bundle_is_named_and_identified() -> None:
    assert FLET["product"] == "Liaison"
    assert FLET["bundle_id"].startswith(FLET["org"] + ".")


def test_the_entry_module_exists_and_starts_the_app() -> None:
    module = ROOT / FLET["app"]["path"] / f"{FLET['app']['module']}.py"
    calls = {node.func.id for node in ast.walk(ast.parse(module.read_text())) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert "launch" in calls


def test_icons_and_splash_are_large_enough_for_every_store() -> None:
    assert min(png_size(ROOT / "assets" / "icon.png")) >= 1024  # iOS and macOS ask for 1024 px
    assert min(png_size(ROOT / "assets" / "splash.png")) >= 256


def test_only_network_and_biometric_permissions_are_requested() -> None:
    assert FLET["permissions"] == []
    assert {name for name, wanted in FLET["android"]["permission"].items() if wanted} == {
        "android.permission.INTERNET",
        "android.permission.ACCESS_NETWORK_STATE",
        "android.permission.USE_BIOMETRIC",
    }
    assert set(FLET["ios"]["info"]) == {"NSFaceIDUsageDescription"}, "iOS refuses Face ID to an app that does not say why"
    assert "Face ID" in FLET["ios"]["info"]["NSFaceIDUsageDescription"]
    assert FLET["macos"]["entitlement"]["com.apple.security.network.client"] is True


def test_tests_and_benchmarks_stay_out_of_the_bundle() -> None:
    assert {"tests", "bench", ".ci", "recipes", "tools"} <= set(FLET["app"]["exclude"])


def test_the_bundle_leaves_out_the_server_and_the_repos_own_files() -> None:
    assert {"liaison/server", ".git", "docs", "dist", "uv.lock"} <= set(FLET["app"]["exclude"])


def module_level_imports(path: Path) -> set[str]:
    """What a module imports when it is imported (not inside its functions)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_nothing_a_device_runs_imports_the_server_when_loaded() -> None:
    """So leaving `liaison/server` out of the bundle is safe (only `--demo`, on desktops, imports it, lazily)."""
    modules = [ROOT / "main.py", *(ROOT / "liaison" / "device").rglob("*.py"), *(ROOT / "liaison" / "core").rglob("*.py")]
    offenders = {
        path.relative_to(ROOT).as_posix()
        for path in modules
        if any(name == "liaison.server" or name.startswith("liaison.server.") for name in module_level_imports(path))
    }
    assert offenders == set()


def test_flet_build_installs_no_server_and_no_web_server() -> None:
    """`flet build` installs `[project].dependencies` only; the server and Flet's web server are extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0].lower() for requirement in project["dependencies"]}
    assert not names & {"fastapi", "uvicorn", "psycopg", "psycopg-binary", "jinja2", "argon2-cffi", "flet-web"}
    assert {"fastapi", "uvicorn"} <= {re.split(r"[\[<>=!~;\s]", r, maxsplit=1)[0] for r in project["optional-dependencies"]["server"]}
    assert any(requirement.startswith("flet-web") for requirement in project["optional-dependencies"]["desktop"])
