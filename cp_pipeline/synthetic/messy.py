"""Messy mode: writes extracts the way real CMS exports arrive, plus a known set of invalid rows."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from cp_pipeline.extracts.specs import codes_for_year, collection_year, table_specs

from .dates import month_end, to_date
from .tables import file_name

# Transformations that a reader must tolerate (extracts.md "Layout"); none changes a value.
TOLERATED = ("bom", "cp1252", "float_ids", "padded_ids", "lower_codes", "shuffled_columns", "iso_dates")

# Invalid rows added to the extracts: (table, fault, column, expected action).
INJECTIONS = (
    ("Episodes", "blank_required", "PLACE", "rejected"),
    ("Visits", "blank_required", "DUE_DATE", "rejected"),
    ("Episodes", "unreadable_value", "DECOM", "rejected"),
    ("HealthChecks", "unreadable_value", "SDQ_SCORE", "rejected"),
    ("Exploitation", "unreadable_value", "ASSESSED_DATE", "rejected"),
    ("PlacedAdoption", "unreadable_value", "DATE_PLACED", "rejected"),
    ("Header", "code_not_in_list", "SEX", "rejected"),
    ("Reviews", "code_not_in_list", "REVIEW_CODE", "rejected"),
    ("Episodes", "code_not_in_list", "PLACE", "rejected"),
    ("Episodes", "end_before_start", "DEC", "rejected"),
    ("Missing", "end_before_start", "MIS_END", "rejected"),
    ("Schools", "end_before_start", "END_DATE", "rejected"),
    ("Header", "dob_after_month_end", "DOB", "rejected"),
    ("Reviews", "dob_after_month_end", "DOB", "rejected"),
    ("Episodes", "overlapping_episodes", "DECOM", "flagged"),
    ("Reviews", "review_outside_care", "REVIEW", "flagged"),
)
# The last month of each council also carries spreadsheets: two tables in one workbook, one alone.
WORKBOOK_TABLES = ("PlacedAdoption", "AD1")
SINGLE_SHEET_TABLE = "CarerApprovals"
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


@dataclass
class _CouncilPlan:
    transforms: dict[tuple[str, str], list[str]]
    injections: dict[str, list[tuple]]
    workbook_month: str


def _column_kinds(table: str) -> dict[str, list[str]]:
    spec = table_specs()[table]
    kinds: dict[str, list[str]] = {"id": [], "code": [], "date": []}
    for col in spec.columns:
        if col.type in kinds:
            kinds[col.type].append(col.name)
    return kinds


def _dmy(text: str) -> dt.date | None:
    m = _DMY.match(text)
    return dt.date(int(m[3]), int(m[2]), int(m[1])) if m else None


def _fmt(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


class MessyWriter:
    def __init__(self, seed: int):
        self.seed = seed
        self.plans: dict[str, _CouncilPlan] = {}
        self.invalid: list[dict] = []
        self.tolerated: list[dict] = []

    def plan_council(self, la_code: str, index: int, months: list[str]) -> None:
        rng = np.random.default_rng([self.seed, index, 999])
        transforms: dict[tuple[str, str], list[str]] = {}
        for month in months:
            for table in table_specs():
                if rng.random() < 0.12:
                    count = 1 + int(rng.random() < 0.4)
                    chosen = list(rng.choice(len(TOLERATED), count, replace=False))
                    transforms[(month, table)] = sorted({TOLERATED[i] for i in chosen}, key=TOLERATED.index)
        # Every tolerated transformation appears at least once, and the en dash in the team
        # names is written in Windows-1252 at least once.
        for i, name in enumerate(TOLERATED):
            month = months[(i * 3) % len(months)]
            table = "Workforce" if name == "cp1252" else list(table_specs())[(i * 5 + 2) % len(table_specs())]
            current = transforms.setdefault((month, table), [])
            if name not in current:
                current.append(name)
            if "bom" in current and "cp1252" in current:
                current.remove("bom")
        for key, names in transforms.items():
            if "bom" in names and "cp1252" in names:
                names.remove("bom")
            transforms[key] = sorted(names, key=TOLERATED.index)
        injections: dict[str, list[tuple]] = {}
        workbook_month = months[-1]
        for injection in INJECTIONS:
            month = (
                workbook_month
                if injection[0] in WORKBOOK_TABLES
                else months[int(rng.integers(0, len(months)))]
            )
            injections.setdefault(month, []).append(injection)
        self.plans[la_code] = _CouncilPlan(transforms, injections, workbook_month)

    # ---- writing a month -------------------------------------------------------------------
    def write_month(self, folder: Path, la_code: str, year_month: str, tables: dict) -> int:
        plan = self.plans[la_code]
        rng = np.random.default_rng(
            [self.seed, int(year_month.replace("-", "")), len(la_code), int(la_code[3:])]
        )
        period_end = to_date(month_end(year_month))
        year = collection_year(period_end)
        injections = plan.injections.get(year_month, [])
        frames: dict[str, pd.DataFrame] = {}
        needs_frame = {t for t, *_ in injections} | {t for (m, t) in plan.transforms if m == year_month}
        if year_month == plan.workbook_month:
            needs_frame |= {*WORKBOOK_TABLES, SINGLE_SHEET_TABLE}
        if injections:
            needs_frame |= {"Episodes"}
        for name in needs_frame:
            columns, lines = tables[name]
            frames[name] = _to_frame(columns, lines)
        added: dict[str, list[tuple[int, pd.Series, tuple]]] = {}
        for injection in injections:
            table = injection[0]
            row = _faulty_row(injection, frames, period_end, year, rng)
            if row is None:
                continue
            added.setdefault(table, []).append(row)
        written = 0
        workbook_sheets: list[tuple[str, pd.DataFrame, list]] = []
        for name, (columns, lines) in tables.items():
            path = folder / file_name(name)
            if name not in frames:
                path.write_bytes(
                    (",".join(columns) + "\n" + "".join(line + "\n" for line in lines)).encode("utf-8")
                )
                written += 1
                continue
            frame = frames[name].copy()
            frame["_injection"] = -1
            for k, (position, row, _inj) in enumerate(sorted(added.get(name, []), key=lambda r: r[0])):
                row = row.copy()
                row["_injection"] = k
                frame = pd.concat(
                    [frame.iloc[:position], row.to_frame().T, frame.iloc[position:]], ignore_index=True
                )
            names = list(plan.transforms.get((year_month, name), []))
            frame, applied = _transform(frame, name, names, rng)
            injected_at = {int(v): i for i, v in enumerate(frame.pop("_injection")) if int(v) >= 0}
            in_workbook = year_month == plan.workbook_month and name in (*WORKBOOK_TABLES, SINGLE_SHEET_TABLE)
            if in_workbook:
                if name == SINGLE_SHEET_TABLE:
                    target = folder / f"{table_specs()[name].staging_name}.xlsx"
                    _write_workbook(target, [(name, frame)])
                    written += 1
                else:
                    workbook_sheets.append((name, frame, applied))
                    target = folder / "local_extracts.xlsx"
                applied = [*applied, "xlsx"]
            else:
                target = path
                encoding = "cp1252" if "cp1252" in applied else "utf-8-sig" if "bom" in applied else "utf-8"
                text = frame.to_csv(index=False, lineterminator="\n")
                target.write_bytes(text.encode(encoding))
                written += 1
            relative = f"extracts/{la_code}/{year_month}/{target.name}"
            if applied:
                self.tolerated.append({"la_code": la_code, "extract_month": year_month, "table": name,
                                       "file": relative, "transformations": applied})  # fmt: skip
            for k, (_pos, _row, (table, fault, column, action)) in enumerate(
                sorted(added.get(name, []), key=lambda r: r[0])
            ):
                entry = {"la_code": la_code, "extract_month": year_month, "table": table, "file": relative,
                         "line": injected_at[k] + 2, "column": column, "action": action, "fault": fault}  # fmt: skip
                if target.suffix == ".xlsx":
                    entry["sheet"] = name
                self.invalid.append(entry)
        if workbook_sheets:
            _write_workbook(folder / "local_extracts.xlsx", [(n, f) for n, f, _ in workbook_sheets])
            written += 1
            for name in WORKBOOK_TABLES:
                stale = folder / file_name(name)
                if stale.exists():
                    stale.unlink()
        return written

    def manifest(self) -> dict:
        key = lambda e: (e["la_code"], e["extract_month"], e["file"], e.get("line", 0))  # noqa: E731
        return {
            "description": "Invalid rows added by messy mode (lines count the header as line 1) and "
            "the tolerated transformations applied to each file.",
            "invalid_rows": sorted(self.invalid, key=key),
            "tolerated": sorted(self.tolerated, key=key),
        }


def _to_frame(columns: list[str], lines) -> pd.DataFrame:
    text = ",".join(columns) + "\n" + "".join(line + "\n" for line in lines)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).astype(object)


def _days(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="%d/%m/%Y", errors="coerce")


def _faulty_row(injection: tuple, frames: dict, period_end: dt.date, year: int, rng) -> tuple | None:
    """A copy of a real row carrying the fault, and where it goes in the file."""
    table, fault, column, _action = injection
    frame = frames[table]
    if frame.empty:
        return None
    candidates = np.arange(len(frame))
    if table == "Episodes" and fault in ("end_before_start", "overlapping_episodes"):
        dec = _days(frame["DEC"])
        candidates = np.flatnonzero(dec.notna().to_numpy())
        if fault == "overlapping_episodes":
            # An old, long episode: the overlap stays far from any current board figure.
            decom = _days(frame["DECOM"])
            old = (dec < pd.Timestamp(period_end) - pd.Timedelta(days=3 * 365)) & ((dec - decom).dt.days > 10)
            candidates = np.flatnonzero(old.to_numpy())
    elif table == "Missing" and fault == "end_before_start":
        candidates = np.flatnonzero((frame["MIS_END"] != "").to_numpy())
    elif table == "HealthChecks":
        candidates = np.flatnonzero((frame["SDQ_SCORE"] != "").to_numpy())
    elif table == "Reviews" and fault == "review_outside_care":
        episodes = frames["Episodes"]
        last_dec = _days(episodes.groupby("CHILD")["DEC"].agg(lambda s: s.iloc[-1]))
        gone = last_dec[last_dec.notna() & (last_dec < pd.Timestamp(period_end) - pd.Timedelta(days=3 * 365))]
        candidates = np.flatnonzero(frame["CHILD"].isin(gone.index).to_numpy())
    if len(candidates) == 0:
        return None
    source = int(candidates[rng.integers(0, len(candidates))])
    row = frame.iloc[source].copy()
    if fault == "blank_required":
        row[column] = ""
    elif fault == "unreadable_value":
        if column == "SDQ_SCORE":
            row[column] = "12a"
        else:
            original = _dmy(row[column]) or period_end
            row[column] = f"31/02/{original.year}"
    elif fault == "code_not_in_list":
        valid = codes_for_year(table_specs()[table].column(column).codes, year)
        if column == "SEX":
            row[column] = "M" if "M" not in valid else "1"
        elif column == "PLACE":
            row[column] = next(c for c in ("K3", "Z11", "H6") if c not in valid)
        else:
            row[column] = "PN9"
    elif fault == "end_before_start":
        start_col = {"DEC": "DECOM", "MIS_END": "MIS_START", "END_DATE": "START_DATE"}[column]
        start = _dmy(row[start_col])
        row[column] = _fmt(start - dt.timedelta(days=int(rng.integers(2, 30))))
    elif fault == "dob_after_month_end":
        row[column] = _fmt(period_end + dt.timedelta(days=int(rng.integers(5, 40))))
    elif fault == "overlapping_episodes":
        row[column] = _fmt(_dmy(row["DECOM"]) + dt.timedelta(days=int(rng.integers(1, 5))))
    elif fault == "review_outside_care":
        child = row["CHILD"]
        last_dec = _dmy(frames["Episodes"].loc[frames["Episodes"]["CHILD"] == child, "DEC"].iloc[-1])
        row[column] = _fmt(last_dec + dt.timedelta(days=int(rng.integers(20, 90))))
    position = int(rng.integers(0, len(frame) + 1))
    return position, row, injection


def _transform(frame: pd.DataFrame, table: str, names: list[str], rng) -> tuple[pd.DataFrame, list[str]]:
    kinds = _column_kinds(table)
    applied = []
    data_cols = [c for c in frame.columns if c != "_injection"]
    for name in names:
        if name == "float_ids":
            cols = [c for c in kinds["id"] if frame[c].str.fullmatch(r"\d+").any()]
            if not cols:
                continue
            for c in cols:
                frame[c] = frame[c].where(~frame[c].str.fullmatch(r"\d+"), frame[c] + ".0")
        elif name == "padded_ids":
            for c in kinds["id"]:
                frame[c] = frame[c].where(frame[c] == "", " " + frame[c] + " ")
        elif name == "lower_codes":
            if not kinds["code"]:
                continue
            for c in kinds["code"]:
                frame[c] = frame[c].str.lower()
        elif name == "iso_dates":
            if not kinds["date"]:
                continue
            for c in kinds["date"]:
                frame[c] = frame[c].str.replace(r"^(\d{2})/(\d{2})/(\d{4})$", r"\3-\2-\1", regex=True)
        elif name == "shuffled_columns":
            order = [data_cols[i] for i in rng.permutation(len(data_cols))]
            frame["EXPORTED_BY"] = "CMS report 12"
            frame = frame[[*order[:1], "EXPORTED_BY", *order[1:], "_injection"]]
        applied.append(name)
    return frame, applied


def _write_workbook(path: Path, sheets: list[tuple[str, pd.DataFrame]]) -> None:
    """An XLSX file with one sheet per table, all cells text; byte-identical on every run."""
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets:
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([str(v) if v != "" else None for v in row])
    fixed = dt.datetime(*_FIXED_TIME)
    book.properties.created = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps the save time into docProps/core.xml and every zip entry: pin both.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>",
                              rb"<dcterms:modified\1>2020-01-01T00:00:00Z</dcterms:modified>", data)  # fmt: skip
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    path.write_bytes(out.getvalue())
