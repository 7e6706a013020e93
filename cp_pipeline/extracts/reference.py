"""Loads the reference folder (population, benchmarks, targets, costs, geography, schools) into staging.ref_*."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline.yaml_files import load_yaml

# file -> (table, {column: logical type}); columns as in extracts.md "Reference data".
REFERENCE_FILES = {
    "population.csv": ("ref_population", {"la_code": "text", "year": "int", "population_0_17": "float"}),
    "benchmarks.csv": (
        "ref_benchmarks",
        {"indicator_code": "text", "comparator": "text", "year": "int", "value": "float"},
    ),
    "placement_costs.csv": (
        "ref_placement_costs",
        {"la_code": "text", "placement_group": "text", "weekly_cost": "float", "from_month": "text"},
    ),
    "postcode_districts.csv": ("ref_postcode_districts", {"postcode_district": "text", "la_code": "text"}),
    "school_ratings.csv": (
        "ref_school_ratings",
        {"urn": "text", "ofsted_rating": "int", "inspected_date": "date"},
    ),
    "las.csv": (
        "ref_las",
        {"la_code": "text", "la_name": "text", "region_code": "text", "region_name": "text"},
    ),
}
TARGET_TYPES = {
    "la_code": "text",
    "indicator_code": "text",
    "target": "float",
    "amber_tolerance": "float",
    "from_month": "text",
}


def _read_csv(path: Path, types: dict[str, str]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.columns = [c.strip().lower() for c in frame.columns]
    frame = frame.reindex(columns=list(types))
    for column, logical in types.items():
        values = frame[column].str.strip().replace("", None)
        if logical in ("int", "float"):
            values = pd.to_numeric(values.str.replace(",", "", regex=False), errors="coerce")
            frame[column] = values.astype("Int64" if logical == "int" else "Float64")
        elif logical == "date":
            frame[column] = pd.to_datetime(values, dayfirst=True, errors="coerce", format="mixed").dt.date
        else:
            frame[column] = values.astype("string")
    return frame


def read_targets(path: Path) -> pd.DataFrame:
    """targets.yaml as a list of {la_code, indicator_code, target, amber_tolerance?, from_month?}
    (optionally under a `targets:` key), or nested {la_code: {indicator_code: [{target, ...}]}}."""
    if not path.is_file():
        return pd.DataFrame(columns=list(TARGET_TYPES))
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    rows = []
    if isinstance(data, dict) and isinstance(data.get("targets"), list):
        data = data["targets"]  # {targets: [{la_code, indicator_code, target, ...}, ...]}
    if isinstance(data, list):
        rows = [dict(r) for r in data]
    else:
        for la_code, codes in data.items():
            for code, entries in (codes or {}).items():
                for entry in entries if isinstance(entries, list) else [entries]:
                    entry = entry if isinstance(entry, dict) else {"target": entry}
                    rows.append({"la_code": la_code, "indicator_code": code, **entry})
    frame = pd.DataFrame(rows).reindex(columns=list(TARGET_TYPES))
    frame["from_month"] = frame["from_month"].fillna("1900-01").astype(str).str.slice(0, 7)
    for col in ("target", "amber_tolerance"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Float64")
    for col in ("la_code", "indicator_code"):
        frame[col] = frame[col].astype("string")
    return frame


def load_reference(warehouse: Warehouse, reference_dir: Path) -> dict[str, int]:
    """Replace every reference table with the folder's files, in one transaction."""
    counts = {}
    with warehouse.transaction() as conn:
        warehouse.ensure_schemas(conn)
        for file_name, (table, types) in REFERENCE_FILES.items():
            path = reference_dir / file_name
            frame = _read_csv(path, types) if path.is_file() else pd.DataFrame(columns=list(types))
            counts[table] = _replace_all(warehouse, conn, table, frame, types)
        targets = read_targets(reference_dir / "targets.yaml")
        counts["ref_targets"] = _replace_all(warehouse, conn, "ref_targets", targets, TARGET_TYPES)
    return counts


def _replace_all(warehouse: Warehouse, conn, table: str, frame: pd.DataFrame, types: dict[str, str]) -> int:
    return warehouse.replace_all_rows(conn, "staging", table, frame, types)
