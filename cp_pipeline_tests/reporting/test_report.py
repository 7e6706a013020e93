"""The written scorecard: one self-contained HTML file per council, and its XLSX workbook."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cp_pipeline.reporting import report
from cp_pipeline_tests.reporting.conftest import INJECTION, LA, MONTH, write_warehouse

# Anything that would make the browser fetch from the network.
NETWORK_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import)""",
    re.IGNORECASE,
)


@pytest.fixture
def html(written) -> str:
    return written[".html"].read_text(encoding="utf-8")


def test_one_html_and_one_workbook_per_council(written):
    assert written[".html"].name == f"scorecard_{LA}_{MONTH}.html"
    assert written[".xlsx"].name == f"scorecard_{LA}_{MONTH}.xlsx"


def test_html_is_self_contained(html):
    assert not NETWORK_REFERENCE.search(html)
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed"):
        assert tag not in html.lower(), tag
    assert "<style>" in html
    assert html.count("<svg") >= 4  # trend charts and breakdown charts are inline SVG


def test_html_has_real_headings(html):
    assert len(re.findall(r"<h1\b", html)) == 1
    h2 = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    for section in ("Demand and population", "Practice standards", "Missing from care and exploitation"):
        assert section in h2
    assert "Data quality: how far to trust these figures" in h2
    assert "Seen in the last 6 weeks" in re.findall(r"<h3[^>]*>(.*?)</h3>", html)


def test_every_chart_has_a_table_alternative(html):
    figures = re.findall(r"<figure\b.*?</figure>\s*(?:<details\b.*?</details>)?", html, re.S)
    charts = [f for f in figures if "<svg" in f]
    assert charts
    for block in charts:
        assert "<table" in block, block[:200]
    assert html.count("<svg") <= html.count("<details")


def test_rag_is_shown_as_words_and_symbols(html):
    assert "Amber" in html and "Green" in html and "Red" in html
    assert re.search(r"\u25b2</span> Amber", html)
    assert "No target" in html


def test_suppressed_value_is_shown_as_suppressed_never_zero(html):
    tile = re.search(r'<article[^>]*aria-labelledby="t-MISSING_CHILDREN".*?</article>', html, re.S).group(0)
    assert re.search(r'class="value suppressed">suppressed<', tile)
    assert not re.search(r'class="value[^"]*">0<', tile)


def test_absent_extract_is_not_a_zero(html):
    tile = re.search(r'<article[^>]*aria-labelledby="t-PEP_6_MONTHS_PCT".*?</article>', html, re.S).group(0)
    assert "no figure" in tile
    assert "PEPs extract was not received" in tile
    assert "0.0%</span>" not in tile


def test_tile_shows_value_target_arrow_benchmarks_and_base(html):
    tile = re.search(r'<article[^>]*aria-labelledby="t-VISITS_6_WEEKS_PCT".*?</article>', html, re.S).group(0)
    assert ">80.0%<" in tile
    assert "85.0%" in tile  # target
    assert "up 5.0 percentage points from 75.0% last month" in tile
    assert 'class="change good"' in tile  # up on an up-polarity measure is the good colour
    assert "400 of 500" in tile
    for benchmark in ("78.0%", "82.0%", "80.0%"):
        assert benchmark in tile
    assert "up from 75.0% last month" in tile and "which is better" in tile


def test_a_neutral_indicator_arrow_is_grey(html):
    tile = re.search(r'<article[^>]*aria-labelledby="t-CLA_COUNT".*?</article>', html, re.S).group(0)
    assert 'class="change neutral"' in tile
    assert ">1,245<" in tile


def test_data_quality_panel(html):
    panel = html[html.index('id="data-quality"') :]
    assert "Episodes" in panel and "E_DECOM_FUTURE" in panel
    assert "episodes_have_one_open_per_child" in panel  # failed check
    assert "child_ids_unique" not in panel  # passed checks are not listed
    assert "episodes.csv" in panel and "03 February 2025" in panel
    assert re.search(r"<th scope=\"row\">PEPs</th><td>Personal education plan</td>", panel)


def test_breakdowns_and_injection_text_are_escaped(html):
    assert "Children in our care" in html
    assert "Ethnic group" in html
    assert INJECTION not in html  # quotes are escaped, so no raw attribute-breaking text
    assert "=HYPERLINK(&#34;http://example.invalid/x&#34;" in html


def test_workbook_sheets_numbers_and_formula_injection(written):
    book = load_workbook(written[".xlsx"])
    assert book.sheetnames == ["Indicators", "Breakdowns", "Data quality", "Definitions"]

    sheet = book["Indicators"]
    headers = [c.value for c in sheet[1]]
    assert headers[-12:][0] == "February 2024" and headers[-1] == "January 2025"
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=2)}
    col = {h: i for i, h in enumerate(headers)}
    visits = rows["VISITS_6_WEEKS_PCT"]
    assert visits[col["Value"]].value == 80
    assert visits[col["Value"]].data_type == "n"
    assert visits[col["Target"]].data_type == "n"
    assert visits[col["January 2025"]].value == 80 and visits[col["February 2024"]].value == 72
    assert visits[col["Numerator"]].data_type == "n"
    missing = rows["MISSING_CHILDREN"]
    assert missing[col["Value"]].value == "suppressed"
    assert missing[col["January 2025"]].value == "suppressed"
    assert rows["PEP_6_MONTHS_PCT"][col["Value"]].value is None
    assert rows["PEP_6_MONTHS_PCT"][col["Extracts not received"]].value == "PEPs"

    breakdowns = book["Breakdowns"]
    injected = [r for r in breakdowns.iter_rows(min_row=2) if r[1].value == INJECTION]
    assert injected and injected[0][1].data_type == "s" and injected[0][1].quotePrefix
    assert injected[0][2].value == "suppressed"
    male = next(r for r in breakdowns.iter_rows(min_row=2) if r[1].value == "Male")
    assert male[2].value == 680 and male[2].data_type == "n"

    dq = book["Data quality"]
    messages = [r[4] for r in dq.iter_rows(min_row=2)]
    injected = [c for c in messages if c.value == INJECTION]
    assert injected and injected[0].data_type == "s" and injected[0].quotePrefix
    values = [r[5] for r in dq.iter_rows(min_row=2) if r[5].value == "@SUM(A1)"]
    assert values and values[0].data_type == "s" and values[0].quotePrefix

    definitions = book["Definitions"]
    assert {r[0].value for r in definitions.iter_rows(min_row=2)} >= {"VISITS_6_WEEKS_PCT", "CLA_COUNT"}


def test_no_formula_anywhere_in_the_workbook(written):
    book = load_workbook(written[".xlsx"])
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"


def test_report_without_breakdowns_or_optional_dq_tables(tmp_path, test_catalogue):
    warehouse = write_warehouse(tmp_path / "bare.duckdb", with_breakdowns=False)
    with warehouse.transaction() as conn:
        conn.exec_driver_sql("DROP TABLE dq.validation_result")
        conn.exec_driver_sql("DROP TABLE dq.quarantine")
    paths = report.write_reports(MONTH, la_code=LA, out_dir=tmp_path / "out", warehouse=warehouse)
    html = paths[0].read_text(encoding="utf-8")
    assert "Children in our care" not in html
    assert "No rows were rejected or flagged." in html
    warehouse.dispose()


def test_indicators_missing_from_the_catalogue_still_appear(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "catalogue", lambda: {})
    warehouse = write_warehouse(tmp_path / "cp.duckdb")
    paths = report.write_reports(MONTH, out_dir=tmp_path / "out", warehouse=warehouse)
    html = paths[0].read_text(encoding="utf-8")
    assert "Other indicators" in html and "VISITS_6_WEEKS_PCT" in html
    warehouse.dispose()


def test_a_month_without_rows_fails_with_a_clear_reason(warehouse, test_catalogue, tmp_path):
    with pytest.raises(RuntimeError, match="no scorecard rows for 2030-01"):
        report.write_reports("2030-01", out_dir=tmp_path / "out", warehouse=warehouse)


def test_every_catalogue_indicator_gets_a_tile_in_its_section(tmp_path):
    """With the package's own catalogue, whatever entries it holds today."""
    import pandas as pd

    from cp_pipeline.indicators.catalogue import catalogue
    from cp_pipeline.indicators.scorecard import SCORECARD_TYPES
    from cp_pipeline.reporting.formatting import months_ending
    from cp_pipeline.warehouse.engine import Warehouse

    entries = catalogue()
    rows = [
        {
            "la_code": LA,
            "extract_month": month,
            "period_end": pd.Period(month, freq="M").end_time.date(),
            "indicator_code": code,
            "numerator": 40.0 + i + n,
            "denominator": 100.0,
            "value": 40.0 + i + n,
            "unit": indicator.unit,
            "polarity": indicator.polarity,
            "target": 50.0,
            "rag": "red",
            "england": 45.0,
            "region": None,
            "stat_neighbours": 47.5,
            "value_last_month": 39.0 + i + n,
            "value_12_months_ago": 28.0 + i + n,
            "suppressed": False,
            "missing_tables": None,
        }
        for n, (code, indicator) in enumerate(entries.items())
        for i, month in enumerate(months_ending(MONTH, 13))
    ]
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'all.duckdb'}")
    with warehouse.transaction() as conn:
        warehouse.ensure_schemas(conn)
        warehouse.replace_rows(
            conn,
            "mart",
            "scorecard_indicator",
            pd.DataFrame(rows),
            where={"la_code": LA},
            column_types=SCORECARD_TYPES,
        )
    paths = report.write_reports(MONTH, out_dir=tmp_path / "out", warehouse=warehouse)
    html = paths[0].read_text(encoding="utf-8")
    for code, indicator in entries.items():
        assert f'id="t-{code}"' in html, code
        assert f">{report.section_of(indicator)}</h2>" in html
    assert "Other indicators" not in html
    warehouse.dispose()


def _unstamped(page: Path) -> str:
    return re.sub(
        r"Produced \d{2} \w+ \d{4} \d{2}:\d{2}\.", "Produced (when).", page.read_text(encoding="utf-8")
    )


def test_reports_drawn_in_helper_processes_match_those_drawn_in_process(
    warehouse, test_catalogue, tmp_path, monkeypatch
):
    """Regional and national runs draw councils' reports in a few processes: same files."""
    serial = report.write_reports(MONTH, out_dir=tmp_path / "serial", warehouse=warehouse)
    monkeypatch.setattr(report, "PARALLEL_FROM_COUNCILS", 1)
    monkeypatch.setattr(report, "REPORT_PROCESSES", 2)
    monkeypatch.setattr(report.os, "cpu_count", lambda: 2)
    parallel = report.write_reports(MONTH, out_dir=tmp_path / "parallel", warehouse=warehouse)
    assert [p.name for p in parallel] == [p.name for p in serial]
    for a, b in zip(serial, parallel, strict=True):
        if a.suffix == ".html":  # the same but for the minute each was produced in
            assert _unstamped(a) == _unstamped(b), a.name


def test_a_runs_main_process_does_not_import_the_drawing_libraries():
    """A run's main process reads each report's figures and its helpers draw them: loading the
    pipeline and the report module there must not pay for openpyxl (~0.4 s)."""
    code = (
        "import sys, cp_pipeline.orchestration.definitions, cp_pipeline.reporting.report; "
        "print(sorted({'openpyxl'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
