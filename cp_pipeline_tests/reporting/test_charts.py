"""Charts: each chart's shape is compiled from Vega-Lite once a process, and drawing it with its
data must give exactly the SVG that vl-convert draws from the whole Vega-Lite spec."""

from __future__ import annotations

import pytest

from cp_pipeline.reporting import charts
from cp_pipeline.reporting.commentary import TrendPoint

vl_convert = pytest.importorskip("vl_convert")


def points(values, targets=None, suppressed=()) -> list[TrendPoint]:
    months = [f"2025-{m:02d}" for m in range(11, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
    targets = targets or [None] * len(values)
    return [
        TrendPoint(month, value, target, suppressed=i in suppressed)
        for i, (month, value, target) in enumerate(zip(months, values, targets, strict=False))
    ]


CHARTS = {
    "count trend": charts.trend_chart(
        points([841, 837, 835, 836, 844, 852, 853, 852, 845, 833, 834, 829]), "count"
    ),
    "percent trend with a target": charts.trend_chart(
        points([71.5, 70.2, 69.9, 72.0, 73.4, 74.1, 75.0, 73.2, 72.8, 74.4, 75.1, 76.0], [75.0] * 12),
        "percent",
    ),
    "a different trend of the same shape": charts.trend_chart(
        points([12.0, 40.5, 3.25, 99.0, 50.0, 51.0, 52.0, 0.0, 1.0, 2.0, 3.0, 4.0], [75.0] * 12), "percent"
    ),
    "trend with suppressed and missing months": charts.trend_chart(
        points([5, None, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], suppressed={3, 4}), "days"
    ),
    "short trend": charts.trend_chart(points([3.0, 4.0]), "rate_per_10k"),
    "breakdown": charts.breakdown_chart(
        ["White", "Mixed", "Asian", "Black", "Other"], [61.0, 12.5, None, 9.0, 4.0]
    ),
    "another breakdown of the same categories": charts.breakdown_chart(
        ["White", "Mixed", "Asian", "Black", "Other"], [10.0, 20.0, 30.0, None, 40.0]
    ),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_a_chart_drawn_from_its_compiled_shape_is_the_chart_vl_convert_draws(name):
    spec = CHARTS[name]
    assert charts._vega(spec)["data"][0]["values"] == next(iter(spec["datasets"].values()))
    assert charts.to_inline_svg(spec, name) == _direct(spec, name)


def test_each_shape_is_compiled_once_and_charts_of_one_shape_keep_their_own_data():
    charts._compiled.cache_clear()
    first, second = CHARTS["percent trend with a target"], CHARTS["a different trend of the same shape"]
    one, two = charts.to_inline_svg(first, "one"), charts.to_inline_svg(second, "two")
    assert charts._compiled.cache_info().misses == 1
    assert charts._compiled.cache_info().hits == 1
    assert one != two
    assert two == _direct(second, "two")


def _direct(spec: dict, label: str) -> str:
    """What to_inline_svg drew before shapes were compiled once: vl-convert on the whole spec."""
    svg = charts._NAMESPACES.sub("", vl_convert.vegalite_to_svg(spec))
    return svg.replace("<svg", f'<svg role="img" aria-label="{label}" focusable="false"', 1)
