"""The `flet build` configuration points at things that exist and asks only for what Liaison uses."""

from __future__ import annotations

import ast
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
        "android.permission.INTERNET", "android.permission.ACCESS_NETWORK_STATE", "android.permission.USE_BIOMETRIC"
    }
    assert set(FLET["ios"]["info"]) == {"NSFaceIDUsageDescription"}, "iOS refuses Face ID to an app that does not say why"
    assert "Face ID" in FLET["ios"]["info"]["NSFaceIDUsageDescription"]
    assert FLET["macos"]["entitlement"]["com.apple.security.network.client"] is True


def test_tests_and_benchmarks_stay_out_of_the_bundle() -> None:
    assert {"tests", "bench", ".ci", "recipes", "tools"} <= set(FLET["app"]["exclude"])
