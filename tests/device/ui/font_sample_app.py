"""A page of text in the scripts an MSL meets, each beside as many boxes (a code point no font has), served for the font spec.

`python -m tests.device.ui.font_sample_app PORT fonts|none`: with the app's own font
registration, or with none (what the app did before it shipped fonts).
"""

from __future__ import annotations

import sys

import flet as ft

from liaison.device.ui import fonts

SAMPLES = {"arabic": "مرحبا بك", "japanese": "日本語の資料", "greek": "Καλημέρα", "emoji": "😀🩺"}
MISSING = "\ue000"
"""A private-use code point: no font draws it, so it shows the 'missing glyph' box."""


def boxed(text: str) -> str:
    """The text with each character but its spaces as a missing glyph: how it looks when no font has it."""
    return "".join(char if char == " " else MISSING for char in text)


def main(page: ft.Page, with_fonts: bool) -> None:
    if with_fonts:
        fonts.register(page)
    page.add(
        *[
            ft.Row(
                [
                    ft.Text(text, size=40, semantics_label=f"{name} sample"),
                    ft.Text(boxed(text), size=40, semantics_label=f"{name} boxes"),
                ]
            )
            for name, text in SAMPLES.items()
        ]
    )


if __name__ == "__main__":
    port, mode = int(sys.argv[1]), sys.argv[2]
    ft.run(
        lambda page: main(page, mode == "fonts"),
        view=ft.AppView.WEB_BROWSER,
        host="127.0.0.1",
        port=port,
        no_cdn=True,
        assets_dir=fonts.assets_dir(),
    )
