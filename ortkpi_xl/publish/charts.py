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
