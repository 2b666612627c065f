"""Horizontal bar charts as inline SVG, drawn in code (no library, no external file).

One bar per programme, its label above it, the value written at the end of the bar: readable on
a phone, since the labels need no rotation. A programme without a figure gets its word (NC,
En attente…) and no bar, so a missing figure never looks like 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 360  # drawn about 1:1 on a phone, so 13 px text stays 13 px
_ROW = 38  # height of one programme: label line + bar
_TOP = 8
_VALUE_W = 64  # room kept right of the longest bar for "100,0 %"
_BAR_H = 14


@dataclass(frozen=True)
class Bar:
    label: str  # programme, already plain text (escaped here)
    value: float | None  # None: no bar
    text: str  # what is written: "84,2 %", "4,4", "NC"…


def bar_chart(chart_id: str, title: str, bars: list[Bar], *, scale: float, colour: str) -> str:
    """An accessible SVG chart: ``<title>``, a ``<desc>`` listing every value, one bar each."""
    height = _TOP * 2 + _ROW * len(bars)
    usable = WIDTH - 8 - _VALUE_W
    top = max([scale] + [b.value for b in bars if b.value is not None])
    described = " ; ".join(f"{b.label} : {b.text}" for b in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(described)}</desc>',
    ]
    full = 8 + usable * scale / top
    parts.append(
        f'<line x1="{full:.1f}" y1="{_TOP}" x2="{full:.1f}" y2="{height - _TOP}" '
        'class="chart-max" aria-hidden="true"/>'
    )
    for index, bar in enumerate(bars):
        y = _TOP + index * _ROW
        parts.append(f'<text x="8" y="{y + 12}" class="chart-label">{escape(bar.label)}</text>')
        bar_y = y + 17
        if bar.value is None or bar.value <= 0:
            x_text = 8
            if bar.value is not None:  # a real 0: a hairline so it reads as zero, not missing
                parts.append(
                    f'<rect x="8" y="{bar_y}" width="2" height="{_BAR_H}" fill="{colour}"/>'
                )
                x_text = 14
            css = "chart-value" if bar.value is not None else "chart-word"
            parts.append(
                f'<text x="{x_text}" y="{bar_y + 11}" class="{css}">{escape(bar.text)}</text>'
            )
            continue
        width = max(usable * bar.value / top, 2)
        parts.append(
            f'<rect x="8" y="{bar_y}" width="{width:.1f}" height="{_BAR_H}" fill="{colour}" '
            'rx="2"/>'
        )
        parts.append(
            f'<text x="{8 + width + 4:.1f}" y="{bar_y + 11}" class="chart-value">'
            f"{escape(bar.text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Line:
    label: str  # the series, plain text
    values: list[float | None]  # one per category; None: no point (the line breaks)
    colour: str
    dashed: bool = False  # a second way than colour to tell lines apart


def line_chart(chart_id: str, title: str, categories: list[str], lines: list[Line]) -> str:
    """An accessible SVG line chart (rates 0–100 %): ``<title>``, a ``<desc>`` with every
    value, the value written at each point, a legend drawn in the chart."""
    from ..formatting import excel_round, format_percent

    width, height, left, right, top, bottom = 360, 240, 42, 28, 16, 66
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(categories) - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if len(categories) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - v)

    described = " ; ".join(
        f"{line.label} : "
        + ", ".join(
            f"{c} {format_percent(v, 0) if v is not None else 'non publié'}"
            for c, v in zip(categories, line.values, strict=True)
        )
        for line in lines
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(described)}</desc>',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
            'class="chart-grid" aria-hidden="true"/>'
            f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" class="chart-axis" text-anchor="end">'
            f"{int(tick * 100)} %</text>"
        )
    for i, category in enumerate(categories):
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 14}" class="chart-axis" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    for index, line in enumerate(lines):
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        points = [(x(i), y(v)) for i, v in enumerate(line.values) if v is not None]
        segments: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(line.values):
            if v is None:
                segments.append([])
            else:
                segments[-1].append((x(i), y(v)))
        for segment in segments:
            if len(segment) > 1:
                path = " ".join(f"{px:.1f},{py:.1f}" for px, py in segment)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{line.colour}" '
                    f'stroke-width="2.5"{dash}/>'
                )
        offset = (-7, 14, -7)[index % 3]
        for (px, py), v in zip(points, [v for v in line.values if v is not None], strict=True):
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{line.colour}"/>')
            parts.append(
                f'<text x="{px:.1f}" y="{py + offset:.1f}" class="chart-point" '
                f'text-anchor="middle" fill="{line.colour}">{excel_round(v * 100, 0)}</text>'
            )
        ly = height - 28 + (index // 2) * 16
        lx = left + (index % 2) * 160
        parts.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" stroke="{line.colour}" '
            f'stroke-width="2.5"{dash} aria-hidden="true"/>'
            f'<text x="{lx + 28}" y="{ly}" class="chart-label">{escape(line.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
