"""Altair charts for the scorecard, rendered to inline SVG (vl-convert) so the HTML needs no network.

Each chart is drawn in black, greys and one blue with a dashed target line, so that it still
reads when printed in black and white; the values are always repeated in a table beside it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from cp_pipeline.reporting.commentary import TrendPoint
from cp_pipeline.reporting.formatting import short_month_label

if TYPE_CHECKING:
    import altair as alt

log = logging.getLogger(__name__)

VALUE_COLOUR = "#1d70b8"
TARGET_COLOUR = "#0b0c0c"
AXIS_COLOUR = "#505a5f"
FONT = "Arial, Helvetica, sans-serif"
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

# The namespace declarations are not needed inside HTML and would be the only "http" in the file.
_NAMESPACES = re.compile(r'\sxmlns(:\w+)?="[^"]*"')


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT, background="white")
        .configure_axis(
            labelFontSize=10,
            titleFontSize=10,
            labelColor=AXIS_COLOUR,
            titleColor=AXIS_COLOUR,
            gridColor="#e5e5e5",
        )
        .configure_view(stroke=None)
    )


def _with_sort(spec: dict, field: str, order: list[str]) -> dict:
    """The spec with every `field` encoding sorted in `order` (templates leave the order out)."""
    if isinstance(spec, dict):
        encoding = spec.get("encoding")
        if isinstance(encoding, dict):
            for channel in encoding.values():
                if isinstance(channel, dict) and channel.get("field") == field:
                    channel["sort"] = order
        for value in spec.values():
            if isinstance(value, list):
                for item in value:
                    _with_sort(item, field, order)
            elif isinstance(value, dict):
                _with_sort(value, field, order)
    return spec


@cache
def _trend_template(unit: str, with_target: bool) -> str:
    """The trend chart's Vega-Lite spec (as JSON) with its data and month order left out. Altair
    builds (and validates) each shape once a process, not once per tile or per month."""
    import altair as alt  # only where a template is built: ~0.5 s to import

    x = alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-45, labelOverlap=False))
    y_title = UNIT_TITLES.get(unit, "")
    # Counts and money start at zero; percents, rates and durations zoom in so a month's change shows.
    scale = alt.Scale(zero=unit in ("count", "gbp"), nice=True)
    base = alt.Chart(alt.NamedData(name="trend")).encode(x=x)
    value_line = base.mark_line(
        color=VALUE_COLOUR, strokeWidth=2, point=alt.OverlayMarkDef(color=VALUE_COLOUR, size=30)
    ).encode(y=alt.Y("value:Q", title=y_title, scale=scale))
    layers = [value_line]
    if with_target:
        layers.append(
            base.mark_line(color=TARGET_COLOUR, strokeDash=[4, 3], strokeWidth=1.5).encode(
                y=alt.Y("target:Q")
            )
        )
    return json.dumps(_config(alt.layer(*layers).properties(width=250, height=90)).to_dict())


def trend_chart(points: Sequence[TrendPoint], unit: str) -> dict:
    """The 12-month trend as a Vega-Lite spec: monthly values as a line with dots, the target as
    a dashed black line. Suppressed and missing months are gaps, never zeros."""
    months = [short_month_label(p.extract_month) for p in points]
    rows = [
        {"month": month, "value": p.value if p.usable else None, "target": p.target}
        for month, p in zip(months, points, strict=True)
    ]
    with_target = any(p.target is not None for p in points)
    spec = _with_sort(json.loads(_trend_template(unit, with_target)), "month", months)
    spec["datasets"] = {"trend": rows}
    return spec


@cache
def _breakdown_template() -> str:
    """The breakdown chart's Vega-Lite spec (as JSON) without its data, category order or height."""
    import altair as alt  # only where a template is built: ~0.5 s to import

    y = alt.Y("category:N", title=None, axis=alt.Axis(labelLimit=180))
    base = alt.Chart(alt.NamedData(name="breakdown"))
    bars = base.mark_bar(color=VALUE_COLOUR).encode(
        y=y, x=alt.X("percent:Q", title="% of children", scale=alt.Scale(domain=[0, 100]))
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10, color=TARGET_COLOUR).encode(
        y=y, x=alt.X("percent:Q"), text="label:N"
    )
    return json.dumps(_config(alt.layer(bars, labels).properties(width=260, height=40)).to_dict())


def breakdown_chart(categories: Sequence[str], percents: Sequence[float | None]) -> dict:
    """Horizontal bars of the percent of children in each category, labelled with the percent,
    as a Vega-Lite spec. Suppressed categories have no bar (their row in the table says
    'suppressed')."""
    rows = [
        {
            "category": category,
            "percent": None if percent is None or pd.isna(percent) else float(percent),
            "label": "" if percent is None or pd.isna(percent) else f"{percent:.0f}%",
        }
        for category, percent in zip(categories, percents, strict=True)
    ]
    spec = _with_sort(json.loads(_breakdown_template()), "category", list(categories))
    spec["height"] = max(40, 18 * len(rows))
    spec["datasets"] = {"breakdown": rows}
    return spec


@cache
def _converter():
    try:
        import vl_convert
    except ImportError:  # pragma: no cover - exercised only without the dependency
        log.warning("vl-convert-python is not installed: charts are shown as tables only")
        return None
    return vl_convert


@lru_cache(maxsize=256)
def _compiled(shape: str, datasets: tuple[str, ...]) -> str:
    """The Vega spec (as JSON) that Vega-Lite compiles a chart's shape to: its spec without its
    data, with each named dataset empty. Vega-Lite's compiler does not read the data (the same
    SVG either way: tested), so each shape - a trend's unit, target line and months, a
    breakdown's categories - is compiled once a process, not once per chart (a fifth of a
    council's chart time)."""
    converter = _converter()
    return json.dumps(
        converter.vegalite_to_vega(json.loads(shape) | {"datasets": dict.fromkeys(datasets, [])})
    )


def _vega(spec: dict) -> dict:
    """A Vega-Lite spec as the Vega spec to render: its shape's compiled spec with its data."""
    datasets = spec.get("datasets") or {}
    shape = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)
    vega = json.loads(_compiled(shape, tuple(sorted(datasets))))
    for data in vega.get("data", []):
        if data.get("name") in datasets:
            data["values"] = datasets[data["name"]]
    return vega


def warm_up() -> None:
    """Build the chart templates and start vl-convert's engine (its first conversion is slow)."""
    converter = _converter()
    if converter is not None:
        converter.vegalite_to_svg(json.loads(_breakdown_template()) | {"datasets": {"breakdown": []}})


def to_inline_svg(chart: alt.TopLevelMixin | dict, label: str) -> str | None:
    """The chart as an <svg> element to paste into HTML, labelled for screen readers.

    None when vl-convert is unavailable: the report then shows the chart's table on its own.
    """
    converter = _converter()
    if converter is None:
        return None
    svg = converter.vega_to_svg(_vega(chart if isinstance(chart, dict) else chart.to_dict(validate=False)))
    svg = _NAMESPACES.sub("", svg)
    safe_label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    return svg.replace("<svg", f'<svg role="img" aria-label="{safe_label}" focusable="false"', 1)
