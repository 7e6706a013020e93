"""Hand-made staged frames for DfE rule tests: lower-case columns, typed like staging, with source lines."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cp_pipeline.extracts.specs import table_spec
from cp_pipeline.validation.dfe_rules import DfeRule, all_rules
from cp_pipeline.validation.schemas import STAGING_DTYPES

EXTRACT_MONTH = "2025-03"
LA_CODE = "E06000002"

# Child identifiers used by the cases: distinctive, so a leak into a message is easy to spot.
KIM = "K7731"
LEO = "L8842"
MIA = "M9953"
NED = "N1064"
CHILDREN = (KIM, LEO, MIA, NED)


def frame(table: str, rows: list[dict], extract_month: str = EXTRACT_MONTH) -> pd.DataFrame:
    """A staged frame: keys are column names in any case, dates dd/mm/yyyy, `line` sets source_line
    (default: 2, 3, ... in row order, as if the file had a header row)."""
    spec = table_spec(table)
    records = []
    for position, row in enumerate(rows):
        record = {key.lower(): value for key, value in row.items()}
        record["source_line"] = record.pop("line", position + 2)
        records.append(record)
    staged = pd.DataFrame(records, columns=None if records else ["source_line"])
    for column in spec.columns:
        name = column.staging_name
        values = staged[name] if name in staged else pd.Series([None] * len(staged), dtype="object")
        if column.type in ("date", "datetime"):
            staged[name] = pd.to_datetime(values, format="%d/%m/%Y").astype("datetime64[us]")
        else:
            staged[name] = values.astype(STAGING_DTYPES[column.type])
    staged["la_code"] = LA_CODE
    staged["extract_month"] = extract_month
    staged["source_file"] = f"{spec.staging_name}.csv"
    staged["source_line"] = staged["source_line"].astype("int64")
    columns = [c.staging_name for c in spec.columns] + [
        "la_code",
        "extract_month",
        "source_file",
        "source_line",
    ]
    return staged[columns]


def episode(child: str, decom: str, dec: str | None = None, rec: str | None = None, **values) -> dict:
    """An Episodes row with usual defaults (a foster placement under a care order)."""
    row = {
        "CHILD": child,
        "DECOM": decom,
        "DEC": dec,
        "REC": rec,
        "RNE": "S",
        "LS": "C2",
        "CIN": "N1",
        "PLACE": "U4",
        "PLACE_PROVIDER": "PR1",
        "HOME_POST": "TS1 1AA",
        "PL_POST": "TS2 2BB",
        "URN": "SC123456",
    }
    return row | {key.upper() if key != "line" else key: value for key, value in values.items()}


def header(*children: tuple[str, str], sex: str = "M") -> list[dict]:
    """Header rows from (child, date of birth) pairs."""
    return [{"CHILD": child, "SEX": sex, "DOB": dob, "ETHNIC": "WBRI"} for child, dob in children]


@dataclass
class Case:
    """One rule exercised on hand-made rows: exactly the `bad` lines are flagged, never the `good` ones."""

    code: str
    tables: dict[str, list[dict]]
    bad: set[int]
    good: set[int]
    name: str = ""
    extract_month: str = EXTRACT_MONTH
    frames: dict[str, pd.DataFrame] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.frames = {table: frame(table, rows, self.extract_month) for table, rows in self.tables.items()}

    @property
    def id(self) -> str:
        return f"{self.code}-{self.name}" if self.name else self.code


def rule(code: str) -> DfeRule:
    return {r.code: r for r in all_rules()}[code]


def flagged_lines(case: Case) -> set[int]:
    found = rule(case.code).check(case.frames)
    return set(found["source_line"].astype(int))
