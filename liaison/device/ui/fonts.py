"""The fonts the app ships, so every script an MSL meets is drawn offline.

Flutter's web renderer fetches fonts for scripts its default font lacks from the
internet; offline (a hospital's guest network, a plane) Arabic, Japanese and
emoji came out as empty boxes. The app registers its own OFL fonts (`assets/fonts`,
licences in `assets/fonts/OFL.txt`) and names them as every text style's
fallbacks, so no glyph is looked for elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import flet as ft

ASSETS = Path(__file__).resolve().parents[3] / "assets"
"""The app's assets in a checkout: `flet build` bundles this folder, and `ft.run` serves it."""
INSTALLED_ASSETS = Path(__file__).resolve().parents[1] / "assets"
"""Where an installed wheel carries the fonts (`[tool.hatch.build.targets.wheel.force-include]`)."""
FONTS = {
    "NotoSans": "fonts/NotoSans-Regular.ttf",
    "NotoSansArabic": "fonts/NotoSansArabic-Regular.ttf",
    "NotoSansJP": "fonts/NotoSansJP-Regular.otf",
    "NotoColorEmoji": "fonts/NotoColorEmoji.ttf",
}
"""Family name → file under the assets folder."""
PRIMARY = "NotoSans"
FALLBACK = ["NotoSansArabic", "NotoSansJP", "NotoColorEmoji"]
"""Tried in this order for a character the primary font lacks."""
_STYLES = (
    "display_large",
    "display_medium",
    "display_small",
    "headline_large",
    "headline_medium",
    "headline_small",
    "title_large",
    "title_medium",
    "title_small",
    "label_large",
    "label_medium",
    "label_small",
    "body_large",
    "body_medium",
    "body_small",
)


def assets_dir() -> str | None:
    """The folder to serve, if this copy of the app has one."""
    for folder in (ASSETS, INSTALLED_ASSETS):
        if (folder / "fonts").is_dir():
            return str(folder)
    return None


def theme(seed: str) -> ft.Theme:
    """The app's theme: its own font first, the shipped fallbacks on every text style (a Theme has no fallback of its own)."""
    style = ft.TextStyle(font_family=PRIMARY, font_family_fallback=FALLBACK)
    return ft.Theme(
        color_scheme_seed=seed,
        font_family=PRIMARY,
        text_theme=ft.TextTheme(**dict.fromkeys(_STYLES, style)),
        primary_text_theme=ft.TextTheme(**dict.fromkeys(_STYLES, style)),
    )


def register(page: ft.Page, seed: str = ft.Colors.TEAL) -> None:
    """Load the fonts into the page and use them in the light and the dark theme."""
    page.fonts = dict(FONTS)
    page.theme = theme(seed)
    page.dark_theme = theme(seed)
