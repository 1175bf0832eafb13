"""`tools/tablet_closure.py`: the locked closure a tablet installs has a mobile build for every binary package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "uv.lock"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tablet_closure", ROOT / "tools" / "tablet_closure.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


tool = load_tool()

WHEELS = "name\tversions\ncryptography\t43.0.1,48.0.0\npydantic-core\t2.47.0\n"


def wheel(name: str, version: str, tag: str) -> str:
    return f'{{ url = "https://files.example/{name.replace("-", "_")}-{version}-{tag}.whl" }}'


def package(name: str, version: str, *, wheels: list[str], dependencies: str = "", extra: str = "") -> str:
    return (
        f'[[package]]\nname = "{name}"\nversion = "{version}"\nsource = {{ registry = "https://pypi.org/simple" }}\n'
        f"dependencies = [{dependencies}]\nwheels = [{', '.join(wheels)}]\n{extra}\n"
    )


def small_lock(dependencies: str, *packages: str) -> str:
    """A lock whose app depends on `dependencies`, with the given packages."""
    app = (
        '[[package]]\nname = "liaison"\nversion = "0.1.0"\nsource = { editable = "." }\n'
        f"dependencies = [{dependencies}]\n\n"
        '[package.optional-dependencies]\nserver = [{ name = "uvloop" }]\n\n'
        '[package.dev-dependencies]\ndev = [{ name = "uvloop" }]\n\n'
    )
    return 'version = 1\nrequires-python = ">=3.11"\n\n' + app + "\n".join(packages)


PURE = package("uuid6", "2025.0.1", wheels=[wheel("uuid6", "2025.0.1", "py3-none-any")])
UVLOOP = package("uvloop", "0.23.0", wheels=[wheel("uvloop", "0.23.0", "cp314-cp314-manylinux_2_28_x86_64")])
PYWIN32 = package("pywin32", "311", wheels=[wheel("pywin32", "311", "cp314-cp314-win_amd64")])
CORE = package("pydantic-core", "2.47.0", wheels=[wheel("pydantic-core", "2.47.0", "cp314-cp314-manylinux_2_28_x86_64")])


def check(
    tmp_path: Path, lock: str, capsys: pytest.CaptureFixture[str], *, wheels: str = WHEELS, recipes: dict[str, str] | None = None
) -> tuple[int, str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "uv.lock").write_text(lock)
    (tmp_path / "wheels.tsv").write_text(wheels)
    for name, version in (recipes or {}).items():
        (tmp_path / "recipes" / name).mkdir(parents=True)
        (tmp_path / "recipes" / name / "meta.yaml").write_text(f'package:\n  name: {name}\n  version: "{version}"\n\nbuild:\n  number: 1\n')
    (tmp_path / "recipes").mkdir(exist_ok=True)
    code = tool.main(["--lock", str(tmp_path / "uv.lock"), "--wheels", str(tmp_path / "wheels.tsv"), "--recipes", str(tmp_path / "recipes")])
    lines = capsys.readouterr().out.strip().splitlines()
    return code, lines[-1]


def test_the_repos_lock_passes_against_the_mobile_list_and_the_recipes(capsys: pytest.CaptureFixture[str]) -> None:
    assert tool.main([]) == 0
    out = capsys.readouterr().out
    assert "each with a mobile build" in out.splitlines()[-1]
    assert any("sqlcipher3" in line and "recipe" in line for line in out.splitlines())


def test_the_tablet_closure_holds_neither_the_server_nor_flets_web_server() -> None:
    names = {tool.normalize(package.name) for package in tool.closure(tool.load_lock(LOCK))}
    assert {"flet", "sqlcipher3", "cryptography", "pydantic-core"} <= names
    assert not names & {
        "fastapi",
        "uvicorn",
        "psycopg",
        "psycopg-binary",
        "jinja2",
        "argon2-cffi",
        "flet-web",
        "uvloop",
        "httptools",
        "watchfiles",
        "pytest",
        "playwright",
    }


def test_a_binary_package_without_a_mobile_build_fails_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, summary = check(tmp_path, small_lock('{ name = "uuid6" }, { name = "uvloop" }', PURE, UVLOOP), capsys)
    assert code == 1
    assert "uvloop 0.23.0" in summary and "uuid6" not in summary


def test_a_binary_version_the_mobile_list_lacks_fails_naming_both_versions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = LOCK.read_text().replace('name = "pydantic-core"\nversion = "2.47.0"', 'name = "pydantic-core"\nversion = "2.50.5"')
    assert "2.50.5" in lock
    code, summary = check(tmp_path, lock, capsys, recipes={"sqlcipher3": "0.6.4"})
    assert code == 1
    assert "pydantic-core 2.50.5" in summary and "2.47.0" in summary


def test_extras_dev_groups_and_other_platforms_dependencies_are_not_the_tablets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = small_lock('{ name = "uuid6" }, { name = "pywin32", marker = "sys_platform == \'win32\'" }', PURE, UVLOOP, PYWIN32)
    code, summary = check(tmp_path, lock, capsys)
    assert code == 0, summary


def test_a_dependency_only_ios_needs_is_still_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = small_lock('{ name = "uvloop", marker = "sys_platform == \'ios\'" }', UVLOOP)
    code, summary = check(tmp_path, lock, capsys)
    assert code == 1 and "uvloop" in summary


def test_a_dependencys_extra_brings_its_own_dependencies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = package(
        "uvicorn",
        "0.54.0",
        wheels=[wheel("uvicorn", "0.54.0", "py3-none-any")],
        extra='[package.optional-dependencies]\nstandard = [{ name = "uvloop" }]',
    )
    assert check(tmp_path / "plain", small_lock('{ name = "uvicorn" }', server, UVLOOP), capsys)[0] == 0
    code, summary = check(tmp_path / "standard", small_lock('{ name = "uvicorn", extra = ["standard"] }', server, UVLOOP), capsys)
    assert code == 1 and "uvloop" in summary


@pytest.mark.parametrize(("recipe", "ok"), [("0.6.4", True), ("0.6.3", False)])
def test_a_recipe_counts_only_for_the_version_it_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str], recipe: str, ok: bool) -> None:
    cipher = package("sqlcipher3", "0.6.4", wheels=[wheel("sqlcipher3", "0.6.4", "cp314-cp314-manylinux_2_28_x86_64")])
    code, summary = check(tmp_path, small_lock('{ name = "sqlcipher3" }', cipher), capsys, recipes={"sqlcipher3": recipe})
    assert (code == 0) is ok, summary
    if not ok:
        assert "sqlcipher3 0.6.4" in summary and "0.6.3" in summary


def test_a_package_with_no_wheel_at_all_needs_a_mobile_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sdist_only = package("repath", "0.9.0", wheels=[])
    code, summary = check(tmp_path, small_lock('{ name = "repath" }', sdist_only), capsys)
    assert code == 1 and "repath" in summary


def test_platform_and_python_columns_are_honoured_when_the_list_has_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = small_lock('{ name = "pydantic-core" }', CORE)
    both = "name\tversions\tplatforms\tpython\npydantic-core\t2.47.0\tandroid,ios\t3.13,3.14\n"
    android = "name\tversions\tplatforms\tpython\npydantic-core\t2.47.0\tandroid\t3.14\n"
    older = "name\tversions\tplatforms\tpython\npydantic-core\t2.47.0\tandroid,ios\t3.12,3.13\n"
    assert check(tmp_path / "both", lock, capsys, wheels=both)[0] == 0
    code, summary = check(tmp_path / "android", lock, capsys, wheels=android)
    assert code == 1 and "ios" in summary
    code, summary = check(tmp_path / "older", lock, capsys, wheels=older)
    assert code == 1 and "3.14" in summary


def test_an_unreadable_lock_is_one_line_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = check(tmp_path, "this is [not toml", capsys)
    assert code == 2
    assert line.startswith("error: ") and "uv.lock" in line


SHARED_LIST = ROOT.parent / "shared" / "tablet" / "mobile-binary-wheels.tsv"


@pytest.mark.skipif(not SHARED_LIST.exists(), reason="no ../shared/tablet beside the project (only on the team's machines)")
def test_the_vendored_mobile_list_is_the_shared_one() -> None:
    vendored = (ROOT / "tools" / "mobile-binary-wheels.tsv").read_text(encoding="utf-8").splitlines()
    assert sorted(vendored) == sorted(SHARED_LIST.read_text(encoding="utf-8").splitlines()), (
        "tools/mobile-binary-wheels.tsv drifted from ../shared/tablet/mobile-binary-wheels.tsv: copy it again"
    )
