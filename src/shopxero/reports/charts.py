"""Inline SVG charts (bars, stacked bars, lines with points, a dashed limit line) as text.

Generated in Python so the report page needs no chart library and no network: every element a
reader or a test cares about carries its numbers as ``data-*`` attributes (``data-series``,
``data-label``, ``data-value``, ``data-limit``) and a ``<title>`` tooltip. Only the numbers
given are drawn; nothing is smoothed or estimated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Limit", "Series", "bar_chart", "line_chart"]

WIDTH = 760
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 36, 48


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    colour: str


@dataclass(frozen=True)
class Limit:
    """A horizontal line at ``value`` (an API limit), labelled."""

    label: str
    value: int


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about four ticks over ``span``."""
    raw = max(span / 4, 1e-9)
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return max(1.0, float(factor * power))
    return max(1.0, 10.0 * power)


def _scale(top_value: float) -> tuple[float, list[float]]:
    step = _nice_step(top_value or 1)
    top = step * math.ceil((top_value or 1) / step)
    ticks = [step * i for i in range(round(top / step) + 1)]
    return top, ticks


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def _frame(
    chart_id: str, title: str, labels: Sequence[str], top: float, ticks: list[float]
) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">',
        f'<text class="chart-title" x="{LEFT}" y="20">{escape(title)}</text>',
    ]
    for tick in ticks:
        y = TOP + plot_h - (tick / top) * plot_h
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_fmt(tick)}</text>"
        )
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    every = max(1, math.ceil(len(labels) / 16))  # at most ~16 labels fit under the axis
    for i, label in enumerate(labels):
        if i % every == 0:
            x = LEFT + slot * (i + 0.5)
            parts.append(
                f'<text class="xlabel" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" '
        f'y2="{TOP + plot_h}"/>'
    )
    return parts


def _legend(series: Sequence[Series], limit: Limit | None) -> list[str]:
    parts: list[str] = []
    x = LEFT
    y = HEIGHT - 14
    for s in series:
        parts.append(
            f'<rect class="legend-key" x="{x}" y="{y - 9}" width="10" height="10" '
            f'fill="{s.colour}"/><text class="legend" x="{x + 14}" y="{y}">{escape(s.name)}</text>'
        )
        x += 24 + 7 * len(s.name)
    if limit is not None:
        parts.append(
            f'<line class="limit-key" x1="{x}" x2="{x + 18}" y1="{y - 4}" y2="{y - 4}"/>'
            f'<text class="legend" x="{x + 22}" y="{y}">{escape(limit.label)}</text>'
        )
    return parts


def _limit_line(limit: Limit, top: float) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    y = TOP + plot_h - (limit.value / top) * plot_h
    return (
        f'<line class="limit" data-limit="{limit.value}" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
        f'y1="{y:.1f}" y2="{y:.1f}"><title>{escape(limit.label)}: {_fmt(limit.value)}</title>'
        f'</line><text class="limit-label" x="{WIDTH - RIGHT - 4}" y="{y - 4:.1f}" '
        f'text-anchor="end">{escape(limit.label)} {_fmt(limit.value)}</text>'
    )


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    limit: Limit | None = None,
) -> str:
    """One bar per label and series (stacked, or side by side); zero values are zero-high bars."""
    n = len(labels)
    totals = [sum(s.values[i] for s in series) for i in range(n)] if stacked else []
    peak = max(totals or [v for s in series for v in s.values] or [0])
    top, ticks = _scale(max(peak, limit.value if limit else 0))
    parts = _frame(chart_id, title, labels, top, ticks)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, n)
    inner = slot * 0.7
    for i, label in enumerate(labels):
        base = 0.0
        for k, s in enumerate(series):
            value = s.values[i]
            h = (value / top) * plot_h
            if stacked:
                x, w = LEFT + slot * i + (slot - inner) / 2, inner
                y = TOP + plot_h - base - h
                base += h
            else:
                w = inner / len(series)
                x = LEFT + slot * i + (slot - inner) / 2 + k * w
                y = TOP + plot_h - h
            parts.append(
                f'<rect class="bar" data-series="{escape(s.name)}" data-label="{escape(label)}" '
                f'data-value="{value}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                f'height="{h:.1f}" fill="{s.colour}"><title>{escape(label)} {escape(s.name)}: '
                f"{_fmt(value)}</title></rect>"
            )
        if n <= 16:
            # The number over each bar (stack): small runs stay readable next to a 5,000 limit.
            shown = [sum(s.values[i] for s in series)] if stacked else [s.values[i] for s in series]
            width = inner if stacked else inner / len(series)
            for k, value in enumerate(shown):
                stack = sum(s.values[i] for s in series) if stacked else value
                cx = LEFT + slot * i + (slot - inner) / 2 + k * width + width / 2
                cy = TOP + plot_h - (stack / top) * plot_h - 4
                parts.append(
                    f'<text class="value" x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle">'
                    f"{_fmt(value)}</text>"
                )
    if limit is not None:
        parts.append(_limit_line(limit, top))
    parts.extend(_legend(series, limit))
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    limit: Limit | None = None,
) -> str:
    """One polyline per series with a point per label."""
    peak = max([v for s in series for v in s.values] or [0])
    top, ticks = _scale(max(peak, limit.value if limit else 0))
    parts = _frame(chart_id, title, labels, top, ticks)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    for s in series:
        points = [
            (LEFT + slot * (i + 0.5), TOP + plot_h - (v / top) * plot_h)
            for i, v in enumerate(s.values)
        ]
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline class="line" data-series="{escape(s.name)}" points="{coords}" '
            f'stroke="{s.colour}"/>'
        )
        for (x, y), label, value in zip(points, labels, s.values, strict=True):
            parts.append(
                f'<circle class="point" data-series="{escape(s.name)}" '
                f'data-label="{escape(label)}" data-value="{value}" cx="{x:.1f}" cy="{y:.1f}" '
                f'r="3.5" fill="{s.colour}"><title>{escape(label)} {escape(s.name)}: '
                f"{_fmt(value)}</title></circle>"
            )
    if limit is not None:
        parts.append(_limit_line(limit, top))
    parts.extend(_legend(series, limit))
    parts.append("</svg>")
    return "\n".join(parts)
