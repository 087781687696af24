"""
Charts drawn on the server as inline SVG: no JavaScript library, no CDN (the offices using
this often have no reliable internet), readable on a phone since SVG scales to its box.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from danvan.core.numbers import percent
from reports.periods import month_label

RECEIVED = "#2b6cb0"
RESOLVED = "#2f855a"
ON_TIME = "#38a169"
LATE = "#c53030"


def trend_chart(months: list[dict[str, Any]], *, received: str, resolved: str) -> SafeString:
    """Grouped bars per month: received and resolved, with a legend."""
    # The month labels ("Th12/2026") stand slanted under their bars: 12 fit in 640 units.
    width, height, top, bottom, left = 640, 264, 28, 60, 32
    plot_h = height - top - bottom
    peak = max([1] + [max(m["received"], m["resolved"]) for m in months])
    slot = (width - left - 8) / max(1, len(months))
    bar = max(3.0, slot * 0.35)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(received)} / {escape(resolved)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="13">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="13">0</text>',
    ]
    for index, month in enumerate(months):
        x = left + index * slot + slot * 0.1
        label = escape(month_label(month["month"]))
        for offset, (value, colour, name) in enumerate(
            ((month["received"], RECEIVED, received), (month["resolved"], RESOLVED, resolved))
        ):
            h = plot_h * value / peak
            parts.append(
                f'<rect x="{x + offset * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(name)} '
                f"{label}: {value}</title></rect>"
            )
        lx, ly = x + bar * 1.5, top + plot_h + 14
        parts.append(
            f'<text x="{lx:.1f}" y="{ly}" text-anchor="end" font-size="12" '
            f'transform="rotate(-40 {lx:.1f} {ly})">{label}</text>'
        )
    parts.append(_legend([(received, RECEIVED), (resolved, RESOLVED)], left, 14))
    parts.append("</svg>")
    # Every text above is escaped.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def rate_bars(rows: list[tuple[str, float | None, int]]) -> SafeString:
    """One horizontal bar per unit: its on-time rate (0–100 %), red below 50 %."""
    row_h, label_w, width = 26, 190, 640
    height = row_h * max(1, len(rows)) + 8
    bar_w = width - label_w - 110  # room on the right for "100,0 % (1234)"
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (name, rate, count) in enumerate(rows):
        y = 4 + index * row_h
        short = name if len(name) <= 28 else name[:27] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="14">'
            f"{escape(short)}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row_h - 8}" fill="#edf2f7"/>'
        )
        if rate is not None:
            colour = ON_TIME if rate >= 50 else LATE
            parts.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * rate / 100:.1f}" '
                f'height="{row_h - 8}" fill="{colour}">'
                f"<title>{escape(name)}: {percent(rate)}</title></rect>"
            )
        text = percent(rate)
        parts.append(
            f'<text x="{label_w + bar_w + 6}" y="{y + 16}" font-size="14">{text} ({count})</text>'
        )
    parts.append("</svg>")
    # Unit names are escaped.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def _legend(items: list[tuple[str, str]], x: int, y: int) -> str:
    parts = []
    for name, colour in items:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" font-size="14">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return "".join(parts)
