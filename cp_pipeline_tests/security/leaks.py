"""Finds children's identifiers (child ids, UPNs, dates of birth) in whatever a run leaves behind.

Matching is by whole token or whole cell value: child ids are short numbers, so "1100004" must
not be found inside "11000045" or in a pseudonym's hex digits.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# A date (either spelling) is one token; so is a decimal number (the digits after a timestamp's
# point are not an id) and a run of word characters (p_3fa9... is one token).
TOKEN = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)+|\w+")
WHOLE_DECIMAL = re.compile(r"(\d+)\.0+")  # Excel's 1001.0 is child 1001


@dataclass
class Identifiers:
    """Every identifier of the children in a set of generated extracts."""

    child_ids: set[str] = field(default_factory=set)
    upns: set[str] = field(default_factory=set)
    dates_of_birth: set[dt.date] = field(default_factory=set)
    dob_by_child: dict[str, dt.date] = field(default_factory=dict)

    def tokens(self) -> dict[str, str]:
        """token -> what it is, for text scanning (dates of birth in both spellings)."""
        found = {c: "child id" for c in self.child_ids} | {u: "UPN" for u in self.upns}
        for day in self.dates_of_birth:
            found[day.strftime("%d/%m/%Y")] = "date of birth"
            found[f"{day.day}/{day.month}/{day.year}"] = "date of birth"
            found[day.isoformat()] = "date of birth"
        return found

    def without_dates(self, days: Iterable[dt.date]) -> Identifiers:
        """The same identifiers less some dates of birth that are also structural dates."""
        days = set(days)
        return Identifiers(self.child_ids, self.upns, self.dates_of_birth - days, self.dob_by_child)


def _read_csv(path: Path) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError:
            continue
        return frame.rename(columns=lambda c: str(c).strip().upper())
    raise ValueError(f"cannot read {path}")


def _child_id(value: str) -> str:
    """A child id as the pipeline cleans it ("1001.0", " 1001 " -> "1001")."""
    return re.sub(r"\.0+$", "", value.strip())


def _day(value: str) -> dt.date | None:
    value = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def identifiers_from_headers(extracts_dir: Path) -> Identifiers:
    """Child ids, UPNs and dates of birth from every Header file (CSV, as the generator writes
    it, messy or not) under an extracts folder."""
    found = Identifiers()
    for path in sorted(extracts_dir.rglob("header.csv")):
        frame = _read_csv(path)
        for child, upn, dob in zip(frame["CHILD"], frame["UPN"], frame["DOB"], strict=True):
            child, upn, day = _child_id(child), upn.strip(), _day(dob)
            if child:
                found.child_ids.add(child)
            if upn:
                found.upns.add(upn)
            if day:
                found.dates_of_birth.add(day)
                if child:
                    found.dob_by_child.setdefault(child, day)
    return found


def event_dates_from_extracts(extracts_dir: Path) -> set[dt.date]:
    """Every date in the extracts that is not a date of birth (episode starts, reviews, visits,
    due dates ...). A date of birth that is also one of these cannot be told apart from it in
    free text, so text scans leave it out."""
    found: set[dt.date] = set()
    for path in sorted(extracts_dir.rglob("*.csv")):
        frame = _read_csv(path)
        for column in frame.columns:
            if column in ("DOB", "MC_DOB"):
                continue
            for value in frame[column].unique():
                day = _day(str(value)[:10])
                if day:
                    found.add(day)
    return found


def postcodes_from_episodes(extracts_dir: Path) -> set[str]:
    """Every full home and placement postcode (compact, upper-case) in the Episodes files."""
    found: set[str] = set()
    for path in sorted(extracts_dir.rglob("episodes.csv")):
        frame = _read_csv(path)
        for column in ("HOME_POST", "PL_POST"):
            compact = frame[column].str.upper().str.replace(r"\s+", "", regex=True)
            found |= set(compact[compact.str.len() >= 5])
    return found


@dataclass(frozen=True)
class Leak:
    where: str
    kind: str
    token: str

    def __str__(self) -> str:
        return f"{self.kind} {self.token} in {self.where}"


def scan_text(text: str, where: str, tokens: dict[str, str]) -> list[Leak]:
    found = set(TOKEN.findall(text))
    found |= {m.group(1) for t in found if (m := WHOLE_DECIMAL.fullmatch(t))}
    return [Leak(where, tokens[t], t) for t in found if t in tokens]


def _text_of_file(path: Path) -> str:
    data = path.read_bytes()
    return data.decode("utf-8", errors="replace")


def _zlib_blobs(data: bytes) -> Iterator[str]:
    """Dagster stores snapshots zlib-compressed inside SQLite: inflate any zlib stream found."""
    for match in re.finditer(rb"\x78[\x01\x5e\x9c\xda]", data):
        try:
            yield zlib.decompressobj().decompress(data[match.start() :]).decode("utf-8", errors="replace")
        except zlib.error:
            continue


def scan_folder(folder: Path, label: str, tokens: dict[str, str]) -> list[Leak]:
    """Every file under a folder as text; an XLSX is unzipped and each of its XML parts scanned;
    a database file's zlib-compressed blobs are inflated and scanned too."""
    leaks: list[Leak] = []
    if not folder.exists():
        return leaks
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        where = f"{label}:{path.relative_to(folder)}"
        if path.suffix == ".xlsx":
            leaks += scan_xlsx(path, where, tokens)
            continue
        leaks += scan_text(_text_of_file(path), where, tokens)
        if path.suffix == ".db":
            for blob in _zlib_blobs(path.read_bytes()):
                leaks += scan_text(blob, f"{where} (compressed)", tokens)
    return leaks


def scan_xlsx(path: Path, where: str, tokens: dict[str, str]) -> list[Leak]:
    """Every XML part of a workbook as text, and every cell value (dates as dates: Excel keeps
    a date as a serial number, which text scanning would not recognise)."""
    import openpyxl

    leaks: list[Leak] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            leaks += scan_text(
                archive.read(name).decode("utf-8", errors="replace"), f"{where}/{name}", tokens
            )
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    leaks += scan_value(value, f"{where}[{sheet.title}]", tokens)
    finally:
        book.close()
    return leaks


def scan_value(value: object, where: str, tokens: dict[str, str]) -> list[Leak]:
    """One cell: a date is compared as a date, a whole number as its digits, text by tokens."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, dt.datetime | pd.Timestamp):
        value = value.date() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        text = value.isoformat()
        return [Leak(where, tokens[text], text)] if text in tokens else []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return scan_text(str(value), where, tokens)


def scan_frame(frame: pd.DataFrame, where: str, tokens: dict[str, str]) -> list[Leak]:
    leaks: list[Leak] = []
    for column in frame.columns:
        for value in frame[column].dropna().unique():
            leaks += scan_value(value, f"{where}.{column}", tokens)
    return leaks
