"""Row builders for the indicator tests' hand-made extracts, and a one-call month build.

Dates are ISO strings, columns are the contract's (tables.yaml). Tables left out of a month are
absent (the council did not send them); pass [] for a table sent empty.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline_tests.fixtures.handmade import DEFAULT_LA, build, stage_tables, write_reference

# Every table of the contract, sent empty unless a test gives rows.
ALL_TABLES = (
    "Header",
    "Episodes",
    "Reviews",
    "UASC",
    "Missing",
    "PlacedAdoption",
    "AD1",
    "PrevPerm",
    "SWEpisodes",
    "OC2",
    "OC3",
    "Visits",
    "HealthChecks",
    "PEPs",
    "Supervisions",
    "PermanencePlans",
    "CareLeaverContacts",
    "Schools",
    "Workforce",
    "Establishment",
    "EdgeOfCare",
    "Exploitation",
    "CarerApprovals",
)


def episode(
    child, decom, dec=None, *, rne="S", ls="C2", cin="N1", place="U4", provider="PR1", rec=None, pl_post=None
) -> dict:
    if dec is not None and rec is None:
        rec = "X1"  # a chain continues unless the test says the period ceased
    return {
        "CHILD": child,
        "DECOM": decom,
        "DEC": dec,
        "RNE": rne,
        "LS": ls,
        "CIN": cin,
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "REC": rec,
        "PL_POST": pl_post,
    }


def header(child, dob="2012-06-15", sex="M", ethnic="WBRI") -> dict:
    return {"CHILD": child, "SEX": sex, "DOB": dob, "ETHNIC": ethnic}


def headers_for(episodes: list[dict], dobs: dict | None = None, sexes: dict | None = None) -> list[dict]:
    """One Header row per child in the episodes (DOB and sex overridable per child)."""
    dobs, sexes = dobs or {}, sexes or {}
    children = dict.fromkeys(e["CHILD"] for e in episodes)
    return [header(c, dob=dobs.get(c, "2012-06-15"), sex=sexes.get(c, "M")) for c in children]


def build_month(
    warehouse: Warehouse,
    folder: Path,
    tables: dict[str, list[dict]],
    month: str = "2024-03",
    *,
    la_code: str = DEFAULT_LA,
    reference_files: dict[str, str] | None = None,
    send_all: bool = True,
) -> pd.DataFrame:
    """Stage the month (every other table sent empty when send_all), build it; the scorecard rows."""
    if send_all:
        tables = {name: [] for name in ALL_TABLES} | tables
    stage_tables(warehouse, la_code, month, tables)
    reference = write_reference(folder / "reference", la_code=la_code)
    for name, text in (reference_files or {}).items():
        (reference / name).write_text(text)
    return build(warehouse, month, reference)


def row(scorecard: pd.DataFrame, code: str, la_code: str = DEFAULT_LA) -> dict:
    rows = scorecard[(scorecard["indicator_code"] == code) & (scorecard["la_code"] == la_code)]
    assert len(rows) == 1, f"expected one {code} row for {la_code}, got {len(rows)}"
    return rows.iloc[0].to_dict()


def is_null(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def assert_figures(scorecard: pd.DataFrame, code: str, numerator, denominator, value) -> None:
    """numerator, denominator and value of one indicator (None = null), compared to 1e-9."""
    got = row(scorecard, code)
    for name, expected in (("numerator", numerator), ("denominator", denominator), ("value", value)):
        actual = got[name]
        if expected is None:
            assert is_null(actual), f"{code} {name}: expected null, got {actual!r}"
        else:
            assert not is_null(actual), f"{code} {name}: expected {expected}, got null"
            assert math.isclose(float(actual), expected, rel_tol=1e-9, abs_tol=1e-9), (
                f"{code} {name}: expected {expected}, got {actual}"
            )
