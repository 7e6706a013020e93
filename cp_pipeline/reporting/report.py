"""Writes the board scorecard for a month from mart.scorecard_indicator (HTML and XLSX)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from cp_pipeline.indicators.catalogue import catalogue
from cp_pipeline.settings import Settings
from cp_pipeline.warehouse.engine import Warehouse


def load_scorecard(warehouse: Warehouse, month: str, la_code: str | None = None) -> pd.DataFrame:
    sql = "SELECT * FROM mart.scorecard_indicator WHERE extract_month = :m"
    params = {"m": month}
    if la_code:
        sql += " AND la_code = :la"
        params["la"] = la_code
    return warehouse.read_frame(sql + " ORDER BY la_code, indicator_code", params)


def write_reports(month: str, la_code: str | None = None, out_dir: Path = Path("data/reports")) -> list[Path]:
    warehouse = Warehouse(Settings.from_env().warehouse_url)
    frame = load_scorecard(warehouse, month, la_code)
    if frame.empty:
        raise RuntimeError(f"no scorecard rows for {month}" + (f" and {la_code}" if la_code else "") + ": run it first")
    names = {code: ind.name for code, ind in catalogue().items()}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for la, rows in frame.groupby("la_code"):
        rows = rows.assign(name=rows["indicator_code"].map(names))
        stem = out_dir / f"scorecard_{la}_{month}"
        table = rows[["indicator_code", "name", "value", "unit", "target", "rag", "value_last_month"]]
        body = table.to_html(index=False, na_rep="", float_format=lambda v: f"{v:,.1f}")
        stem.with_suffix(".html").write_text(
            "<!doctype html><html lang='en'><meta charset='utf-8'>"
            f"<title>Corporate Parenting scorecard {html.escape(la)} {month}</title>"
            f"<h1>Corporate Parenting scorecard: {html.escape(la)}, {month}</h1>{body}</html>",
            encoding="utf-8",
        )
        table.to_excel(stem.with_suffix(".xlsx"), index=False, sheet_name="Indicators")
        written += [stem.with_suffix(".html"), stem.with_suffix(".xlsx")]
    return written
