"""Does the app's locked runtime closure install on a tablet?

`flet build apk|ipa` installs `[project].dependencies` with pip, wheels only, from
PyPI and Flet's mobile index. A pure-Python wheel installs anywhere; a binary
package needs a mobile build: in mobile-forge's list (`tools/mobile-binary-wheels.tsv`,
a copy of `../shared/tablet/mobile-binary-wheels.tsv`) at the locked version, or a
recipe of ours in `recipes/<name>/meta.yaml` for that version. This reads `uv.lock`,
walks the closure of `liaison` without its extras or dev groups for Android and iOS
on Python 3.14 (dependencies whose markers exclude those platforms are left out),
prints what it found, and exits 1 naming every binary package that has neither.

    uv run python tools/tablet_closure.py [--lock uv.lock] [--wheels FILE] [--recipes DIR] [--python 3.14]
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
APP = "liaison"
PYTHON = "3.14"
# (sys.platform, platform.system(), platform.machine()) of the devices `flet build` targets.
DEVICES = (("android", "Android", "aarch64"), ("android", "Android", "x86_64"), ("ios", "iOS", "arm64"))
MOBILE_INDEX = "mobile index"
RECIPE = "recipe"


class ClosureError(Exception):
    """An input this check cannot read; the message names the file."""


def normalize(name: str) -> str:
    """PEP 503's form, so "MarkupSafe", "markupsafe" and "ruamel.yaml.clib" compare as pip does."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Package:
    name: str
    version: str
    kind: str  # "pure", "binary" or "sdist only"
    platforms: set[str] = field(default_factory=set)
    source: str = ""
    problem: str = ""


@dataclass(frozen=True)
class MobileBuild:
    versions: frozenset[str]
    platforms: frozenset[str] | None  # None: the list does not say, so every target
    pythons: frozenset[str] | None


def device_environments(python: str) -> list[dict[str, str]]:
    return [
        {
            "implementation_name": "cpython",
            "implementation_version": f"{python}.0",
            "os_name": "posix",
            "platform_machine": machine,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": system,
            "platform_version": "",
            "python_full_version": f"{python}.0",
            "python_version": python,
            "sys_platform": platform,
            "extra": "",
        }
        for platform, system, machine in DEVICES
    ]


def _applies(marker: str | None, environment: Mapping[str, str], where: str) -> bool:
    if not marker:
        return True
    try:
        return Marker(marker).evaluate(dict(environment))
    except InvalidMarker as exc:
        raise ClosureError(f"{where}: unreadable marker {marker!r}") from exc


def _kind(entry: Mapping[str, Any]) -> str:
    wheels = [str(wheel.get("url") or wheel.get("path") or wheel.get("filename") or "") for wheel in entry.get("wheels", [])]
    if any(name.endswith("-none-any.whl") for name in wheels):
        return "pure"
    return "binary" if wheels else "sdist only"


def load_lock(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The lock's packages by normalized name (a forked resolution may hold several versions)."""
    try:
        lock = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ClosureError(f"{path}: cannot read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ClosureError(f"{path}: not TOML ({exc})") from exc
    packages: dict[str, list[dict[str, Any]]] = {}
    for entry in lock.get("package", []):
        packages.setdefault(normalize(entry["name"]), []).append(entry)
    if APP not in packages:
        raise ClosureError(f"{path}: no package {APP!r} in the lock")
    return packages


def _pick(packages: Mapping[str, list[dict[str, Any]]], dependency: Mapping[str, Any], environment: Mapping[str, str], where: str) -> dict[str, Any]:
    candidates = packages.get(normalize(dependency["name"]))
    if not candidates:
        raise ClosureError(f"{where}: depends on {dependency['name']!r}, which the lock does not hold")
    if "version" in dependency:
        candidates = [entry for entry in candidates if entry.get("version") == dependency["version"]] or candidates
    if len(candidates) > 1:
        candidates = [
            entry
            for entry in candidates
            if not entry.get("resolution-markers") or any(_applies(m, environment, where) for m in entry["resolution-markers"])
        ] or candidates
    return candidates[0]


def closure(packages: Mapping[str, list[dict[str, Any]]], python: str = PYTHON) -> list[Package]:
    """Every package the app installs on some target device, with the platforms that need it."""
    found: dict[tuple[str, str], Package] = {}
    root = packages[APP][0]
    for environment in device_environments(python):
        seen: set[tuple[str, str, frozenset[str]]] = set()
        pending: list[tuple[Mapping[str, Any], frozenset[str]]] = [(root, frozenset())]
        while pending:
            entry, extras = pending.pop()
            where = f"{entry['name']} {entry.get('version', '')}".strip()
            dependencies: list[Mapping[str, Any]] = list(entry.get("dependencies", []))
            for extra in extras:
                dependencies.extend(entry.get("optional-dependencies", {}).get(extra, []))
            for dependency in dependencies:
                if not _applies(dependency.get("marker"), environment, where):
                    continue
                target = _pick(packages, dependency, environment, where)
                wanted = frozenset(dependency.get("extra", []))
                key = (normalize(target["name"]), str(target.get("version", "")), wanted)
                if key in seen or normalize(target["name"]) == APP:
                    continue
                seen.add(key)
                package = found.setdefault(key[:2], Package(target["name"], key[1], _kind(target)))
                package.platforms.add(environment["sys_platform"])
                pending.append((target, wanted))
    return sorted(found.values(), key=lambda package: normalize(package.name))


def _cells(value: str) -> frozenset[str] | None:
    items = frozenset(item.strip().strip("'\"").lower() for item in value.split(",") if item.strip())
    return items or None


def load_mobile_builds(path: Path) -> dict[str, MobileBuild]:
    """mobile-forge's list: a `name` and `versions` column, optionally `platforms` and `python`."""
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    except OSError as exc:
        raise ClosureError(f"{path}: cannot read ({exc.strerror})") from exc
    if not lines:
        raise ClosureError(f"{path}: no header line")
    header = [column.strip().lower() for column in lines[0].split("\t")]
    if "name" not in header or "versions" not in header:
        raise ClosureError(f"{path}: the header needs 'name' and 'versions' columns, has {header}")
    builds: dict[str, MobileBuild] = {}
    for number, line in enumerate(lines[1:], start=2):
        row = dict(zip(header, (cell.strip() for cell in line.split("\t")), strict=False))
        if not row.get("name"):
            raise ClosureError(f"{path}: line {number}: no name")
        builds[normalize(row["name"])] = MobileBuild(
            versions=_cells(row.get("versions", "")) or frozenset(),
            platforms=_cells(row.get("platforms", "")),
            pythons=_cells(row.get("python", "")),
        )
    return builds


def load_recipes(directory: Path) -> dict[str, str]:
    """Our mobile-forge recipes: normalized package name to the version each builds."""
    recipes: dict[str, str] = {}
    for meta in sorted(directory.glob("*/meta.yaml")):
        name, version = _recipe_package(meta)
        recipes[normalize(name)] = version
    return recipes


def _recipe_package(meta: Path) -> tuple[str, str]:
    """`package.name` and `package.version` of a meta.yaml (the block at the top; no YAML library needed)."""
    values: dict[str, str] = {}
    in_package = False
    for line in meta.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            in_package = line.rstrip() == "package:"
            continue
        match = re.match(r"\s+(name|version):\s*(.+?)\s*(#.*)?$", line)
        if in_package and match:
            values[match[1]] = match[2].strip("'\"")
    if set(values) != {"name", "version"}:
        raise ClosureError(f"{meta}: needs package.name and package.version")
    return values["name"], values["version"]


def classify(packages: Iterable[Package], builds: Mapping[str, MobileBuild], recipes: Mapping[str, str], python: str = PYTHON) -> None:
    """Says where each binary package's mobile build comes from, or what is wrong."""
    for package in packages:
        if package.kind == "pure":
            package.source = "PyPI"
            continue
        name = normalize(package.name)
        if recipes.get(name) == package.version:
            package.source = RECIPE
            continue
        build = builds.get(name)
        if build is None:
            package.problem = f"recipes/{name} builds {recipes[name]}" if name in recipes else "no mobile build"
        elif package.version not in build.versions:
            package.problem = f"mobile index has {', '.join(sorted(build.versions))}"
        elif build.pythons is not None and python not in build.pythons:
            package.problem = f"mobile index has no build for Python {python}"
        elif build.platforms is not None and not package.platforms <= build.platforms:
            package.problem = f"mobile index has no build for {', '.join(sorted(package.platforms - build.platforms))}"
        else:
            package.source = MOBILE_INDEX


def table(packages: Sequence[Package]) -> Table:
    view = Table(title=f"Tablet closure of {APP} (Android and iOS, Python {PYTHON})")
    for column in ("package", "version", "kind", "source"):
        view.add_column(column)
    for package in packages:
        source = f"[red]MISSING[/red] ({package.problem})" if package.problem else package.source
        view.add_row(package.name, package.version, package.kind, source)
    return view


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check that every binary package a tablet installs has a mobile build.")
    parser.add_argument("--lock", type=Path, default=ROOT / "uv.lock")
    parser.add_argument("--wheels", type=Path, default=ROOT / "tools" / "mobile-binary-wheels.tsv", help="mobile-forge's list of binary packages")
    parser.add_argument("--recipes", type=Path, default=ROOT / "recipes")
    parser.add_argument("--python", default=PYTHON)
    options = parser.parse_args(argv)
    out = Console(highlight=False, soft_wrap=True)
    try:
        packages = closure(load_lock(options.lock), options.python)
        classify(packages, load_mobile_builds(options.wheels), load_recipes(options.recipes), options.python)
    except ClosureError as exc:
        out.print(f"error: {exc}", markup=False)
        return 2
    out.print(table(packages))
    missing = [package for package in packages if package.problem]
    binary = sum(package.kind != "pure" for package in packages)
    if missing:
        names = "; ".join(f"{package.name} {package.version} ({package.problem})" for package in missing)
        out.print(f"tablet closure: no mobile build for {names}", markup=False)
        return 1
    out.print(f"tablet closure: {len(packages)} packages, {binary} binary, each with a mobile build", markup=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
