"""Which optional parts of the distribution are installed, so what needs one says so in a line.

A tablet installs `liaison` alone; the central server (`liaison[server]`) and Flet's
web server for `--web` (`liaison[desktop]`) are extras. The installed distribution's
own metadata says which requirements each extra adds, so the check is the one pip made.
"""

from __future__ import annotations

import re
from importlib import metadata

from liaison.core.errors import LiaisonError

DISTRIBUTION = "liaison"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class MissingExtra(LiaisonError):
    """A command needs an extra that is not installed."""


def missing(extra: str) -> list[str]:
    """The requirements of `extra` that are not installed (none when Liaison runs uninstalled, as in a `flet build` bundle)."""
    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return []
    marker = re.compile(rf"""extra\s*==\s*["']{re.escape(extra)}["']""")
    absent = []
    for requirement in requirements:
        name = _NAME.match(requirement)
        if name is None or not marker.search(requirement):
            continue
        try:
            metadata.distribution(name[0])
        except metadata.PackageNotFoundError:
            absent.append(name[0])
    return absent


def require(extra: str, purpose: str) -> None:
    """Raises MissingExtra, naming the install command, when `extra` is not (fully) installed."""
    absent = missing(extra)
    if absent:
        raise MissingExtra(f"{purpose} needs the {extra} extra: install 'liaison[{extra}]' (missing {', '.join(absent)})")
