"""Messy CMS exports stage to exactly the rows of the clean extract they were made from."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cp_pipeline.extracts.landing import land_month
from cp_pipeline.extracts.specs import table_specs
from cp_pipeline.synthetic.generate import generate
from cp_pipeline.warehouse.engine import Warehouse

LA, MONTH = "E06000002", "2025-04"
LINEAGE = ["source_file", "source_line", "la_code", "extract_month"]


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    root = tmp_path_factory.mktemp("clean_and_messy")
    warehouses = {}
    for mode in ("clean", "messy"):
        generate(root / mode, seed=21, las=1, months=1, end_month=MONTH, messy=mode == "messy")
        warehouse = Warehouse(f"duckdb:///{root}/{mode}.duckdb")
        land_month(warehouse, root / mode / "extracts" / LA / MONTH, LA, MONTH)
        warehouses[mode] = warehouse
    manifest = json.loads((root / "messy" / "messy_manifest.json").read_text())
    yield warehouses, manifest
    for warehouse in warehouses.values():
        warehouse.dispose()


def _staged(warehouse: Warehouse, table: str, drop_lines: set[tuple[str, int]]) -> pd.DataFrame:
    frame = warehouse.read_frame(f"SELECT * FROM staging.{table}")
    keep = [
        (f, int(n)) not in drop_lines for f, n in zip(frame["source_file"], frame["source_line"], strict=True)
    ]
    frame = frame[keep].drop(columns=LINEAGE)
    frame = frame.astype(str)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_messy_files_stage_to_the_clean_rows(landed):
    warehouses, manifest = landed
    injected_flagged = {
        (Path(r["file"]).name, r["line"]) for r in manifest["invalid_rows"] if r["action"] == "flagged"
    }
    tolerated = {t for f in manifest["tolerated"] for t in f["transformations"]}
    assert {
        "bom",
        "cp1252",
        "float_ids",
        "padded_ids",
        "lower_codes",
        "shuffled_columns",
        "iso_dates",
    } & tolerated
    compared = 0
    for spec in table_specs().values():
        clean = _staged(warehouses["clean"], spec.staging_name, set())
        messy = _staged(warehouses["messy"], spec.staging_name, injected_flagged)
        pd.testing.assert_frame_equal(clean, messy, obj=spec.name)
        compared += len(clean)
    assert compared > 100_000


def test_only_the_injected_rows_are_rejected(landed):
    warehouses, manifest = landed
    rejected = warehouses["messy"].read_frame(
        "SELECT DISTINCT source_file, source_line FROM dq.quarantine WHERE action = 'rejected'"
    )
    expected = {
        (Path(r["file"]).name, r["line"]) for r in manifest["invalid_rows"] if r["action"] == "rejected"
    }
    assert set(zip(rejected["source_file"], rejected["source_line"].astype(int), strict=True)) == expected
    clean = warehouses["clean"].read_frame(
        "SELECT COUNT(*) AS n FROM dq.quarantine WHERE action = 'rejected'"
    )
    assert clean["n"].iloc[0] == 0
