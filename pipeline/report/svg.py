"""Small charts as inline SVG: horizontal bar charts and histograms, no plotting library."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from .templates import attr, text

DEFAULT_COLOUR = "#6e9bd1"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value and colour."""
    label: str
    value: float
    colour: str = DEFAULT_COLOUR


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def text_width(label: str) -> float:
    """An estimate of a label's width in pixels at the charts' 12px font."""
    return sum(8.2 if c.isupper() or c.isdigit() else 6.6 for c in label)


def bar_chart(bars: Sequence[Bar], title: str, width: int = 560, bar_height: int = 18, label_chars: int = 34,
              unit: str = "") -> str:
    """A horizontal bar chart, one row per bar, the value written after each bar."""
    if not bars:
        return f'<p class="muted">{text(title)}: nothing to show.</p>'
    label_width = int(max(text_width(_shorten(b.label, label_chars)) for b in bars)) + 12
    value_width = 70
    plot = max(width - label_width - value_width, 60)
    top = max((b.value for b in bars), default=0) or 1
    row = bar_height + 6
    height = row * len(bars) + 8
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{text(title)}</title>']
    for index, bar in enumerate(bars):
        y = 4 + index * row
        length = plot * bar.value / top
        middle = y + bar_height / 2 + 4
        parts.append(f'<text x="{label_width - 6}" y="{middle:.1f}" text-anchor="end">'
                     f'<title>{text(bar.label)}</title>{text(_shorten(bar.label, label_chars))}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" rx="2" '
                     f'fill="{attr(bar.colour)}"><title>{text(bar.label)}: {_number(bar.value)}{text(unit)}</title></rect>'
                     f'<text x="{label_width + length + 4:.1f}" y="{middle:.1f}">{_number(bar.value)}{text(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Bin:
    """Whole numbers from ``low`` to ``high`` and how many values fell there."""
    low: int
    high: int  # inclusive
    count: int

    @property
    def label(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


def integer_bins(values: Sequence[int], bins: int = 12) -> list[Bin]:
    """Equal-width bins of whole numbers from 0 to the largest value."""
    if not values:
        return []
    top = max(max(values), 0)
    step = max(1, -(-(top + 1) // bins))
    counts = [0] * (top // step + 1)
    for value in values:
        counts[max(value, 0) // step] += 1
    return [Bin(i * step, i * step + step - 1, count) for i, count in enumerate(counts)]


def histogram(values: Sequence[int], title: str, x_label: str, bins: int = 12, width: int = 560,
              height: int = 220, colour: str = DEFAULT_COLOUR) -> str:
    """A histogram of whole numbers: bars of counts over equal-width bins."""
    groups = integer_bins(values, bins)
    if not groups:
        return f'<p class="muted">{text(title)}: nothing to show.</p>'
    left, bottom, top_margin = 44, 42, 14
    plot_w, plot_h = width - left - 10, height - bottom - top_margin
    top = max(g.count for g in groups) or 1
    slot = plot_w / len(groups)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{text(title)}</title>',
             f'<line x1="{left}" y1="{top_margin + plot_h}" x2="{left + plot_w}" y2="{top_margin + plot_h}" stroke="#888"/>',
             f'<text x="{left - 6}" y="{top_margin + 4}" text-anchor="end">{top:,}</text>',
             f'<text x="{left - 6}" y="{top_margin + plot_h}" text-anchor="end">0</text>']
    for index, group in enumerate(groups):
        bar_h = plot_h * group.count / top
        x = left + index * slot
        parts.append(f'<rect x="{x + 1:.1f}" y="{top_margin + plot_h - bar_h:.1f}" width="{max(slot - 2, 1):.1f}" '
                     f'height="{bar_h:.1f}" fill="{attr(colour)}"><title>{text(group.label)}: {group.count:,}'
                     f'</title></rect>')
        if len(groups) <= 16 or index % 2 == 0:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{top_margin + plot_h + 14}" text-anchor="middle" '
                         f'font-size="10">{text(group.label)}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">{text(x_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_share(parts: Sequence[Bar], title: str, width: int = 560, height: int = 26,
                  caption: Optional[str] = None) -> str:
    """One bar split into coloured shares (e.g. findings with and without a count)."""
    total = sum(p.value for p in parts)
    if not total:
        return f'<p class="muted">{text(title)}: nothing to show.</p>'
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 20}" width="{width}" height="{height + 20}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{text(title)}</title>']
    x = 0.0
    for part in parts:
        w = width * part.value / total
        out.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{attr(part.colour)}">'
                   f"<title>{text(part.label)}: {_number(part.value)}</title></rect>")
        if w > 60:
            out.append(f'<text x="{x + 6:.1f}" y="{height / 2 + 4:.1f}">{text(part.label)}: {_number(part.value)}</text>')
        x += w
    if caption:
        out.append(f'<text x="0" y="{height + 15}" class="muted">{text(caption)}</text>')
    out.append("</svg>")
    return "".join(out)
