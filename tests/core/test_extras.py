"""Which extras are installed, read from the distribution's own metadata."""

from __future__ import annotations

from importlib import metadata

import pytest

from liaison.core import extras

REQUIRES = [
    "flet<1.1,>=1.0.5",
    "fastapi<0.200,>=0.120; extra == 'server'",
    'psycopg[binary]<4,>=3.2; extra == "server"',
    "flet-web<1.1,>=1.0.5; extra == 'desktop'",
]


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Pretends Liaison's metadata is REQUIRES and only the names in the returned set are installed."""
    present: set[str] = {"liaison", "flet"}

    def distribution(name: str) -> object:
        if name not in present:
            raise metadata.PackageNotFoundError(name)
        return object()

    monkeypatch.setattr(metadata, "requires", lambda name: REQUIRES if name in present else None)
    monkeypatch.setattr(metadata, "distribution", distribution)
    return present


def test_the_development_environment_has_both_extras() -> None:
    assert extras.missing("server") == []
    assert extras.missing("desktop") == []


def test_an_extra_is_missing_what_its_requirements_name_and_nothing_else(installed: set[str]) -> None:
    assert extras.missing("server") == ["fastapi", "psycopg"]
    assert extras.missing("desktop") == ["flet-web"]
    installed.add("fastapi")
    assert extras.missing("server") == ["psycopg"]


def test_require_names_the_extra_to_install_in_one_line(installed: set[str]) -> None:
    with pytest.raises(extras.MissingExtra) as raised:
        extras.require("server", "liaison-server")
    assert str(raised.value) == "liaison-server needs the server extra: install 'liaison[server]' (missing fastapi, psycopg)"
    installed.update({"fastapi", "psycopg"})
    extras.require("server", "liaison-server")


def test_an_uninstalled_liaison_as_in_a_flet_bundle_is_not_refused(installed: set[str]) -> None:
    installed.discard("liaison")
    assert extras.missing("server") == []
