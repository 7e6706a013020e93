"""Builds mart.scorecard_breakdown for a month: children looked after at P (and those who went
missing or are at risk of exploitation) counted by the categories of each breakdown dimension,
with the percent of the group and small-number suppression.

Each dimension is one SQL fragment in dbt_like_sql/indicators/breakdowns/, a SELECT giving
la_code, dimension, category, children, total (total = the children the percent is of), with a
YAML header naming the tables it reads; a council that did not send one of them that month gets
no rows for that dimension (absent is not empty, as for indicators).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from cp_pipeline.indicators.catalogue import INDICATOR_SQL_DIR
from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline.warehouse.models import _HEADER, load_models, month_bounds, render
from cp_pipeline.yaml_files import load_yaml

BREAKDOWN_SQL_DIR = INDICATOR_SQL_DIR / "breakdowns"
BREAKDOWN_TYPES = {
    "la_code": "text",
    "extract_month": "text",
    "period_end": "date",
    "dimension": "text",
    "category": "text",
    "children": "int",
    "percent": "float",
    "suppressed": "bool",
}


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    description: str
    reads: tuple[str, ...]
    path: Path

    @property
    def sql(self) -> str:
        text = self.path.read_text(encoding="utf-8")
        match = _HEADER.match(text)
        return text[match.end() :] if match else text


@cache
def breakdowns() -> dict[str, Breakdown]:
    """Every breakdown fragment, keyed by its dimension."""
    found = {}
    for path in sorted(BREAKDOWN_SQL_DIR.glob("*.sql")):
        match = _HEADER.match(path.read_text(encoding="utf-8"))
        header = (load_yaml(match.group(1)) if match else None) or {}
        dimension = str(header.get("dimension", path.stem))
        found[dimension] = Breakdown(
            dimension=dimension,
            description=str(header.get("description", "")).strip(),
            reads=tuple(header.get("reads") or ()),
            path=path,
        )
    return found


def suppress_breakdown(frame: pd.DataFrame) -> pd.DataFrame:
    """Small-number suppression for publication: a count of 1-5 loses its count and percent; a
    percent of a group under 10 loses its percent. `suppressed` marks any removal."""
    frame = frame.copy()
    small_count = frame["children"].between(1, 5).fillna(False).astype(bool)
    small_group = (frame["total"] < 10).fillna(False).astype(bool)
    frame.loc[small_count, "children"] = pd.NA
    frame.loc[small_count | small_group, "percent"] = pd.NA
    frame["suppressed"] = small_count | small_group
    return frame


def build_breakdowns(warehouse: Warehouse, extract_month: str, *, publish: bool = False) -> pd.DataFrame:
    """The month's breakdown rows for every council that sent an extract."""
    _, period_end = month_bounds(extract_month)
    models = load_models()
    frames = []
    with warehouse.engine.connect() as conn:
        presence = warehouse.read_frame(
            "SELECT la_code, table_name, present FROM dq.extract_tables WHERE extract_month = :m",
            {"m": extract_month},
            conn,
        )
        absent = (
            presence[~presence["present"].astype(bool)].groupby("la_code")["table_name"].apply(set).to_dict()
        )
        for breakdown in breakdowns().values():
            sql = render(breakdown.sql, models, warehouse.dialect, extract_month)
            result = warehouse.read_frame(sql, conn=conn)
            skip = {la for la, tables in absent.items() if tables & set(breakdown.reads)}
            frames.append(result[~result["la_code"].isin(skip)])
    non_empty = [f for f in frames if not f.empty]
    if non_empty:
        rows = pd.concat(non_empty, ignore_index=True)
    else:
        rows = pd.DataFrame(columns=["la_code", "dimension", "category", "children", "total"])
    rows["children"] = pd.to_numeric(rows["children"]).astype("Int64")
    rows["total"] = pd.to_numeric(rows["total"]).astype("Int64")
    total = rows["total"].astype("Float64")
    rows["percent"] = 100.0 * rows["children"].astype("Float64") / total.where(total != 0)
    rows["category"] = rows["category"].astype("string").fillna("not recorded")
    if publish:
        rows = suppress_breakdown(rows)
    else:
        rows["suppressed"] = False
    rows["extract_month"] = extract_month
    rows["period_end"] = period_end
    rows = rows.sort_values(["la_code", "dimension", "category"], ignore_index=True)
    return rows.reindex(columns=list(BREAKDOWN_TYPES))


def write_breakdowns(
    warehouse: Warehouse,
    extract_month: str,
    *,
    publish: bool = False,
    rows: pd.DataFrame | None = None,
    conn=None,
) -> pd.DataFrame:
    """Replace the month's rows of mart.scorecard_breakdown (inside the caller's transaction
    when `conn` is given, so the scorecard and its breakdown change together)."""
    if rows is None:
        rows = build_breakdowns(warehouse, extract_month, publish=publish)
    if conn is None:
        with warehouse.transaction() as own:
            return write_breakdowns(warehouse, extract_month, rows=rows, conn=own)
    warehouse.ensure_schemas(conn)
    warehouse.create_table(conn, "mart", "scorecard_breakdown", BREAKDOWN_TYPES)
    warehouse.replace_rows(
        conn,
        "mart",
        "scorecard_breakdown",
        rows,
        where={"extract_month": extract_month},
        column_types=BREAKDOWN_TYPES,
    )
    return rows
