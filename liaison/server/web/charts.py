"""Charts as inline SVG, drawn on the server: stacked bars over periods, and sparklines.

Each chart names itself for screen readers (role="img" with a title), and every
bar segment carries a <title> a browser shows on hover.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from liaison.server.web.html import esc

PALETTE = ("#00796b", "#3949ab", "#f9a825", "#e64a19", "#8e24aa", "#43a047", "#546e7a", "#d81b60", "#00acc1", "#6d4c41")
OTHER = "#b0b7c3"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    counts: Sequence[int]


def colours(names: Sequence[str]) -> dict[str, str]:
    return {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(names)}


def stacked_bars(title: str, periods: Sequence[str], labels: Sequence[str], series: Sequence[Series], *, width: int = 360, height: int = 170) -> str:
    """Bars per period, one coloured segment per series, with a y axis from zero to the tallest bar."""
    chart_id = f"chart-{next(_ids)}"
    left, right, top, bottom = 30, 6, 8, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(item.counts[index] for item in series) for index in range(len(periods))]
    tallest = max(totals, default=0) or 1
    band = plot_w / max(len(periods), 1)
    bar = max(band * 0.64, 2)
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{chart_id}">',
        f'<title id="{chart_id}">{esc(title)}</title>',
    ]
    for tick in sorted({0, tallest // 2, tallest}):
        y = top + plot_h - plot_h * tick / tallest
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6ec"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    every = max(1, round(len(periods) / 8))
    for index, period in enumerate(periods):
        x = left + index * band + (band - bar) / 2
        base: float = top + plot_h
        for item in series:
            count = item.counts[index]
            if not count:
                continue
            h = plot_h * count / tallest
            base -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{item.colour}">'
                f"<title>{esc(item.name)}: {count} in {esc(labels[index])}</title></rect>"
            )
        if index % every == 0 or index == len(periods) - 1:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 6}" text-anchor="middle">{esc(labels[index])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(entries: Sequence[tuple[str, str]]) -> str:
    items = "".join(
        f'<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="{colour}"/></svg>{esc(name)}</li>'
        for name, colour in entries
    )
    return f'<ul class="legend">{items}</ul>'


def sparkline(title: str, counts: Sequence[int], *, width: int = 110, height: int = 26, colour: str = "#00796b") -> str:
    tallest = max(counts, default=0) or 1
    step = (width - 4) / max(len(counts) - 1, 1)
    points = " ".join(f"{2 + index * step:.1f},{height - 3 - (height - 6) * count / tallest:.1f}" for index, count in enumerate(counts))
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{esc(title)}">'
        f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/></svg>'
    )
