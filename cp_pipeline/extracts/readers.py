"""Reads a month's extract files (CSV or XLSX) as text and recognises each table by its header row.

Nothing here types or judges a value: every cell is returned exactly as read, with the file,
sheet and line it came from. A file that cannot be read at all raises UnreadableFileError,
which stops the month's ingest (extracts.md, "What happens to bad input").
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat, zip_longest
from pathlib import Path

import pandas as pd

from cp_pipeline.extracts.specs import TableSpec, table_specs

# Names the DfE's XML return uses for CSV columns (ssda903.md §0); accepted in a header
# when the CSV name itself is absent.
HEADER_ALIASES = {"CHILDID": "CHILD", "PL": "PLACE"}

XLSX_ENCODING = "xlsx"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
_HEADER_SHOWN = 8
# Cells shown back from an unrecognised header: things shaped like column names only, so a
# headerless file never puts a child's id or date of birth into a message.
_NAME_LIKE = re.compile(r"[A-Za-z_][A-Za-z _;|\t-]{0,79}\d{0,2}")
# A free-text cell may be far longer than the csv module's default 128 KiB limit; a field can
# never be longer than its file, which is already in memory, so the limit guards nothing here.
csv.field_size_limit(2**31 - 1)
# Where the csv module ends a row when no quoted field spans lines (io.StringIO, newline="").
_LINE_END = re.compile(r"\r\n|\r|\n")
# str.splitlines() ends lines there too, and also at these, which the csv module keeps in a cell.
_OTHER_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class UnreadableFileError(Exception):
    """A file that cannot be read at all; the message is one line naming the file."""

    def __init__(self, file: str, reason: str):
        self.file = file
        self.reason = " ".join(reason.split())
        # A file name may hold a newline or other control character; the message stays one line.
        shown = file if file.isprintable() else repr(file)[1:-1]
        super().__init__(f"{shown}: {self.reason}")

    def __reduce__(self):  # keeps the error intact across processes (Dagster's executors pickle it)
        return type(self), (self.file, self.reason)


@dataclass(frozen=True, eq=False)
class ReadTable:
    """One table found in one file (or one worksheet), every value a string as read."""

    table: str  # the TableSpec name
    frame: pd.DataFrame  # the spec's columns in spec order; absent optional columns are ""
    extra_columns: pd.DataFrame  # columns the spec does not know, under their header names
    source_file: str  # file name relative to the month folder
    source_lines: pd.Series  # line (CSV) or worksheet row (XLSX) of each data row; header = 1
    sheet: str | None
    encoding: str  # utf-8, utf-8-sig, cp1252, utf-16 or xlsx
    sha256: str
    size_bytes: int
    skipped_blank_rows: int = 0  # rows with no value in any cell, not treated as data


@dataclass(frozen=True)
class FileRecord:
    """What dq.file_manifest records about one file of a month folder."""

    source_file: str  # file name relative to the month folder
    sha256: str
    size_bytes: int
    encoding: str
    tables: tuple[str, ...]
    rows: int
    ignored_sheets: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class MonthFolder:
    folder: Path
    tables: dict[str, list[ReadTable]]  # table name -> every file (or sheet) holding it
    file_records: list[FileRecord]
    ignored: list[str] = field(default_factory=list)  # entries skipped: dotfiles, folders, Excel lock files

    def file_manifest(self) -> pd.DataFrame:
        rows = [
            {
                "source_file": r.source_file,
                "sha256": r.sha256,
                "size_bytes": r.size_bytes,
                "encoding": r.encoding,
                "tables": ",".join(r.tables),
                "rows": r.rows,
            }
            for r in self.file_records
        ]
        return pd.DataFrame(
            rows, columns=["source_file", "sha256", "size_bytes", "encoding", "tables", "rows"]
        )


# ---- header recognition ----


def _header_key(name: str) -> str:
    return name.strip().upper()


def recognise_table(header: Iterable[str]) -> TableSpec | None:
    """The table whose identifying columns are all in a header (case and surrounding spaces
    ignored); when several fit, the one with most identifying columns (CareLeaverContacts
    over OC3), then most columns in common. None when nothing fits."""
    keys = {_header_key(h) for h in header}
    keys |= {canonical for alias, canonical in HEADER_ALIASES.items() if alias in keys}
    fits = [spec for spec in table_specs().values() if spec.identifying_columns <= keys]
    if not fits:
        return None
    score = lambda spec: (len(spec.identifying_columns), len(keys & set(spec.column_names)))  # noqa: E731
    best = max(score(spec) for spec in fits)
    winners = [spec for spec in fits if score(spec) == best]
    if len(winners) > 1:
        raise ValueError(f"header fits several tables ({', '.join(s.name for s in winners)})")
    return winners[0]


def _shown_header(header: list[str]) -> str:
    names = [h.strip() for h in header if h.strip()]
    shown = [h if _NAME_LIKE.fullmatch(h) else "<value withheld>" for h in names[:_HEADER_SHOWN]]
    return ", ".join(shown) + (", …" if len(names) > _HEADER_SHOWN else "") if shown else "an empty row"


def _map_header(spec: TableSpec, header: list[str], file: str) -> tuple[dict[str, int], dict[str, int]]:
    """Positions of the spec's columns and of the extra columns in a header."""
    keys = [_header_key(h) for h in header]
    spec_positions: dict[str, int] = {}
    for position, key in enumerate(keys):
        if key in spec.column_names:
            if key in spec_positions:
                raise UnreadableFileError(file, f"column {key} appears twice in the header")
            spec_positions[key] = position
    for position, key in enumerate(keys):
        canonical = HEADER_ALIASES.get(key)
        if canonical in spec.column_names and canonical not in spec_positions:
            spec_positions[canonical] = position
    used = set(spec_positions.values())
    extra: dict[str, int] = {}
    for position, name in enumerate(header):
        if position in used:
            continue
        label = name.strip() or f"column_{position + 1}"
        while label in extra:  # a renamed duplicate may meet a header that already has its name
            label = f"{label}_{position + 1}"
        extra[label] = position
    return spec_positions, extra


@dataclass(frozen=True, eq=False)
class _Grid:
    """The cells of one file or sheet, column by column: the header (first non-blank row), each
    data column (every one as long as there are data rows), the line of each data row, and
    how many blank rows after the header were skipped."""

    header: list[str]
    columns: list[list[str]]
    lines: Sequence[int]
    skipped: int


_NO_GRID = _Grid([], [], [], 0)


def _build_table(
    file: str, sheet: str | None, grid: _Grid, encoding: str, sha256: str, size: int
) -> ReadTable | None:
    header, columns = grid.header, grid.columns
    try:
        spec = recognise_table(header)
    except ValueError as err:
        raise UnreadableFileError(file, str(err)) from None
    if spec is None:
        return None
    spec_positions, extra_positions = _map_header(spec, header, file)
    n = len(grid.lines)
    frame = pd.DataFrame(
        {
            name: pd.Series(
                columns[spec_positions[name]] if name in spec_positions else [""] * n, dtype="str"
            )
            for name in spec.column_names
        },
        index=pd.RangeIndex(n),
    )
    # Unnamed columns with nothing in them are an artefact of the writer, not data.
    extra = {
        name: pd.Series(columns[position], dtype="str")
        for name, position in extra_positions.items()
        if header[position].strip() or any(cell.strip() for cell in columns[position])
    }
    return ReadTable(
        table=spec.name,
        frame=frame,
        extra_columns=pd.DataFrame(extra, index=pd.RangeIndex(n)),
        source_file=file,
        source_lines=pd.Series(grid.lines, dtype="int64"),
        sheet=sheet,
        encoding=encoding,
        sha256=sha256,
        size_bytes=size,
        skipped_blank_rows=grid.skipped,
    )


def _grid_of_rows(file: str, rows: list[list[str]], lines: list[int], sheet: str | None = None) -> _Grid:
    """The grid of rows as read (line numbers alongside). Blank rows are skipped; short rows are
    padded (trailing empty cells dropped by the writer); a row longer than the header is
    refused unless its extra cells are empty."""
    filled = [i for i, row in enumerate(rows) if "".join(row).strip()]
    if not filled:
        return _NO_GRID
    header = rows[filled[0]]
    data = filled[1:]
    width = len(header)
    for i in data:
        row = rows[i]
        if len(row) > width and "".join(row[width:]).strip():
            where = f"line {lines[i]}" if sheet is None else f"sheet {sheet} row {lines[i]}"
            raise UnreadableFileError(file, f"{where} has {len(row)} fields but the header has {width}")
    columns = [list(column) for column in zip_longest(*(rows[i] for i in data), fillvalue="")][:width]
    columns += [[""] * len(data) for _ in range(width - len(columns))]
    return _Grid(header, columns, [lines[i] for i in data], len(rows) - filled[0] - 1 - len(data))


# ---- CSV ----


def _decode(file: str, data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFileError(
                file, "starts with a UTF-16 byte-order mark but is not UTF-16 text"
            ) from None
        # As for the 8-bit encodings: a NUL is binary content, and PostgreSQL cannot store one.
        if "\x00" in text:
            raise UnreadableFileError(file, "not a CSV or XLSX file (binary content)")
        return text, "utf-16"
    if b"\x00" in data:
        raise UnreadableFileError(file, "not a CSV or XLSX file (binary content)")
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as err:
        raise UnreadableFileError(
            file,
            f"cannot be decoded as UTF-8 or Windows-1252 (byte 0x{data[err.start]:02x} at offset {err.start})",
        ) from None


def _csv_rows(file: str, text: str) -> tuple[list[list[str]], list[int]]:
    """Every CSV row and the physical line it starts on."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = list(reader)
        if reader.line_num == len(rows):
            return rows, list(range(1, len(rows) + 1))
        # Some quoted field spans lines: read again, noting where each row starts.
        reader = csv.reader(io.StringIO(text, newline=""))
        rows, lines, previous_end = [], [], 0
        for row in reader:
            rows.append(row)
            lines.append(previous_end + 1)
            previous_end = reader.line_num
        return rows, lines
    except csv.Error as err:
        raise UnreadableFileError(file, f"malformed CSV near line {reader.line_num} ({err})") from None


def _csv_lines(text: str) -> list[str]:
    """The lines of a text as the csv module meets them, without their line ends (splitlines
    when it would cut the same places: a C method, several times faster than the regex)."""
    if not any(character in text for character in _OTHER_LINE_BREAKS):
        return text.splitlines()
    lines = _LINE_END.split(text)
    if not lines[-1]:  # the text ends with a line end, which starts no row
        lines.pop()
    return lines


def _unquoted_grid(text: str) -> _Grid | None:
    """The grid of a CSV file that has no quote character, read without the csv module.

    Without quotes a CSV row is one line split at its commas, so the text can be split whole
    and cut into columns by C string methods instead of row by row, several times faster. Line
    ends are those the csv module sees (\\r\\n, \\r or \\n), and blank lines are
    skipped as in _grid_of_rows. None when some data row is not exactly as wide as the header:
    _grid_of_rows pads or refuses those.
    """
    if '"' in text:
        return None
    lines = _csv_lines(text)
    # A row is blank when its cells, joined, are only spaces: the line without its commas.
    filled = [i for i, line in enumerate(lines) if line.replace(",", "").strip()]
    if not filled:
        return _NO_GRID
    header = lines[filled[0]].split(",")
    width = len(header)
    data = [lines[i] for i in filled[1:]]
    if set(map(str.count, data, repeat(","))) - {width - 1}:
        return None
    # Every data line holds width - 1 commas, so the cells of all of them, joined by commas,
    # are row after row of exactly `width` cells.
    cells = ",".join(data).split(",") if data else []
    columns = [cells[position::width] for position in range(width)]
    line_numbers = [i + 1 for i in filled[1:]]
    return _Grid(header, columns, line_numbers, len(lines) - filled[0] - 1 - len(data))


def _read_csv(file: str, data: bytes, sha256: str) -> list[ReadTable]:
    text, encoding = _decode(file, data)
    grid = _unquoted_grid(text) or _grid_of_rows(file, *_csv_rows(file, text))
    if not grid.header:
        raise UnreadableFileError(file, "empty file (no header row)")
    table = _build_table(file, None, grid, encoding, sha256, len(data))
    if table is None:
        raise UnreadableFileError(file, f"no recognisable header (saw: {_shown_header(grid.header)})")
    return [table]


# ---- XLSX ----


def _cell_text(value: object) -> str:
    """A worksheet cell as the text a CSV export would have carried."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if not value.second else value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


def _sheet_cells(file: str, sheet) -> list[list[str]]:
    """Every row of a worksheet as text; row n of the sheet is the (n - 1)th list."""
    # Some writers record a wrong sheet size; forget it and read every row.
    sheet.reset_dimensions()
    try:
        # Read-only sheets are parsed only now, and yield empty rows for gaps.
        return [[_cell_text(v) for v in values] for values in sheet.iter_rows(values_only=True)]
    except Exception as err:  # damaged sheet XML: openpyxl raises parse, zip, index and value errors
        raise UnreadableFileError(
            file, f"not a readable XLSX workbook (sheet {sheet.title}: {type(err).__name__})"
        ) from None


def _read_xlsx(file: str, data: bytes, sha256: str) -> tuple[list[ReadTable], tuple[str, ...]]:
    import openpyxl  # imported here: only workbooks need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged or foreign zip
        raise UnreadableFileError(file, f"not a readable XLSX workbook ({type(err).__name__})") from None
    tables: list[ReadTable] = []
    unrecognised: list[tuple[str, list[str]]] = []
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "reset_dimensions"):
                continue  # chart sheets hold no cells
            cells = _sheet_cells(file, sheet)
            grid = _grid_of_rows(file, cells, list(range(1, len(cells) + 1)), sheet.title)
            if not grid.header:
                continue
            table = _build_table(file, sheet.title, grid, XLSX_ENCODING, sha256, len(data))
            if table is None:
                unrecognised.append((sheet.title, grid.header))
                continue
            # Rows are keyed by file and line, so a table split over sheets would repeat keys.
            for other in tables:
                if other.table == table.table:
                    raise UnreadableFileError(
                        file,
                        f"sheets {other.sheet} and {sheet.title} both hold {table.table} (one sheet per table)",
                    )
            tables.append(table)
    finally:
        workbook.close()
    if not tables:
        if not unrecognised:
            raise UnreadableFileError(file, "empty workbook (no sheet has a header row)")
        title, header = unrecognised[0]
        raise UnreadableFileError(
            file, f"no recognisable header (sheet {title}, saw: {_shown_header(header)})"
        )
    return tables, tuple(title for title, _ in unrecognised)


# ---- files and folders ----


def _read_bytes(path: Path, name: str) -> tuple[list[ReadTable], FileRecord]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UnreadableFileError(name, f"cannot be opened ({err.strerror or type(err).__name__})") from None
    if not data.strip():
        raise UnreadableFileError(name, "empty file")
    sha256 = hashlib.sha256(data).hexdigest()
    ignored: tuple[str, ...] = ()
    if data.startswith(_ZIP_MAGIC):
        tables, ignored = _read_xlsx(name, data, sha256)
        encoding = XLSX_ENCODING
    elif data.startswith(_OLE2_MAGIC):
        raise UnreadableFileError(
            name, "not a CSV or XLSX file (an old .xls workbook; save it as .xlsx or CSV)"
        )
    else:
        tables = _read_csv(name, data, sha256)
        encoding = tables[0].encoding
    record = FileRecord(
        source_file=name,
        sha256=sha256,
        size_bytes=len(data),
        encoding=encoding,
        tables=tuple(t.table for t in tables),
        rows=sum(len(t.frame) for t in tables),
        ignored_sheets=ignored,
    )
    return tables, record


def read_extract_file(path: Path, name: str | None = None) -> list[ReadTable]:
    """Every table in one CSV or XLSX file. `name` is how the file is reported (default: its
    file name)."""
    return _read_bytes(Path(path), name or Path(path).name)[0]


def read_month_folder(folder: Path) -> MonthFolder:
    """Every regular file of one council's month folder, tables grouped by name.

    Dotfiles, Excel lock files (~$…) and sub-folders are skipped (and listed in `ignored`);
    a symbolic link leading outside the folder, or to nothing, is refused. The first
    unreadable file raises.
    """
    folder = Path(folder)
    root = folder.resolve()
    tables: dict[str, list[ReadTable]] = {}
    records: list[FileRecord] = []
    ignored: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        name = path.name
        if name.startswith((".", "~$")):
            ignored.append(name)
            continue
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError for a loop of links
                raise UnreadableFileError(name, "symbolic link to nothing (missing file or a loop)") from None
            if not target.is_relative_to(root):
                raise UnreadableFileError(name, "symbolic link pointing outside the month folder")
        if not path.is_file():
            ignored.append(name)
            continue
        found, record = _read_bytes(path, name)
        records.append(record)
        for table in found:
            tables.setdefault(table.table, []).append(table)
    return MonthFolder(folder=folder, tables=tables, file_records=records, ignored=ignored)
