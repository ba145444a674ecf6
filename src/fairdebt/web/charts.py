"""Charts as inline SVG, drawn on the server: bars, stacked bars, lines and a heat map.

Pages show a picture where a person would rather look than read (a queue against capacity,
the bucket mix over time, a roll-rate matrix). Hand-written SVG keeps every page free of
scripts and downloads, renders in a millisecond (matplotlib takes about a hundred), scales on a
phone, and is deterministic, so the screenshots and tests are stable. Every chart carries a
``<title>`` and ``role="img"`` with an ``aria-label`` so it reads out, and the pages keep the
numbers in a table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape

from markupsafe import Markup

__all__ = ["PALETTE", "bars", "heatmap", "lines", "stacked_bars"]

# Colour-blind-safe (Okabe-Ito), in the order series are drawn.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
Format = Callable[[float], str]


def _number(value: float) -> str:
    if value != value:  # NaN
        return "–"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _legend(names: Sequence[str], x: int, y: int) -> list[str]:
    parts, offset = [], 0
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{x + offset}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + offset + 14}" y="{y}" class="legend">{escape(name)}</text>'
        )
        offset += 24 + 7 * len(name)
    return parts


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    label: str,
    fmt: Format = _number,
    limit: float | None = None,
    limit_label: str = "",
    width: int = 560,
) -> Markup:
    """Horizontal bars, one per label, with the value at the end; ``limit`` draws a line (a
    capacity, a floor) across them.

    >>> "<rect" in bars(["a", "b"], [1, 2], label="test")
    True
    """
    row, left, right = 26, 150, 70
    height = row * max(len(labels), 1) + 30
    top = max([*values, limit or 0, 0]) or 1
    scale = (width - left - right) / top
    body = []
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        w = max(0.0, value) * scale
        body.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" class="axis">'
            f"{escape(name)}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{PALETTE[0]}"><title>{escape(name)}: {escape(fmt(value))}</title></rect>'
            f'<text x="{left + w + 4:.1f}" y="{y + 15}" class="value">{escape(fmt(value))}</text>'
        )
    if limit is not None:
        x = left + limit * scale
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="4" y2="{height - 22}" class="limit"/>'
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" class="axis">'
            f"{escape(limit_label)} {escape(fmt(limit))}</text>"
        )
    return _svg(width, height, label, body)


def stacked_bars(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    label: str,
    width: int = 640,
    height: int = 260,
    percent: bool = True,
) -> Markup:
    """Vertical stacked bars (one per label, e.g. a date), one colour per series (e.g. a
    bucket); with ``percent`` each bar is scaled to 100 %."""
    left, bottom, top_pad = 44, 40, 28
    n = max(len(labels), 1)
    slot = (width - left - 10) / n
    totals = [sum(s[i] for s in series.values()) for i in range(len(labels))]
    peak = 1.0 if percent else (max(totals) or 1.0)
    plot = height - bottom - top_pad
    body = _legend(list(series), left, 14)
    for i, name in enumerate(labels):
        y: float = height - bottom
        for k, (sname, values) in enumerate(series.items()):
            share = values[i] / totals[i] if percent and totals[i] else values[i] / peak
            h = share * plot
            y -= h
            body.append(
                f'<rect x="{left + i * slot + 2:.1f}" y="{y:.1f}" width="{max(slot - 4, 1):.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(name)} '
                f"{escape(sname)}: {values[i]:,.4g}</title></rect>"
            )
        # label every bar when they fit, else every few (about 36 px a label)
        if i % max(1, math.ceil(36 / slot), math.ceil(n / 12) if n > 16 else 1) == 0:
            body.append(
                f'<text x="{left + (i + 0.5) * slot:.1f}" y="{height - bottom + 14}" '
                f'text-anchor="middle" class="axis">{escape(name)}</text>'
            )
    for tick in (0, 0.5, 1):
        tick_y = height - bottom - tick * plot
        text = f"{tick:.0%}" if percent else _number(tick * peak)
        body.append(
            f'<text x="{left - 4}" y="{tick_y + 4:.1f}" text-anchor="end" class="axis">'
            f"{text}</text>"
        )
    return _svg(width, height, label, body)


def lines(
    x_labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    label: str,
    width: int = 640,
    height: int = 260,
    percent: bool = True,
) -> Markup:
    """One line per series over shared x labels; gaps (None or NaN) break a line."""
    left, bottom, top_pad = 50, 40, 28
    values = [v for s in series.values() for v in s if v is not None and v == v]
    peak = max(values, default=0.0) or 1.0
    n = max(len(x_labels), 2)
    dx = (width - left - 14) / (n - 1)
    plot = height - bottom - top_pad
    body = _legend(list(series), left, 14)
    for k, (name, points) in enumerate(series.items()):
        path, pen = [], "M"
        for i, v in enumerate(points):
            if v is None or v != v:
                pen = "M"
                continue
            path.append(f"{pen}{left + i * dx:.1f},{height - bottom - v / peak * plot:.1f}")
            pen = "L"
        if path:
            body.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{PALETTE[k % len(PALETTE)]}" '
                f'stroke-width="2"><title>{escape(name)}</title></path>'
            )
    step = math.ceil(len(x_labels) / 10) or 1
    for i, name in enumerate(x_labels):
        if i % step == 0:
            body.append(
                f'<text x="{left + i * dx:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'class="axis">{escape(name)}</text>'
            )
    for tick in (0, 0.5, 1):
        y = height - bottom - tick * plot
        text = f"{tick * peak:.1%}" if percent else _number(tick * peak)
        body.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="axis">{text}</text>'
        )
    return _svg(width, height, label, body)


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    matrix: Sequence[Sequence[float]],
    *,
    label: str,
    cell: int = 52,
) -> Markup:
    """A matrix of shares (0..1) as shaded cells with the percentage written in each."""
    left, top = 70, 30
    width = left + cell * len(columns) + 10
    height = top + cell * len(rows) / 1.6 + 10
    h = cell / 1.6
    body = []
    for j, name in enumerate(columns):
        body.append(
            f'<text x="{left + (j + 0.5) * cell:.1f}" y="{top - 8}" text-anchor="middle" '
            f'class="axis">{escape(name)}</text>'
        )
    for i, name in enumerate(rows):
        y = top + i * h
        body.append(
            f'<text x="{left - 6}" y="{y + h / 2 + 4:.1f}" text-anchor="end" class="axis">'
            f"{escape(name)}</text>"
        )
        for j, value in enumerate(matrix[i]):
            v = 0.0 if value != value else max(0.0, min(1.0, value))
            shade = f"rgba(0,114,178,{0.08 + 0.9 * v:.2f})"
            ink = "#fff" if v > 0.5 else "#111"
            body.append(
                f'<rect x="{left + j * cell}" y="{y:.1f}" width="{cell - 2}" height="{h - 2:.1f}" '
                f'fill="{shade}"/><text x="{left + (j + 0.5) * cell:.1f}" y="{y + h / 2 + 4:.1f}" '
                f'text-anchor="middle" class="cell" fill="{ink}">{v:.0%}</text>'
            )
    return _svg(int(width), int(height), label, body)
