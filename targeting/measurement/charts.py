"""Server-rendered SVG trend charts: no script, nothing from a CDN, allowed by any CSP.

``trend_chart`` turns a daily series into the coordinates a template draws (polylines, axis
ticks, a readable table stays beside it for screen readers). The SVG scales with its
``viewBox``, so it reads on a phone; labels are the template's (translated) text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


@dataclass
class Series:
    key: str
    label: str
    values: list[int]
    points: str = ""


@dataclass
class Tick:
    x: float
    y: float
    label: str
    #: SVG text-anchor: the last day's label ends at the plot's edge instead of overflowing it.
    anchor: str = "middle"


@dataclass
class Chart:
    width: int
    height: int
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM


def _nice_ceiling(value: int) -> int:
    """A round upper bound for the y axis (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def trend_chart(days: Sequence[date], series: Sequence[Series]) -> Chart:
    """Coordinates for a line per series over ``days`` (all series share the y axis)."""
    top = _nice_ceiling(max((max(s.values, default=0) for s in series), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    count = len(days)

    def x(index: int) -> float:
        return LEFT + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / top

    drawn = []
    for item in series:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(item.values))
        drawn.append(Series(item.key, item.label, list(item.values), points))
    step = max(1, count // 6)
    shown = [i for i in range(count) if i % step == 0 or i == count - 1]
    if len(shown) > 2 and shown[-1] - shown[-2] < max(2, step // 2):
        shown.pop(-2)  # the last regular tick would crowd the last day's label
    x_ticks = [
        Tick(
            x(i),
            HEIGHT - 8,
            f"{days[i].month}/{days[i].day}",
            "end" if i == count - 1 and count > 1 else "middle",
        )
        for i in shown
    ]
    # Whole numbers only: below four, a tick per unit (no "0, 0, 1, 1, 2" on a small axis).
    levels = range(top + 1) if top < 4 else [top * n // 4 for n in range(5)]
    y_ticks = [Tick(LEFT - 6, y(value), f"{value:,}") for value in levels]
    return Chart(WIDTH, HEIGHT, drawn, x_ticks, y_ticks)
