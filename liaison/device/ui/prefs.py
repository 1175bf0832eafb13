"""The MSL's own display choices, kept beside the store: theme, a shorter auto-lock, language, region format and time zone.

Nothing here is confidential (it is read before unlock, to paint the lock
screen in the chosen theme), so it lives in a small plain JSON file, not in
the encrypted database. The auto-lock can only be made shorter than the one
IT set in the deployment profile.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from liaison.device.locale import LOCALES, known_zone

FILE_NAME = "ui-prefs.json"
THEMES = ("light", "dark", "system")
AUTO_LOCK_CHOICES = (1, 2, 5, 10, 15, 30, 60)
LANGUAGES = {"en": "English"}
"""The languages the app's words are written in: English only for now."""


@dataclass(frozen=True)
class Prefs:
    theme: str = "light"
    auto_lock_minutes: int | None = None
    """None: use the deployment profile's value."""
    language: str = "en"
    region: str | None = None
    """A locale of `LOCALES` for dates, times and numbers; None: the default."""
    zone: str | None = None
    """An IANA zone name; None: "Automatic", the device's own (in web mode there is none to ask, see `UiContext.display_for`)."""

    def effective_auto_lock(self, configured: int) -> int:
        if self.auto_lock_minutes is None:
            return configured
        return max(1, min(self.auto_lock_minutes, configured))


def auto_lock_choices(configured: int) -> list[int]:
    """The choices offered in Settings: never longer than IT's limit, which is always offered."""
    return sorted({minutes for minutes in AUTO_LOCK_CHOICES if minutes < configured} | {configured})


def load(data_dir: Path) -> Prefs:
    """Unreadable or unknown values fall back to the defaults: a display preference never blocks start-up."""
    try:
        raw = json.loads((data_dir / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Prefs()
    if not isinstance(raw, dict):
        return Prefs()
    theme = str(raw["theme"]) if raw.get("theme") in THEMES else "light"
    minutes = raw.get("auto_lock_minutes")
    region, zone = raw.get("region"), raw.get("zone")
    return Prefs(
        theme=theme,
        auto_lock_minutes=minutes if isinstance(minutes, int) and minutes > 0 else None,
        language=str(raw["language"]) if raw.get("language") in LANGUAGES else "en",
        region=region if region in LOCALES else None,
        zone=zone if isinstance(zone, str) and known_zone(zone) else None,
    )


def save(data_dir: Path, prefs: Prefs) -> None:
    """Write then rename, so a crash never leaves half a file."""
    if prefs.theme not in THEMES:
        raise ValueError(f"theme: must be one of {', '.join(THEMES)}")
    if prefs.region is not None and prefs.region not in LOCALES:
        raise ValueError(f"region: must be one of {', '.join(LOCALES)}")
    if prefs.zone is not None and not known_zone(prefs.zone):
        raise ValueError(f"zone: {prefs.zone} is not a time zone name")
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / FILE_NAME
    partial = target.with_suffix(".tmp")
    partial.write_text(json.dumps(asdict(prefs)), encoding="utf-8")
    os.replace(partial, target)
