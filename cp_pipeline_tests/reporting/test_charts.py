"""Charts: the SVG a trend or breakdown chart is drawn as, read back as XML. Positions on screen,
in a real browser, are tested in test_browser.py."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cp_pipeline.reporting import charts
from cp_pipeline.reporting.commentary import TrendPoint

MONTHS = [f"2025-{m:02d}" for m in range(11, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]


def points(values, targets=None, suppressed=()) -> list[TrendPoint]:
    targets = targets or [None] * len(values)
    return [
        TrendPoint(month, value, target, suppressed=i in suppressed)
        for i, (month, value, target) in enumerate(zip(MONTHS, values, targets, strict=False))
    ]


def drawn(svg: str) -> ET.Element:
    assert svg.startswith("<svg ") and "xmlns" not in svg  # inline in HTML: no namespaces
    return ET.fromstring(svg)


def dots(svg: ET.Element) -> list[tuple[str, float, float]]:
    return [(c.get("data-month"), float(c.get("data-value")), float(c.get("cy"))) for c in svg.iter("circle")]


def path(svg: ET.Element, kind: str) -> ET.Element | None:
    return next((p for p in svg.iter("path") if p.get("class") == kind), None)


def test_a_trend_plots_each_month_with_a_figure_higher_for_higher_values():
    values = [71.5, 70.2, 69.9, 72.0, 73.4, 74.1, 75.0, 73.2, 72.8, 74.4, 75.1, 76.0]
    svg = drawn(charts.trend_svg(points(values), "percent", "12-month trend of Seen on time"))
    assert svg.get("role") == "img" and svg.get("aria-label") == "12-month trend of Seen on time"
    plotted = dots(svg)
    labels = ["Nov 25", "Dec 25", "Jan 26", "Feb 26", "Mar 26", "Apr 26", "May 26", "Jun 26", "Jul 26"]
    labels += ["Aug 26", "Sep 26", "Oct 26"]
    assert [(m, v) for m, v, _ in plotted] == list(zip(labels, values, strict=True))
    (_, v0, y0), (_, v1, y1) = plotted[2], plotted[-1]  # lowest and highest
    scale = (y1 - y0) / (v1 - v0)
    assert scale < 0  # SVG's y grows downwards
    for _, value, y in plotted:
        assert y == pytest.approx(y0 + scale * (value - v0), abs=0.01)
    assert path(svg, "value").get("d").count("M") == 1  # one unbroken line
    assert path(svg, "target") is None
    assert [t.text for t in svg.iter("title")][0] == "Nov 25: 71.5%"


def test_suppressed_and_missing_months_are_gaps_never_zeros():
    values = [5, None, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
    svg = drawn(charts.trend_svg(points(values, suppressed={3, 4}), "days", "a chart"))
    assert [v for _, v, _ in dots(svg)] == [5, 7, 10, 11, 12, 13, 14, 15, 16]
    line = path(svg, "value").get("d")
    assert line.count("M") == 3  # Nov; Jan; Apr onwards
    assert line.count("L") == 6  # Apr to Oct


def test_the_target_is_a_dashed_line_on_the_values_scale():
    values = [12.0, 40.5, 3.25, 99.0, 50.0, 51.0, 52.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    svg = drawn(charts.trend_svg(points(values, [75.0] * 12), "percent", "a chart"))
    target = path(svg, "target")
    assert target.get("stroke-dasharray") and target.get("d").count("M") == 1
    ys = {float(point.split(",")[1]) for point in target.get("d")[1:].split("L")}
    plotted = dots(svg)
    (_, v0, y0), (_, v1, y1) = plotted[7], plotted[3]
    (y,) = ys  # flat across the year
    assert y == pytest.approx(y0 + (y1 - y0) / (v1 - v0) * (75.0 - v0), abs=0.01)


def test_counts_start_at_zero_and_percents_zoom_in_on_the_change():
    def axis(unit: str, values: list[float]) -> list[str]:
        svg = drawn(charts.trend_svg(points(values), unit, "a chart"))
        axis_y = next(g for g in svg.iter("g") if g.get("class") == "axis y")
        return [t.text for t in axis_y.iter("text")]

    counts = axis("count", [841, 837, 835, 836, 844, 852, 853, 852, 845, 833, 834, 829])
    assert counts[0] == "0" and counts[-1] == "800"
    assert axis("rate_per_10k", [95.3, 96.1, 97.6, 96.0]) == ["96", "97", "per 10,000"]


@pytest.mark.parametrize(
    ("low", "high", "nice"),
    [(0.201, 0.996, (0.2, 1.0)), (95.3, 97.6, (95.2, 97.6)), (829, 853, (828, 854)), (0, 853, (0, 900))],
)
def test_nice_domains_are_d3s(low, high, nice):
    assert charts.nice_domain(low, high) == pytest.approx(nice)


def test_ticks_are_d3s():
    assert charts.ticks(0, 100, 7) == ([0, 20, 40, 60, 80, 100], 0)
    assert charts.ticks(95.2, 97.6, 3) == ([96, 97], 0)
    assert charts.ticks(0.2, 1.0, 3) == ([0.2, 0.4, 0.6, 0.8, 1.0], 1)


def test_a_flat_or_single_month_trend_still_has_a_scale():
    svg = drawn(charts.trend_svg(points([3.0]), "rate_per_10k", "a chart"))
    assert len(dots(svg)) == 1
    svg = drawn(charts.trend_svg(points([0, 0, 0]), "count", "a chart"))
    assert len({y for _, _, y in dots(svg)}) == 1


def test_a_breakdown_has_one_bar_per_category_with_a_figure_in_proportion():
    categories = ["White", "Mixed", "Asian", "Black", "Other"]
    svg = drawn(charts.breakdown_svg(categories, [61.0, 12.5, None, 9.0, float("nan")], "By ethnicity"))
    bars = [
        (r.get("data-category"), float(r.get("data-percent")), float(r.get("width")))
        for r in svg.iter("rect")
        if r.get("data-category")
    ]
    assert [(c, p) for c, p, _ in bars] == [("White", 61.0), ("Mixed", 12.5), ("Black", 9.0)]
    assert len({round(width / percent, 6) for _, percent, width in bars}) == 1
    labels = next(g for g in svg.iter("g") if g.get("class") == "labels")
    assert [t.text for t in labels] == ["61%", "12%", "9%"]
    axis_y = next(g for g in svg.iter("g") if g.get("class") == "axis y")
    assert [t.text for t in axis_y.iter("text")] == categories


def test_source_text_is_escaped_and_long_category_names_are_shortened():
    hostile = '<script>x()</script> & "=1+1"'
    long_name = "Any other mixed or multiple ethnic background, as recorded by the council" * 2
    svg_text = charts.breakdown_svg([hostile, long_name], [50.0, 50.0], hostile)
    assert "<script>" not in svg_text
    svg = ET.fromstring(svg_text)
    assert svg.get("aria-label") == hostile
    axis_y = next(g for g in svg.iter("g") if g.get("class") == "axis y")
    shown = [t.text for t in axis_y.iter("text")]
    assert shown[0] == hostile
    assert shown[1].endswith("…") and charts.text_width(shown[1]) <= charts.CATEGORY_LABEL_LIMIT
    assert [r.get("data-category") for r in svg.iter("rect") if r.get("data-category")] == [
        hostile,
        long_name,
    ]
