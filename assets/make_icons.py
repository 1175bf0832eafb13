"""Draw Liaison's app icon and splash image (PNG, standard library only).

`flet build` takes `icon.png` and `splash.png` from this folder for every platform.
Re-run after changing the design: `uv run python assets/make_icons.py`.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEAL = (0, 121, 107)
WHITE = (255, 255, 255)
MINT = (178, 223, 219)


def png(path: Path, size: int, pixel: object) -> None:
    """Write an RGB PNG whose colour at (x, y) in 0..1 coordinates is pixel(x, y)."""
    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            rows.extend(pixel((x + 0.5) / size, (y + 0.5) / size))  # type: ignore[operator]
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def mark(x: float, y: float) -> tuple[int, int, int] | None:
    """Two overlapping speech bubbles (the exchange) with an L across them; None outside the mark."""
    def bubble(cx: float, cy: float, r: float) -> bool:
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

    in_l = (0.36 <= x <= 0.44 and 0.30 <= y <= 0.70) or (0.36 <= x <= 0.66 and 0.62 <= y <= 0.70)
    if in_l:
        return TEAL
    if bubble(0.44, 0.46, 0.24) or (0.26 <= x <= 0.36 and 0.62 <= y <= 0.76 and x - 0.26 >= (y - 0.62) * 0.7):
        return WHITE
    if bubble(0.60, 0.56, 0.22):
        return MINT
    return None


def icon(x: float, y: float) -> tuple[int, int, int]:
    return mark(x, y) or TEAL


def splash(x: float, y: float) -> tuple[int, int, int]:
    """The mark in teal on white, small in the middle: Flet centres splash images as they are."""
    found = mark(x, y)
    return WHITE if found is None else (TEAL if found == WHITE else MINT if found == MINT else WHITE)


if __name__ == "__main__":
    png(HERE / "icon.png", 1024, icon)
    png(HERE / "splash.png", 512, splash)
    print("wrote assets/icon.png and assets/splash.png")
