"""Charts as inline SVG, drawn on the server: stacked bars over periods, and sparklines.

This module does the geometry; `templates/charts.html` draws it. Each chart
names itself for screen readers (role="img" with a title), and every bar
segment carries a <title> a browser shows on hover.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

PALETTE = ("#00796b", "#3949ab", "#f9a825", "#e64a19", "#8e24aa", "#43a047", "#546e7a", "#d81b60", "#00acc1", "#6d4c41")
OTHER = "#b0b7c3"
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 8, 22
"""Margins of a stacked-bar chart's plot: the y axis labels sit left of it, the period labels below."""
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    counts: Sequence[int]


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Column:
    """One period's bar, bottom segment first, and its label (None where labels would crowd)."""

    segments: list[Segment]
    label_x: float
    label: str | None


@dataclass(frozen=True)
class StackedBars:
    id: str
    title: str
    width: int
    height: int
    ticks: list[tuple[float, int]]
    """(y, value) of each horizontal grid line."""
    columns: list[Column]
    left: int = LEFT
    right: int = RIGHT


@dataclass(frozen=True)
class Sparkline:
    title: str
    width: int
    height: int
    points: str
    colour: str


def colours(names: Sequence[str]) -> dict[str, str]:
    return {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(names)}


def stacked_bars(
    title: str, periods: Sequence[str], labels: Sequence[str], series: Sequence[Series], *, width: int = 360, height: int = 170
) -> StackedBars:
    """Bars per period, one coloured segment per series, with a y axis from zero to the tallest bar."""
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    totals = [sum(item.counts[index] for item in series) for index in range(len(periods))]
    tallest = max(totals, default=0) or 1
    band = plot_w / max(len(periods), 1)
    bar = max(band * 0.64, 2)
    ticks = [(TOP + plot_h - plot_h * tick / tallest, tick) for tick in sorted({0, tallest // 2, tallest})]
    every = max(1, round(len(periods) / 8))
    columns = []
    for index in range(len(periods)):
        x = LEFT + index * band + (band - bar) / 2
        base: float = TOP + plot_h
        segments = []
        for item in series:
            count = item.counts[index]
            if not count:
                continue
            h = plot_h * count / tallest
            base -= h
            segments.append(Segment(x, base, bar, h, item.colour, f"{item.name}: {count} in {labels[index]}"))
        shown = index % every == 0 or index == len(periods) - 1
        columns.append(Column(segments, x + bar / 2, labels[index] if shown else None))
    return StackedBars(f"chart-{next(_ids)}", title, width, height, ticks, columns)


def sparkline(title: str, counts: Sequence[int], *, width: int = 110, height: int = 26, colour: str = "#00796b") -> Sparkline:
    tallest = max(counts, default=0) or 1
    step = (width - 4) / max(len(counts) - 1, 1)
    points = " ".join(f"{2 + index * step:.1f},{height - 3 - (height - 6) * count / tallest:.1f}" for index, count in enumerate(counts))
    return Sparkline(title, width, height, points, colour)
