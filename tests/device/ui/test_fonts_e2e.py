"""Arabic, Japanese, Greek and emoji are drawn offline in headless Chromium, from the fonts the app ships.

Flutter's web renderer looks for missing scripts on the internet; here every request
off the loopback is refused, and the screenshot is read: each sample must be ink that
is not the row of 'missing glyph' boxes beside it. The same page without the app's
fonts shows boxes, so the check is one that fails without them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from liaison.device.ui import fonts
from tests.device.ui.conftest import ARTIFACTS, ROOT, free_port
from tests.device.ui.font_sample_app import SAMPLES
from tests.device.ui.test_e2e import WAIT

FONT_HOSTS = ("fonts.gstatic.com", "fonts.googleapis.com")
POLLS = 60
"""Screenshots taken while the fonts load (they arrive after the first frame), at most."""


@dataclass
class Pixels:
    """A decoded screenshot: width, height and RGB rows."""

    width: int
    height: int
    rows: list[bytes]
    channels: int

    def rgb(self, x: int, y: int) -> tuple[int, int, int]:
        at = x * self.channels
        row = self.rows[y]
        return row[at], row[at + 1], row[at + 2]


def decode_png(data: bytes) -> Pixels:
    """Chromium's screenshots: 8-bit RGB or RGBA, not interlaced (enough PNG for this spec, without an imaging library)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    assert header[8] == 8 and header[12] == 0, "only 8-bit, non-interlaced screenshots"
    channels = {2: 3, 6: 4}[header[9]]
    raw, stride = zlib.decompress(idat), width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return Pixels(width, height, rows, channels)


@dataclass(frozen=True)
class Ink:
    """What a text's box holds: its width, its dark pixels and its coloured ones."""

    width: float
    dark: int
    coloured: int


def ink(pixels: Pixels, box: dict[str, float]) -> Ink:
    dark = coloured = 0
    for y in range(int(box["y"]), min(pixels.height, int(box["y"] + box["height"]))):
        for x in range(int(box["x"]), min(pixels.width, int(box["x"] + box["width"]))):
            r, g, b = pixels.rgb(x, y)
            dark += (r + g + b) < 3 * 140
            coloured += max(r, g, b) - min(r, g, b) > 80
    return Ink(box["width"], dark, coloured)


def boxes(sample: Ink, missing: Ink) -> bool:
    """The sample is drawn as the boxes beside it: as wide, and as much ink, give or take antialiasing."""
    return abs(sample.width - missing.width) <= 3 and abs(sample.dark - missing.dark) <= 0.15 * max(missing.dark, 1)


def drawn(sample: Ink, missing: Ink, *, colour: bool = False) -> bool:
    return sample.dark + sample.coloured > 0 and not boxes(sample, missing) and (sample.coloured > 50 if colour else True)


class Sample:
    """The sample page served as Flet serves the app, in Chromium that may reach the loopback only."""

    def __init__(self, browser: Any, tmp_path: Path, mode: str) -> None:
        self.port = free_port()
        self.log = (tmp_path / f"sample-{mode}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.device.ui.font_sample_app", str(self.port), mode],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": 900, "height": 400})
        self.context.route("**/*", self._only_loopback)
        self.page = self.context.new_page()
        for _ in range(POLLS * 2):
            try:
                self.page.goto(f"http://127.0.0.1:{self.port}/")
                break
            except Exception:  # the port is not open yet
                self.page.wait_for_timeout(500)
        self.page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
        self.page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        self.page.get_by_text("emoji sample").wait_for(timeout=WAIT)

    def _only_loopback(self, route: Any) -> None:
        self.requests.append(route.request.url)
        if route.request.url.startswith(f"http://127.0.0.1:{self.port}/"):
            route.continue_()
        else:
            route.abort()

    def inks(self) -> dict[str, tuple[Ink, Ink]]:
        pixels = decode_png(self.page.screenshot())
        return {
            name: (
                ink(pixels, self.page.get_by_text(f"{name} sample").bounding_box()),
                ink(pixels, self.page.get_by_text(f"{name} boxes").bounding_box()),
            )
            for name in SAMPLES
        }

    def settled(self, done: Any) -> dict[str, tuple[Ink, Ink]]:
        """The inks once `done(inks)` holds, or as they are after POLLS screenshots (fonts load after the first frame)."""
        found = self.inks()
        for _ in range(POLLS):
            if done(found):
                break
            self.page.wait_for_timeout(500)
            found = self.inks()
        return found

    def close(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"fonts-{name}.png"))
        self.context.close()
        self.process.terminate()
        self.process.wait(timeout=15)
        self.log.close()


@pytest.fixture
def sample(browser, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Sample]:  # type: ignore[no-untyped-def]
    served = Sample(browser, tmp_path, request.param)
    yield served
    served.close(request.param)


@pytest.mark.parametrize("sample", ["fonts"], indirect=True)
def test_arabic_japanese_greek_and_emoji_are_drawn_offline_from_the_shipped_fonts(sample: Sample) -> None:
    def all_drawn(inks: dict[str, tuple[Ink, Ink]]) -> bool:
        return all(drawn(*inks[name], colour=name == "emoji") for name in SAMPLES)

    inks = sample.settled(all_drawn)
    for name in SAMPLES:
        assert drawn(*inks[name], colour=name == "emoji"), f"{name} is not drawn: {inks[name]}"
    assert not [url for url in sample.requests if any(host in url for host in FONT_HOSTS)]
    shipped = [url for url in sample.requests if any(url.endswith(path) for path in fonts.FONTS.values())]
    assert len(shipped) == len(fonts.FONTS), "each shipped font is loaded from the app's own assets"


@pytest.mark.parametrize("sample", ["none"], indirect=True)
def test_without_the_shipped_fonts_the_same_page_shows_boxes(sample: Sample) -> None:
    """The check above is one that fails without the fonts: offline, Flutter has nothing else to draw these with."""
    inks = sample.settled(lambda found: all(boxes(*found[name]) for name in ("arabic", "japanese", "emoji")))
    for name in ("arabic", "japanese", "emoji"):
        assert boxes(*inks[name]), f"{name} was drawn without the app's fonts: {inks[name]}"
        assert not drawn(*inks[name], colour=name == "emoji")
