"""The insight-theme taxonomy: themes shared by every therapeutic area, and each area's own.

It is data, so medical affairs can revise it without code: the app ships one in
`core/data/taxonomy` and the server publishes newer versions, which reach every device as
a synced `insight_taxonomy` record. Each theme carries keywords and phrases that
help the app suggest it from what the MSL types.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from liaison.core.data import shipped
from liaison.core.errors import LiaisonError

THEMES_FILE = shipped("liaison.core.data", "taxonomy", "insight_themes.json")
FORMAT = "liaison-insight-taxonomy/1"
THEME_ID = re.compile(r"^[a-z][a-z0-9_]{1,79}$")
"""Stored in `Insight.theme` (80 characters) and read in exports, so plain and stable."""


class TaxonomyError(LiaisonError):
    """A taxonomy file that breaks a rule; the one line names the theme or area and the field."""


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    keywords: tuple[str, ...] = ()
    area: str | None = None
    """The therapeutic area's id, or None for a theme every area shares."""


@dataclass(frozen=True)
class Area:
    id: str
    label: str
    aliases: tuple[str, ...]
    themes: tuple[Theme, ...]

    def names(self) -> frozenset[str]:
        return frozenset(_plain(name) for name in (self.id, self.label, *self.aliases))


@dataclass(frozen=True)
class Taxonomy:
    version: int
    shared: tuple[Theme, ...]
    areas: tuple[Area, ...]

    @property
    def themes(self) -> tuple[Theme, ...]:
        """Every theme: the shared ones first, then each area's."""
        return self.shared + tuple(theme for area in self.areas for theme in area.themes)

    def area_of(self, therapeutic_area: str | None) -> Area | None:
        """The area an insight's free-text therapeutic area names ("Oncology", "haematology", …), if any."""
        if not therapeutic_area:
            return None
        wanted = _plain(therapeutic_area)
        return next((area for area in self.areas if wanted in area.names()), None)

    def themes_for(self, therapeutic_area: str | None) -> tuple[Theme, ...]:
        """The shared themes plus the area's own; every theme when the area is unknown."""
        area = self.area_of(therapeutic_area)
        return self.shared + area.themes if area else self.themes

    def theme(self, theme_id: str | None) -> Theme | None:
        return next((theme for theme in self.themes if theme.id == theme_id), None)

    def label(self, theme_id: str | None) -> str:
        """The label a person reads; ids this version does not know (older or newer) are shown as they are."""
        theme = self.theme(theme_id)
        return theme.label if theme else theme_id or "Unthemed"

    def option_text(self, theme: Theme) -> str:
        """How a theme reads in a list of every theme: area themes carry their area's name."""
        area = next((area for area in self.areas if area.id == theme.area), None)
        return f"{area.label} · {theme.label}" if area else theme.label


def parse(document: Any) -> Taxonomy:
    """Check a taxonomy document and build it; the first problem is raised as one line naming where."""
    if not isinstance(document, Mapping):
        raise TaxonomyError("taxonomy: must be a JSON object")
    if document.get("format", FORMAT) != FORMAT:
        raise TaxonomyError(f"format: must be {FORMAT!r}")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TaxonomyError("version: must be a whole number of 1 or more")
    seen: set[str] = set()
    shared = _themes(document.get("shared_themes", []), "shared_themes", None, seen)
    raw_areas = document.get("therapeutic_areas", [])
    if not isinstance(raw_areas, list):
        raise TaxonomyError("therapeutic_areas: must be a list")
    areas: list[Area] = []
    area_ids: set[str] = set()
    for number, raw in enumerate(raw_areas, start=1):
        where = f"therapeutic area {raw.get('id') if isinstance(raw, Mapping) and raw.get('id') else f'#{number}'}"
        if not isinstance(raw, Mapping):
            raise TaxonomyError(f"{where}: must be an object with id, label and themes")
        area_id = _identifier(raw.get("id"), where)
        if area_id in area_ids:
            raise TaxonomyError(f"{where}: id: appears twice")
        area_ids.add(area_id)
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(alias, str) and alias.strip() for alias in aliases):
            raise TaxonomyError(f"{where}: aliases: must be a list of names")
        themes = _themes(raw.get("themes"), f"{where}: themes", area_id, seen)
        areas.append(Area(id=area_id, label=_label(raw.get("label"), where), aliases=tuple(aliases), themes=themes))
    if not shared and not any(area.themes for area in areas):
        raise TaxonomyError("themes: the taxonomy has no themes")
    return Taxonomy(version=version, shared=shared, areas=tuple(areas))


def _themes(raw: Any, where: str, area: str | None, seen: set[str]) -> tuple[Theme, ...]:
    if not isinstance(raw, list):
        raise TaxonomyError(f"{where}: must be a list of themes")
    themes = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            raise TaxonomyError(f"{where}: theme #{number}: must be an object with id, label and keywords")
        theme_where = f"theme {item.get('id')}" if isinstance(item.get("id"), str) and item.get("id") else f"{where}: theme #{number}"
        theme_id = _identifier(item.get("id"), theme_where)
        if theme_id in seen:
            raise TaxonomyError(f"{theme_where}: id: appears twice; theme ids must be unique across the taxonomy")
        seen.add(theme_id)
        keywords = item.get("keywords")
        if not isinstance(keywords, list) or not keywords:
            raise TaxonomyError(f"{theme_where}: keywords: must be a non-empty list of words or phrases")
        if not all(isinstance(keyword, str) and keyword.strip() for keyword in keywords):
            raise TaxonomyError(f"{theme_where}: keywords: every keyword must be a non-blank phrase")
        themes.append(Theme(id=theme_id, label=_label(item.get("label"), theme_where), keywords=tuple(k.strip() for k in keywords), area=area))
    return tuple(themes)


def _identifier(value: Any, where: str) -> str:
    if not isinstance(value, str) or not THEME_ID.match(value):
        raise TaxonomyError(f"{where}: id: must be lower-case letters, digits and underscores, 2 to 80 long")
    return value


def _label(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 120:
        raise TaxonomyError(f"{where}: label: must be text of 1 to 120 characters")
    return value.strip()


def _plain(name: str) -> str:
    return " ".join(name.lower().replace("’", "'").replace("-", " ").replace("_", " ").split())


def load(path: Path) -> tuple[Taxonomy, dict[str, Any]]:
    """A taxonomy file, checked; returns it with the document as read (what gets published)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TaxonomyError(f"{path}: not valid JSON ({exc})") from None
    return parse(document), document


@cache
def bundled() -> Taxonomy:
    """The taxonomy shipped in `core/data`: what the app uses until the server publishes a newer one."""
    return load(THEMES_FILE)[0]


def newest(published: Mapping[str, Any] | None) -> Taxonomy:
    """The newer of a published taxonomy and the bundled one; a published one this app cannot read is passed over."""
    shipped = bundled()
    if published is None:
        return shipped
    try:
        taxonomy = parse(published)
    except TaxonomyError:
        return shipped
    return taxonomy if taxonomy.version >= shipped.version else shipped


def insight_themes() -> tuple[Theme, ...]:
    """Every theme of the bundled taxonomy."""
    return bundled().themes


def theme_label(theme_id: str | None, taxonomy: Taxonomy | None = None) -> str:
    return (taxonomy or bundled()).label(theme_id)
