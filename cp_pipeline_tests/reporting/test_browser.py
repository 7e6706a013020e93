"""The scorecard opened in a real headless Chromium, offline, as a board member would open it.

Every figure expected here is worked out by hand from the lists in conftest.py for January 2025 (the
12 months shown are February 2024 to January 2025, index 1 to 12 of those lists). A full-page
screenshot and the printed PDF are kept in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from cp_pipeline.reporting import report
from cp_pipeline_tests.reporting.conftest import (
    CLA,
    INJECTION,
    MISSING,
    MONTH,
    PEP,
    TEST_CATALOGUE,
    VISITS,
    write_warehouse,
)

pytestmark = pytest.mark.chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VIEWPORT = {"width": 1280, "height": 900}
SHORT_MONTHS = ["Feb 24", "Mar 24", "Apr 24", "May 24", "Jun 24", "Jul 24"]
SHORT_MONTHS += ["Aug 24", "Sep 24", "Oct 24", "Nov 24", "Dec 24", "Jan 25"]


@dataclass(frozen=True)
class Tile:
    """What one indicator tile must show; None means 'not checked here'."""

    name: str
    value: str
    rag: str | None
    change: str | None
    change_css: str | None
    facts: dict[str, str]
    benchmarks: tuple[str, str, str]
    first_month: tuple[str, str, str]  # (month, value, target) rows of the 12-month table
    last_month: tuple[str, str, str]
    chart_label: str
    plotted: list[float | None]  # the 12 months' values as the chart plots them (None: a gap)
    target: float | None = None
    notices: tuple[str, ...] = ()


NOT_PUBLISHED = ("not published",) * 3

EXPECTED_TILES = {
    "CLA_COUNT": Tile(
        name="Children looked after",
        value="1,245",
        rag="\u2013 No target",
        change="\u25b2 up 7 from 1,238 last month",  # a neutral measure: no 'better' or 'worse'
        change_css="neutral",
        facts={"Target": "none set (neither higher nor lower is better)"},  # a count has no base
        benchmarks=NOT_PUBLISHED,
        first_month=("February 2024", "605", ""),
        last_month=("January 2025", "1,245", ""),
        chart_label="12-month trend of Children looked after",
        plotted=CLA[1:],
    ),
    "VISITS_6_WEEKS_PCT": Tile(
        name="Seen in the last 6 weeks",
        value="80.0%",
        rag="\u25b2 Amber",
        change="\u25b2 up 5.0 percentage points from 75.0% last month \u2013 better",
        change_css="good",
        facts={"Target": "85.0% (higher is better)", "Based on": "400 of 500"},  # 80% of 500 visits
        benchmarks=("78.0%", "82.0%", "80.0%"),
        first_month=("February 2024", "72.0%", "85.0%"),
        last_month=("January 2025", "80.0%", "85.0%"),
        chart_label="12-month trend of Seen in the last 6 weeks with its target as a dashed line",
        plotted=VISITS[1:],
        target=85.0,
    ),
    "PEP_6_MONTHS_PCT": Tile(
        name="Personal education plan",
        value="no figure",
        rag=None,
        change=None,
        change_css="neutral",
        facts={"Target": "95.0% (higher is better)"},
        benchmarks=NOT_PUBLISHED,
        first_month=("February 2024", "91.0%", "95.0%"),
        last_month=("January 2025", "no figure", "95.0%"),
        chart_label="12-month trend of Personal education plan with its target as a dashed line",
        plotted=PEP[1:],
        target=95.0,
        notices=("Not calculated: the PEPs extract was not received this month.",),
    ),
    "MISSING_CHILDREN": Tile(
        name="Children who went missing",
        value="suppressed",
        rag="\u2013 No target",
        change="no comparison (suppressed)",
        change_css="neutral",
        facts={"Target": "none set (lower is better)"},
        benchmarks=NOT_PUBLISHED,
        first_month=("February 2024", "10", ""),
        last_month=("January 2025", "suppressed", ""),
        chart_label="12-month trend of Children who went missing",
        plotted=[*MISSING[1:12], None],  # January's figure is suppressed: a gap, never a zero
    ),
}

# dimension -> (title, {category: (children, percent)}, bar labels in the chart)
EXPECTED_BREAKDOWNS = {
    "sex": ("Sex", {"Male": ("680", "54.6%"), "Female": ("565", "45.4%")}, ["55%", "45%"]),
    "ethnicity": (
        "Ethnic group",
        {
            "White": ("1,000", "80.3%"),
            "Mixed": ("100", "8.0%"),
            "Black or Black British": ("140", "11.2%"),
            INJECTION: ("suppressed", "suppressed"),  # no bar for it
        },
        ["80%", "8%", "11%"],
    ),
    "age_band": (
        "Age",
        {"under 1": ("60", "4.8%"), "1-4": ("200", "16.1%"), "16+": ("985", "79.1%")},
        ["5%", "16%", "79%"],
    ),
}


# ---- writing and opening the page ----------------------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """The report written once for this module's tests (they only read it), from conftest's warehouse."""
    folder = tmp_path_factory.mktemp("browser")
    warehouse = write_warehouse(folder / "cp.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report, "catalogue", lambda: TEST_CATALOGUE)
        paths = report.write_reports(MONTH, out_dir=folder / "reports", warehouse=warehouse)
    warehouse.dispose()
    return {p.suffix: p for p in paths}


@dataclass
class OpenedReport:
    page: object
    url: str
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)


@pytest.fixture
def open_report(browser):
    """Open a written HTML file in a fresh browser context, recording everything it logs and fetches."""
    contexts = []

    def _open(html: Path) -> OpenedReport:
        url = html.resolve().as_uri()
        context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        opened = OpenedReport(page=page, url=url)
        page.on("console", lambda message: opened.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: opened.page_errors.append(str(error)))
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("websocket", lambda socket: opened.websockets.append(socket.url))

        def only_the_document(route):  # anything else would be a fetch: refuse it and remember it
            if route.request.url == url:
                route.continue_()
            else:
                opened.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_the_document)
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        return opened

    yield _open
    for context in contexts:
        context.close()


def _cells(rows) -> list[list[str]]:
    """Text of every cell (th and td) of some table rows, whether or not their <details> is open."""
    return rows.evaluate_all("rows => rows.map(r => [...r.children].map(c => c.textContent.trim()))")


def _plotted_points(svg) -> list[tuple[str, float, float]]:
    """(month, value, centre y on screen) of each dot of a trend chart, from the month and value
    each dot is drawn for."""
    dots = svg.locator("g.points circle").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.dataset.month, e.dataset.value, r.y + r.height / 2]; })"
    )
    return [(month, float(value), y) for month, value, y in dots]


SPILLS = """() => [...document.querySelectorAll('article.tile, figure.breakdown, section.dq')].flatMap(box => {
    const edge = box.getBoundingClientRect().right;
    return [...box.querySelectorAll('table, svg, p')]
        .filter(e => e.getBoundingClientRect().right > edge + 0.5)
        .map(e => `${box.dataset.indicatorCode || box.dataset.dimension || 'dq'}: ${e.tagName}`);
})"""


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


# ---- the page in the browser ---------------------------------------------------------------


def test_the_page_opens_offline_without_console_errors(written, open_report):
    opened = open_report(written[".html"])
    errors = [(kind, text) for kind, text in opened.console if kind in ("error", "warning", "assert")]
    assert errors == [], errors
    assert opened.page_errors == []
    # The document is the only request: no stylesheet, font, script, image or data: fetch at all.
    assert opened.requests == [opened.url]
    assert opened.blocked == [] and opened.websockets == []
    assert opened.page.evaluate("performance.getEntriesByType('resource').length") == 0
    # Every link stays inside the page; nothing in the DOM could fetch later (on print, on click).
    hrefs = opened.page.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(href.startswith("#") for href in hrefs), hrefs
    fetching = "script, link, img, iframe, object, embed, video, audio, source, [src], [srcset], [poster]"
    assert opened.page.locator(fetching).count() == 0
    # data: URIs are not requests to Playwright, so none may hide in the styles either (fonts, images).
    css = "[...document.styleSheets].flatMap(s => [...s.cssRules]).map(r => r.cssText).join('\\n')"
    styles = opened.page.evaluate(css)
    assert ".tile" in styles and "url(" not in styles
    assert opened.page.title() == "Corporate Parenting Board scorecard: Testshire, January 2025"


def test_at_a_glance_counts(written, open_report):
    page = open_report(written[".html"]).page
    # 4 indicators; Visits is the only one rated (Amber); Missing is suppressed; PEPs has no figure.
    stats = page.locator(".glance .stat strong").all_inner_texts()
    assert stats == ["4", "\u2714 0", "\u25b2 1", "\u2716 0", "1", "1"]


def test_every_indicator_tile_shows_the_hand_checked_figures(written, open_report):
    page = open_report(written[".html"]).page
    tiles = page.locator("article.tile[data-indicator-code]")
    codes = tiles.evaluate_all("els => els.map(e => e.dataset.indicatorCode)")
    assert sorted(codes) == sorted(EXPECTED_TILES), "one tile per indicator row in the month"

    for code, expected in EXPECTED_TILES.items():
        tile = page.locator(f'article.tile[data-indicator-code="{code}"]')
        assert tile.is_visible(), code
        assert tile.locator("h3").first.inner_text() == expected.name
        assert tile.locator(".headline .value").inner_text() == expected.value, code
        if expected.rag is not None:
            assert tile.locator(".headline .rag").inner_text() == expected.rag, code
        change = tile.locator("p.change")
        if expected.change is not None:
            assert change.inner_text() == expected.change, code
        assert expected.change_css in change.get_attribute("class").split(), code
        facts = dict(
            zip(
                tile.locator("dl.facts dt").all_inner_texts(),
                tile.locator("dl.facts dd").all_inner_texts(),
                strict=True,
            )
        )
        assert facts == expected.facts, code
        assert tuple(tile.locator("table.benchmarks tbody td").all_inner_texts()) == expected.benchmarks
        assert tuple(tile.locator("p.notice").all_inner_texts()) == expected.notices, code

        # The chart's table alternative: twelve months, oldest first, the same words as the tile.
        rows = _cells(tile.locator("details:has(table) tbody tr"))
        assert len(rows) == 12, code
        assert tuple(rows[0]) == expected.first_month and tuple(rows[-1]) == expected.last_month, code


def test_every_trend_chart_plots_the_twelve_months(written, open_report):
    page = open_report(written[".html"]).page
    for code, expected in EXPECTED_TILES.items():
        tile = page.locator(f'article.tile[data-indicator-code="{code}"]')
        svg = tile.locator("figure svg")
        assert svg.count() == 1, f"{code}: one inline SVG chart"
        assert page.get_by_role("img", name=expected.chart_label, exact=True).count() == 1, code
        box = svg.bounding_box()
        assert box["width"] > 200 and box["height"] > 80, (code, box)

        points = _plotted_points(svg)
        wanted = [(m, float(v)) for m, v in zip(SHORT_MONTHS, expected.plotted, strict=True) if v is not None]
        assert [(m, v) for m, v, _ in points] == wanted, code
        # The dots sit where their values say: y on screen is one straight line of the value.
        (_, v0, y0), (_, v1, y1) = min(points, key=lambda p: p[1]), max(points, key=lambda p: p[1])
        scale = (y1 - y0) / (v1 - v0)
        assert scale < 0, "higher values are drawn higher up"
        for month, value, y in points:
            assert abs(y - (y0 + scale * (value - v0))) < 0.5, (code, month)

        target_lines = svg.locator("path.target[stroke-dasharray]")
        if expected.target is None:
            assert target_lines.count() == 0, code
        else:
            assert target_lines.count() == 1, code
            top, height = target_lines.evaluate(
                "e => [e.getBoundingClientRect().y, e.getBoundingClientRect().height]"
            )
            assert height < 0.5, "the target is flat across the year"
            assert abs(top - (y0 + scale * (expected.target - v0))) < 0.5, code


def test_every_breakdown_chart_and_table(written, open_report):
    page = open_report(written[".html"]).page
    figures = page.locator("figure.breakdown[data-dimension]")
    assert figures.evaluate_all("els => els.map(e => e.dataset.dimension)") == list(EXPECTED_BREAKDOWNS)
    for dimension, (title, rows, bar_labels) in EXPECTED_BREAKDOWNS.items():
        figure = page.locator(f'figure.breakdown[data-dimension="{dimension}"]')
        assert figure.locator("h3").inner_text() == title
        label = f"Children looked after by {title.lower()}, per cent"
        assert figure.get_by_role("img", name=label, exact=True).is_visible(), dimension

        table = {row[0]: (row[1], row[2]) for row in _cells(figure.locator("details tbody tr"))}
        assert table == rows, dimension

        bars = figure.locator("svg g.bars rect").evaluate_all(
            "els => els.map(e => [e.dataset.category, e.dataset.percent, e.getBoundingClientRect().width])"
        )
        shown = {category: percent for category, (_, percent) in rows.items() if percent != "suppressed"}
        assert len(bars) == len(shown), f"{dimension}: one bar per category with a figure"
        widths = {}
        for category, percent, width in bars:
            assert f"{float(percent):.1f}%" == shown[category], (category, percent)
            widths[category] = width / float(percent)
        assert max(widths.values()) - min(widths.values()) < 0.01, "bar lengths in proportion"
        texts = figure.locator("svg g.labels text").all_text_contents()
        assert [t for t in texts if t] == bar_labels, dimension


def test_formula_like_source_text_is_shown_as_text(written, open_report):
    page = open_report(written[".html"]).page
    # In the ethnicity table and in the data quality panel, exactly as received, and never a link.
    ethnicity = _cells(page.locator('figure[data-dimension="ethnicity"] details tbody tr'))
    assert [INJECTION, "suppressed", "suppressed"] in ethnicity
    dq_rows = _cells(page.locator("section.dq table tbody tr"))
    assert ["Header", "H_ETHNIC_CODE", "flagged", "1", f"{INJECTION} (value: @SUM(A1))"] in dq_rows
    assert page.locator('a[href*="example.invalid"]').count() == 0


def test_nothing_spills_out_of_its_box(written, open_report):
    """Source text such as a long category name wraps inside its card, even with every table open."""
    page = open_report(written[".html"]).page
    page.eval_on_selector_all("details", "els => els.forEach(e => { e.open = true; })")
    assert page.evaluate(SPILLS) == []


CLIPPED = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')].filter(t => {
        const r = t.getBoundingClientRect();
        return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
            || r.bottom > box.bottom + 0.5;
    }).map(t => `${svg.getAttribute('aria-label')}: ${t.textContent}`);
})"""


def test_every_chart_label_is_inside_its_chart(written, open_report):
    """Axis labels, titles and bar labels are drawn inside the chart, whatever font the browser
    has for Arial (a narrower guess of the text's width would cut a long category name off)."""
    page = open_report(written[".html"]).page
    assert page.locator("svg.chart text").count() > 100
    assert page.evaluate(CLIPPED) == []


def test_full_page_screenshot_is_kept_as_an_artifact(written, open_report):
    page = open_report(written[".html"]).page
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"report_{MONTH}.png"
    png = page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    width, height = _png_size(png)
    assert width == VIEWPORT["width"]
    assert height == page.evaluate("document.documentElement.scrollHeight") > 3 * VIEWPORT["height"]
    assert len(png) > 100_000  # a blank page of that size is a few kilobytes


def test_prints_to_a4_pdf(written, open_report):
    page = open_report(written[".html"]).page
    page.emulate_media(media="print")
    assert page.locator("nav.contents").is_hidden()  # the print CSS drops the on-screen contents
    assert page.locator("article.tile").count() == len(EXPECTED_TILES)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"report_{MONTH}.pdf"
    pdf = page.pdf(path=str(path), format="A4", print_background=True)
    print(f"pdf: {path}")
    assert pdf.startswith(b"%PDF")
    assert 2 <= _pdf_pages(pdf) <= 10, _pdf_pages(pdf)


# ---- the workbook, read back ---------------------------------------------------------------


def test_workbook_holds_the_same_figures_as_the_page(written):
    book = load_workbook(written[".xlsx"])
    sheet = book["Indicators"]
    headers = [c.value for c in sheet[1]]
    column = {h: i for i, h in enumerate(headers)}
    rows = {r[column["Code"]].value: r for r in sheet.iter_rows(min_row=2)}
    assert set(rows) == set(EXPECTED_TILES)

    visits = rows["VISITS_6_WEEKS_PCT"]
    assert (visits[column["Value"]].value, visits[column["Value"]].data_type) == (80, "n")
    assert visits[column["Value"]].number_format == '0.0"%"'  # Excel shows 80.0%, as the tile does
    assert (visits[column["Numerator"]].value, visits[column["Denominator"]].value) == (400, 500)
    assert visits[column["Target"]].value == 85 and visits[column["RAG"]].value == "amber"
    assert [visits[column[h]].value for h in ("England", "Region", "Statistical neighbours")] == [78, 82, 80]
    assert visits[column["Last month"]].value == 75 and visits[column["12 months ago"]].value == 70

    trend = headers[column["Extracts not received"] + 1 :]
    assert trend[0] == "February 2024" and trend[-1] == "January 2025" and len(trend) == 12
    for code, values in {"VISITS_6_WEEKS_PCT": VISITS, "CLA_COUNT": CLA}.items():
        assert [rows[code][column[m]].value for m in trend] == values[1:], code
    assert rows["CLA_COUNT"][column["Value"]].value == 1_245
    assert rows["MISSING_CHILDREN"][column["Value"]].value == "suppressed"
    assert rows["MISSING_CHILDREN"][column["January 2025"]].value == "suppressed"
    assert rows["PEP_6_MONTHS_PCT"][column["Value"]].value is None  # no figure: an empty cell, not 0
    assert rows["PEP_6_MONTHS_PCT"][column["Extracts not received"]].value == "PEPs"

    breakdowns = {(r[0].value, r[1].value): r for r in book["Breakdowns"].iter_rows(min_row=2)}
    assert breakdowns[("sex", "Male")][2].value == 680 and breakdowns[("sex", "Male")][3].value == 54.6


def test_workbook_stores_formula_like_text_as_text(written):
    book = load_workbook(written[".xlsx"])
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value in (INJECTION, "@SUM(A1)")
    ]
    assert {(c.parent.title, c.value) for c in cells} == {
        ("Breakdowns", INJECTION),
        ("Data quality", INJECTION),
        ("Data quality", "@SUM(A1)"),
    }
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.parent.title, cell.coordinate)

    # As Excel reads the file: a string cell (t="inlineStr" or "s"), never a <f> formula element,
    # with a style whose quotePrefix makes Excel keep it as text even when the cell is edited.
    namespace = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(written[".xlsx"]) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
        quoted = [xf.get("quotePrefix") == "1" for xf in styles.iterfind("x:cellXfs/x:xf", namespace)]
        found = 0
        for name in archive.namelist():
            if not name.startswith("xl/worksheets/"):
                continue
            sheet_xml = ElementTree.fromstring(archive.read(name))
            assert sheet_xml.find(".//x:f", namespace) is None, f"a formula in {name}"
            for cell in sheet_xml.iterfind(".//x:c", namespace):
                text = "".join(cell.itertext())
                if text in (INJECTION, "@SUM(A1)"):
                    found += 1
                    assert cell.get("t") in ("inlineStr", "s"), (name, cell.get("r"))
                    assert quoted[int(cell.get("s", 0))], (name, cell.get("r"))
    assert found == 3
