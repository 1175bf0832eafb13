"""The insight-theme taxonomy, kept as data in `assets/` so medical strategy can revise it without code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

THEMES_FILE = Path(__file__).resolve().parent.parent.parent / "assets" / "taxonomy" / "insight_themes.json"


@dataclass(frozen=True)
class Theme:
    id: str
    label: str


@cache
def insight_themes(path: Path = THEMES_FILE) -> tuple[Theme, ...]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return tuple(Theme(id=item["id"], label=item["label"]) for item in document["themes"])


def theme_label(theme_id: str | None) -> str:
    """The label a person reads; unknown ids (from a newer taxonomy) are shown as they are."""
    for theme in insight_themes():
        if theme.id == theme_id:
            return theme.label
    return theme_id or "Unthemed"
