"""The scorecard's two kinds of chart, drawn as inline SVG so the HTML needs no network or script.

A trend chart shows an indicator's last 12 months as a blue line with dots, its target as a dashed
black line; a breakdown shows the percent of children in each category as horizontal bars. Both
are drawn in black, greys and one blue, so they still read when printed in black and white, and
their figures are always repeated in a table beside them.

They are drawn here rather than through a charting library: a council's report has ~60 of them,
and a Vega-Lite chart converted to SVG (Altair and vl-convert's JavaScript engine, as until
2026-12-07) cost ~10 ms of CPU each, a second per council-month and half of a national month's
report drawing; these take well under a millisecond. The layout follows Vega-Lite's defaults
(d3's "nice" scales and tick steps, a point scale for months, a band scale for categories).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from cp_pipeline.reporting.commentary import TrendPoint
from cp_pipeline.reporting.formatting import format_value, short_month_label

VALUE_COLOUR = "#1d70b8"
TARGET_COLOUR = "#0b0c0c"
AXIS_COLOUR = "#505a5f"
TICK_COLOUR = "#888888"
GRID_COLOUR = "#e5e5e5"
FONT = "Arial, Helvetica, sans-serif"
FONT_SIZE = 10
UNIT_TITLES = {
    "percent": "%",
    "rate_per_10k": "per 10,000",
    "days": "days",
    "weeks": "weeks",
    "hours": "hours",
    "gbp": "£",
    "ratio": "ratio",
    "count": "",
}

TREND_WIDTH, TREND_HEIGHT = 250, 90
BREAKDOWN_WIDTH, BAR_STEP, BREAKDOWN_MIN_HEIGHT = 260, 18, 40
CATEGORY_LABEL_LIMIT = 180  # px: longer category names end in an ellipsis (the table has them whole)
DOT_RADIUS = math.sqrt(30 / math.pi)  # a dot of area 30, as Vega-Lite's point overlay of size 30
TICK, PAD = 5, 2  # tick length and the gap between a tick and its label

# Advance widths of Arial/Helvetica (per 1000 em) for printable ASCII, to lay out labels.
_WIDTHS = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        [
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
            *[556] * 10,
            278, 278, 584, 584, 584, 556, 1015,
            667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667,
            778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
            278, 278, 278, 469, 556, 333,
            556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556,
            556, 333, 500, 278, 556, 500, 722, 500, 500, 500,
            334, 260, 334, 584,
        ],
        strict=True,
    )
)  # fmt: skip


# Where Arial is missing a browser draws the labels in another sans-serif (Linux: DejaVu Sans, up
# to ~18 % wider): layouts leave room for that, so no label is cut off at the chart's edge.
FONT_SPARE = 1.2


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The room in px to leave for a label: its width in Arial (other characters counted as a
    digit), with FONT_SPARE for a wider substitute font."""
    return sum(_WIDTHS.get(c, 556) for c in text) * size / 1000 * FONT_SPARE


def _truncate(text: str, limit: float) -> str:
    if text_width(text) <= limit:
        return text
    while text and text_width(text + "…") > limit:
        text = text[:-1]
    return text.rstrip() + "…"


# ---- scales (d3's, as Vega uses them) -----------------------------------------------------------


def tick_step(start: float, stop: float, count: int) -> float:
    """d3's tick increment: a step of 1, 2 or 5 times a power of ten, about (stop-start)/count."""
    step = (stop - start) / max(1, count)
    power = math.floor(math.log10(step))
    error = step / 10**power
    factor = (
        10 if error >= math.sqrt(50) else 5 if error >= math.sqrt(10) else 2 if error >= math.sqrt(2) else 1
    )
    return factor * 10**power


def nice_domain(low: float, high: float, count: int = 10) -> tuple[float, float]:
    """The domain widened to round numbers, as d3's `scale.nice()` (Vega-Lite's `nice: true`)."""
    if low == high:
        low, high = (low - 1, high + 1) if low else (0.0, 1.0)
    previous = None
    for _ in range(10):
        step = tick_step(low, high, count)
        if step == previous:
            break
        low, high = math.floor(low / step) * step, math.ceil(high / step) * step
        previous = step
    return low, high


def ticks(low: float, high: float, count: int) -> tuple[list[float], int]:
    """The round values to mark between low and high (about `count`), and their decimal places."""
    step = tick_step(low, high, count)
    places = max(0, -math.floor(math.log10(step)))
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    return [round(i * step, places) for i in range(first, last + 1)], places


def _n(value: float) -> str:
    """A coordinate, to two decimals without trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str | None = None) -> str:
    colour = f' stroke="{stroke}"' if stroke else ""  # grid lines take their group's stroke
    return f'<line x1="{_n(x1)}" x2="{_n(x2)}" y1="{_n(y1)}" y2="{_n(y2)}"{colour}/>'


def _text(x: float, y: float, text: str, *, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{escape(text, quote=False)}</text>'


def _svg(width: float, height: float, label: str, kind: str, body: list[str]) -> str:
    width, height = math.ceil(width), math.ceil(height)
    return (
        f'<svg class="chart {kind}" role="img" aria-label="{escape(label)}" focusable="false" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}px">'
        f'<rect width="{width}" height="{height}" fill="white"/>' + "".join(body) + "</svg>"
    )


# ---- trend charts -------------------------------------------------------------------------------


def _path(xs: Sequence[float], ys: Sequence[float | None]) -> str:
    """One path through the defined points, broken where a value is missing."""
    parts, pen_down = [], False
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{_n(x)},{_n(y)}")
        pen_down = True
    return "".join(parts)


def trend_svg(points: Sequence[TrendPoint], unit: str, label: str) -> str:
    """The 12-month trend (months oldest first) as an <svg> element labelled for screen readers:
    monthly values as a line with dots, the target as a dashed black line. Suppressed and missing
    months are gaps, never zeros."""
    months = [short_month_label(p.extract_month) for p in points]
    values = [p.value if p.usable else None for p in points]
    targets = [p.target for p in points]
    shown = [v for v in values + targets if v is not None]
    low, high = min(shown), max(shown)
    if unit in ("count", "gbp"):  # counts and money start at zero; the rest zoom in on the change
        low, high = min(low, 0.0), max(high, 0.0)
    low, high = nice_domain(low, high)
    marks, places = ticks(low, high, math.ceil(TREND_HEIGHT / 40))

    def y(value: float) -> float:
        return TREND_HEIGHT * (high - value) / (high - low)

    step = TREND_WIDTH / len(months)  # a point scale with half a step's padding each side
    xs = [step * (i + 0.5) for i in range(len(months))]
    tick_labels = [f"{m:,.{places}f}" for m in marks]
    label_width = max(text_width(t) for t in tick_labels)
    title = UNIT_TITLES.get(unit, "")
    left = TICK + PAD + label_width + (2 + FONT_SIZE + 2 if title else 0) + 3
    month_depth = max(text_width(m) for m in months) * math.sqrt(0.5) + FONT_SIZE  # labels at -45°
    left = max(left, text_width(months[0]) * math.sqrt(0.5) - xs[0] + 4)
    top, bottom = FONT_SIZE / 2 + 1, TICK + PAD + month_depth + 4

    body = [f'<g transform="translate({_n(left)},{_n(top)})">']
    body.append(f'<g class="grid" stroke="{GRID_COLOUR}">')
    body += [_line(0, y(m), TREND_WIDTH, y(m)) for m in marks]
    body.append("</g>")
    body.append(f'<g class="axis y" fill="{AXIS_COLOUR}" aria-hidden="true">')
    body += [
        _line(-TICK, y(m), 0, y(m), TICK_COLOUR) + _text(-TICK - PAD, y(m) + 3.5, text, anchor="end")
        for m, text in zip(marks, tick_labels, strict=True)
    ]
    if title:
        x_title = -(TICK + PAD + label_width + 4)
        body.append(
            _text(
                0,
                0,
                title,
                anchor="middle",
                extra=f' font-weight="bold" transform="translate({_n(x_title)},{_n(TREND_HEIGHT / 2)}) rotate(-90)"',
            )
        )
    body.append(_line(0, 0, 0, TREND_HEIGHT, TICK_COLOUR))
    body.append("</g>")
    body.append(f'<g class="axis x" fill="{AXIS_COLOUR}" aria-hidden="true">')
    body.append(_line(0, TREND_HEIGHT, TREND_WIDTH, TREND_HEIGHT, TICK_COLOUR))
    for x, month in zip(xs, months, strict=True):
        body.append(
            _line(x, TREND_HEIGHT, x, TREND_HEIGHT + TICK, TICK_COLOUR)
            + _text(
                0,
                0,
                month,
                anchor="end",
                extra=f' transform="translate({_n(x + 3)},{_n(TREND_HEIGHT + TICK + PAD + 6)}) rotate(-45)"',
            )
        )
    body.append("</g>")
    if any(t is not None for t in targets):
        body.append(
            f'<path class="target" d="{_path(xs, [None if t is None else y(t) for t in targets])}" '
            f'fill="none" stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="4,3"/>'
        )
    body.append(
        f'<path class="value" d="{_path(xs, [None if v is None else y(v) for v in values])}" '
        f'fill="none" stroke="{VALUE_COLOUR}" stroke-width="2" stroke-linejoin="round"/>'
    )
    body.append(f'<g class="points" fill="{VALUE_COLOUR}">')
    for x, month, value in zip(xs, months, values, strict=True):
        if value is not None:
            body.append(
                f'<circle cx="{_n(x)}" cy="{_n(y(value))}" r="{_n(DOT_RADIUS)}" '
                f'data-month="{month}" data-value="{value!r}">'
                f"<title>{escape(month)}: {escape(format_value(value, unit))}</title></circle>"
            )
    body.append("</g></g>")
    return _svg(left + TREND_WIDTH + 6, top + TREND_HEIGHT + bottom, label, "trend", body)


# ---- breakdown charts ---------------------------------------------------------------------------


def breakdown_svg(categories: Sequence[str], percents: Sequence[float | None], label: str) -> str:
    """Horizontal bars of the percent of children in each category, labelled with the percent, as
    an <svg> element labelled for screen readers. Suppressed categories (None or NaN) have no bar
    (their row in the table says 'suppressed')."""
    percents = [None if p is None or math.isnan(float(p)) else float(p) for p in percents]
    height = max(BREAKDOWN_MIN_HEIGHT, BAR_STEP * len(categories))
    step = height / len(categories)  # a band scale, 10 % of each band between bars
    shown = [_truncate(c, CATEGORY_LABEL_LIMIT) for c in categories]
    left = TICK + PAD + max(text_width(c) for c in shown) + 3
    top, bottom = 5, TICK + PAD + FONT_SIZE + 4 + FONT_SIZE + 2

    def x(percent: float) -> float:
        return BREAKDOWN_WIDTH * percent / 100

    marks, _ = ticks(0, 100, math.ceil(BREAKDOWN_WIDTH / 40))
    body = [f'<g transform="translate({_n(left)},{_n(top)})">']
    body.append(f'<g class="grid" stroke="{GRID_COLOUR}">')
    body += [_line(x(m), 0, x(m), height) for m in marks]
    body.append("</g>")
    body.append(f'<g class="axis x" fill="{AXIS_COLOUR}" aria-hidden="true">')
    body.append(_line(0, height, BREAKDOWN_WIDTH, height, TICK_COLOUR))
    for i, m in enumerate(marks):
        anchor = "start" if i == 0 else "end" if i == len(marks) - 1 else "middle"
        body.append(
            _line(x(m), height, x(m), height + TICK, TICK_COLOUR)
            + _text(x(m), height + TICK + PAD + 8, f"{m:.0f}", anchor=anchor)
        )
    body.append(
        _text(
            BREAKDOWN_WIDTH / 2,
            height + TICK + PAD + FONT_SIZE + 4 + 8,
            "% of children",
            anchor="middle",
            extra=' font-weight="bold"',
        )
    )
    body.append("</g>")
    body.append(f'<g class="axis y" fill="{AXIS_COLOUR}" aria-hidden="true">')
    body.append(_line(0, 0, 0, height, TICK_COLOUR))
    for i, category in enumerate(shown):
        middle = step * (i + 0.5)
        body.append(
            _line(-TICK, middle, 0, middle, TICK_COLOUR)
            + _text(-TICK - PAD, middle + 3.5, category, anchor="end")
        )
    body.append("</g>")
    bars, labels = [f'<g class="bars" fill="{VALUE_COLOUR}">'], [f'<g class="labels" fill="{TARGET_COLOUR}">']
    for i, (category, percent) in enumerate(zip(categories, percents, strict=True)):
        if percent is None:
            continue
        y0 = step * (i + 0.05)
        bars.append(
            f'<rect x="0" y="{_n(y0)}" width="{_n(x(percent))}" height="{_n(step * 0.9)}" '
            f'data-category="{escape(category)}" data-percent="{percent!r}">'
            f"<title>{escape(category)}: {escape(format_value(percent, 'percent'))}</title></rect>"
        )
        labels.append(_text(x(percent) + 3, step * (i + 0.5) + 3.5, f"{percent:.0f}%"))
    body += [*bars, "</g>", *labels, "</g>", "</g>"]
    right = max([0.0] + [x(p) + 3 + text_width(f"{p:.0f}%") for p in percents if p is not None])
    right = max(right, BREAKDOWN_WIDTH + text_width("100") / 2) - BREAKDOWN_WIDTH + 4
    return _svg(left + BREAKDOWN_WIDTH + right, top + height + bottom, label, "breakdown", body)
