"""Data files the rules read (guard rules, insight themes), shipped inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped(package: str, *parts: str) -> Path:
    """The path of a data file inside `package`.

    Wheels and `flet build` bundles install packages as plain directories, so the
    resource is a real file whose modification time the rule caches can watch.
    """
    resource = resources.files(package).joinpath(*parts)
    if not isinstance(resource, Path):
        raise RuntimeError(f"{package}: installed as an archive; Liaison needs its package unpacked")
    return resource
