"""Text that came from a council's files is shown as text: never markup, never a formula."""

from __future__ import annotations

import zipfile

from cp_pipeline.reporting import report
from cp_pipeline_tests.reporting.conftest import LA, MONTH

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_in_a_quarantine_message_and_a_breakdown_category_stays_text(
    warehouse, test_catalogue, tmp_path
):
    with warehouse.transaction() as conn:
        conn.exec_driver_sql(
            "INSERT INTO dq.quarantine (la_code, extract_month, table_name, source_file, source_line, column_name, "
            f"rule_id, action, message, value, stage) VALUES ('{LA}', '{MONTH}', 'Episodes', 'episodes.csv', 9, "
            f"'PLACE', 'REJ-CODE-PLACE', 'rejected', '{MARKUP}', '{MARKUP}', 'ingest')"
        )
        conn.exec_driver_sql(
            "INSERT INTO mart.scorecard_breakdown (la_code, extract_month, period_end, dimension, category, "
            f"children, percent, suppressed) VALUES ('{LA}', '{MONTH}', DATE '2025-01-31', 'legal_status', "
            f"'{MARKUP}', 7, 1.0, FALSE)"
        )
    paths = {p.suffix: p for p in report.write_reports(MONTH, out_dir=tmp_path, warehouse=warehouse)}
    html = paths[".html"].read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    with zipfile.ZipFile(paths[".xlsx"]) as book:
        xml = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    assert "<script>" not in xml and "&lt;script&gt;" in xml
