"""Hostile input is contained: a file either reads or stops with one UnreadableFileError naming it,
and whatever reads normalises with raw rows = staging rows + rejected rows (extracts.md, "What
happens to bad input")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import tempfile
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cp_pipeline.extracts.landing import council_months, land_month
from cp_pipeline.extracts.normalise import normalise_table
from cp_pipeline.extracts.readers import (
    ReadTable,
    UnreadableFileError,
    read_extract_file,
    read_month_folder,
)
from cp_pipeline.extracts.specs import table_spec, table_specs
from cp_pipeline.warehouse.engine import Warehouse

LA, MONTH = "E06000002", "2025-03"
HEADER = table_spec("Header").column_names
EPISODES = table_spec("Episodes").column_names
REAL_COLUMNS = sorted({c for spec in table_specs().values() for c in spec.column_names})
SQL_NAME = 'CHILD"; DROP TABLE staging.episodes; --'

BOUNDED = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


# ---- the property every file must meet ----


def read_or_refuse(data: bytes, name: str = "extract.csv") -> list[ReadTable] | None:
    """The tables in a file, or None when it is refused; anything but a one-line
    UnreadableFileError naming the file escapes and fails the test."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return read_extract_file(path)
        except UnreadableFileError as err:
            assert err.file == name
            assert str(err).startswith(f"{name}: ")
            assert len(str(err).splitlines()) == 1
            assert err.reason.strip()
            return None


def assert_every_row_is_staged_or_rejected(tables: list[ReadTable]) -> None:
    """Each table alone, and every sheet of one table together (as land_month does)."""
    by_table: dict[str, list[ReadTable]] = {}
    for read in tables:
        by_table.setdefault(read.table, []).append(read)
    for reads in [[read] for read in tables] + list(by_table.values()):
        result = normalise_table(reads, LA, MONTH)
        rejected = result.rejected[["source_file", "source_line"]].drop_duplicates()
        assert len(result.raw) == sum(len(read.frame) for read in reads)
        assert len(result.raw) == len(result.staged) + len(rejected)


def assert_contained(data: bytes, name: str = "extract.csv") -> list[ReadTable] | None:
    tables = read_or_refuse(data, name)
    if tables is not None:
        assert tables, "a file that reads holds at least one table"
        assert_every_row_is_staged_or_rejected(tables)
    return tables


# ---- strategies ----

# Any character, NUL and line breaks included.
junk_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)
column_name = st.one_of(
    st.sampled_from(REAL_COLUMNS),
    st.sampled_from(REAL_COLUMNS).map(lambda c: f"  {c.lower()} "),
    st.sampled_from(["CHILDID", "PL", "", SQL_NAME, "NOTE", "NOTE_3", "column_2"]),
    junk_text,
)
plausible_value = st.sampled_from(
    [
        "",
        " ",
        "1001",
        " 1001 ",
        "1001.0",
        "1.001E+3",
        "1,250",
        "01/04/2024",
        "31/02/2025",
        "2024-04-01",
        "2024-04-01 10:30",
        "01/04/2024 25:99",
        "00/00/0000",
        "01/01/9999",
        "M",
        "f",
        "C2",
        "U4",
        "S",
        "WBRI",
        "0",
        "1",
        "Y",
        "N",
        "TS1 4AB",
        "99:99",
        "10:30",
        "1e400",
        "nan",
        "inf",
        "-0",
        "1" * 40,
        "=1+1",
        "'; DROP TABLE raw.header; --",
        "\x00",
        '"',
        "\r\n",
    ]
)
cell = st.one_of(plausible_value, junk_text)


@st.composite
def csv_like_text(draw) -> str:
    """A header mixing real column names (often a whole table's) with junk, then ragged rows
    written with random delimiters, quoting and line endings, sometimes hand-joined unquoted."""
    base = draw(st.sampled_from([[], *[spec.column_names for spec in table_specs().values()]]))
    header = list(base) + draw(st.lists(column_name, max_size=6))
    header = draw(st.permutations(header)) if header else [draw(column_name)]
    rows = draw(
        st.lists(
            st.lists(cell, min_size=max(0, len(header) - 3), max_size=len(header) + 2),
            max_size=12,
        )
    )
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    terminator = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if draw(st.booleans()):
        out = io.StringIO()
        quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
        writer = csv.writer(out, delimiter=delimiter, lineterminator=terminator, quoting=quoting)
        writer.writerows([header, *rows])
        text = out.getvalue()
    else:
        text = terminator.join(delimiter.join(row) for row in [header, *rows])
    if draw(st.booleans()):
        # Blank lines, stray quotes or a cut-off tail, as damaged exports have.
        position = draw(st.integers(0, len(text)))
        text = (
            text[:position] + draw(st.sampled_from(["", "\n\n", '"', '""', ",,,", "\x00"])) + text[position:]
        )
    return text


encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1", "utf-16-le", "utf-32"])


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace" if encoding in ("cp1252", "latin-1") else "strict")


# ---- properties: CSV and bytes ----


@BOUNDED
@given(st.binary(max_size=4096))
def test_random_bytes_are_read_or_refused_by_name(data):
    assert_contained(data)


@BOUNDED
@given(
    st.sampled_from(
        [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"]
    ),
    st.binary(max_size=2048),
)
def test_random_bytes_behind_a_known_signature_are_read_or_refused_by_name(signature, data):
    assert_contained(signature + data, "extract.xlsx")


@BOUNDED
@given(csv_like_text(), encodings)
def test_csv_like_text_in_any_encoding_is_read_or_refused_and_every_row_is_accounted_for(text, encoding):
    assert_contained(encode(text, encoding))


@BOUNDED
@given(csv_like_text(), st.binary(min_size=1, max_size=8), st.data())
def test_invalid_byte_sequences_anywhere_are_read_or_refused(text, garbage, data):
    encoded = text.encode("utf-8")
    position = data.draw(st.integers(0, len(encoded)))
    assert_contained(encoded[:position] + garbage + encoded[position:])


@settings(BOUNDED, max_examples=10)
@given(st.sampled_from(["utf-8", "utf-16", "cp1252"]), st.sampled_from(HEADER))
def test_a_one_megabyte_cell_is_read_whole(encoding, column):
    huge = "x" * (1 << 20)
    rows = [["1001", "M", "01/01/2010", "WBRI", "", "0", ""]]
    rows[0][HEADER.index(column)] = huge
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, *rows])

    [table] = assert_contained(out.getvalue().encode(encoding))

    assert table.frame.loc[0, column] == huge


@settings(BOUNDED, max_examples=5)
@given(st.integers(1_000, 4_000), st.integers(0, 5))
def test_thousands_of_columns_are_read_and_kept_as_extra_columns(width, rows):
    header = HEADER + [f"EXTRA_{i}" for i in range(width)]
    row = ",".join(["1001", "M", "01/01/2010", "WBRI", "", "0", ""] + ["v"] * width)
    text = "\n".join([",".join(header)] + [row] * rows) + "\n"

    [table] = assert_contained(text.encode())

    assert table.extra_columns.shape == (rows, width)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_a_nul_character_is_refused_in_every_encoding(tmp_path, encoding):
    text = ",".join(HEADER) + "\n10\x0001,M,01/01/2010,WBRI,,0,\n"
    (tmp_path / "extract.csv").write_bytes(text.encode(encoding))

    with pytest.raises(
        UnreadableFileError, match=r"^extract\.csv: not a CSV or XLSX file \(binary content\)$"
    ):
        read_extract_file(tmp_path / "extract.csv")


def test_a_file_name_with_a_newline_still_gives_a_one_line_message():
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "notes\nmore.csv").write_bytes(b"hello,world\n")
        with pytest.raises(UnreadableFileError) as caught:
            read_extract_file(Path(folder) / "notes\nmore.csv")

    assert caught.value.file == "notes\nmore.csv"
    assert str(caught.value) == "notes\\nmore.csv: no recognisable header (saw: hello, world)"


def test_extra_columns_whose_names_collide_after_renaming_are_all_kept():
    # The second NOTE (column 10) would be renamed NOTE_10, which the header already has.
    text = ",".join([*HEADER, "NOTE", "NOTE_10", "NOTE"]) + "\n1001,M,01/01/2010,WBRI,,0,,a,b,c\n"

    [table] = assert_contained(text.encode())

    assert table.extra_columns.iloc[0].to_dict() == {"NOTE": "a", "NOTE_10": "b", "NOTE_10_10": "c"}


# ---- properties: workbooks ----


@st.composite
def sheet_layouts(draw) -> dict:
    return {
        "title": draw(
            st.one_of(
                st.sampled_from(["Header", "Episodes", "Read me", SQL_NAME, "x" * 31, "y" * 200, "Sheet 2"]),
                st.text(alphabet="abcXYZ 123_-", min_size=1, max_size=31),
            )
        ),
        "columns": draw(
            st.one_of(
                st.sampled_from([HEADER, EPISODES, table_spec("Visits").column_names]),
                st.lists(column_name.filter(lambda c: c.isprintable()), min_size=1, max_size=6),
            )
        ),
        "header_row": draw(st.integers(1, 4)),
        "rows": draw(st.integers(0, 6)),
        "hidden": draw(st.booleans()),
        "merge": draw(st.booleans()),
        "formula": draw(st.booleans()),
        "seed": draw(st.integers(0, 10_000)),
    }


EXCEL_VALUES = [
    None,
    1001,
    1001.0,
    "1001",
    dt.datetime(2024, 4, 1),
    dt.datetime(2024, 4, 1, 10, 30),
    dt.date(2010, 1, 1),
    dt.time(10, 30),
    45383,  # 1 April 2024 as an Excel serial number
    45383.5,
    True,
    "M",
    "C2",
    "U4",
    "31/02/2025",
    "#DIV/0!",
    SQL_NAME,
    1e300,
    -5,
]


def build_workbook(layouts: list[dict]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number, layout in enumerate(layouts):
        title = layout["title"]
        if title in workbook.sheetnames:
            title = f"{number}{title}"
        sheet = workbook.create_sheet(title)
        first = layout["header_row"]
        if first > 1:
            sheet.cell(1, 1, "Extract produced by the CMS")
        for column, name in enumerate(layout["columns"], start=1):
            sheet.cell(first, column, name)
        for row in range(layout["rows"]):
            for column in range(1, len(layout["columns"]) + 1):
                value = EXCEL_VALUES[(layout["seed"] + row * 7 + column * 3) % len(EXCEL_VALUES)]
                sheet.cell(first + 1 + row, column, value)
        if layout["formula"]:
            sheet.cell(first + 1, 1, "=1000+1")
        if layout["merge"] and layout["rows"]:
            sheet.merge_cells(
                start_row=first + 1, start_column=1, end_row=first + layout["rows"], end_column=2
            )
        if layout["hidden"] and number:
            sheet.sheet_state = "hidden"
    if not layouts:
        workbook.create_sheet("Empty")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.filterwarnings("ignore:Title is more than 31 characters")
@BOUNDED
@given(st.lists(sheet_layouts(), max_size=4))
def test_workbooks_of_any_shape_are_read_or_refused_and_every_row_is_accounted_for(layouts):
    assert_contained(build_workbook(layouts), "extract.xlsx")


@pytest.mark.filterwarnings("ignore:Title is more than 31 characters")
@BOUNDED
@given(st.lists(sheet_layouts(), min_size=1, max_size=3), st.data())
def test_truncated_or_damaged_workbooks_are_refused_by_name(layouts, data):
    workbook = build_workbook(layouts)
    # A fraction, not an offset: a workbook's size varies with the time it was saved at.
    position = int(data.draw(st.floats(0, 1, exclude_max=True)) * len(workbook))
    if data.draw(st.booleans()):
        damaged = workbook[:position]
    else:
        damaged = (
            workbook[:position] + data.draw(st.binary(min_size=1, max_size=16)) + workbook[position + 1 :]
        )
    assert_contained(damaged, "extract.xlsx")


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def _with_sheet_xml(workbook: bytes, sheet_xml: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/worksheets/sheet1.xml"] = sheet_xml
    return _zip(members)


@pytest.mark.parametrize(
    "sheet_xml",
    [
        b"<worksheet><sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>CHILD",  # cut off
        b"not xml at all",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]>"
        b"<worksheet><sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>&b;</t></is></c></row>"
        b"</sheetData></worksheet>",  # entity expansion
        b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData>"
        b"<row r='1'><c r='A1' t='s'><v>999</v></c></row></sheetData></worksheet>",  # no such string
        b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData>"
        b"<row r='1'><c r='A1' t='n'><v>abc</v></c></row></sheetData></worksheet>",  # a number that is not
        b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData>"
        b"<row r='1'><c r='A1' t='d'><v>yesterday</v></c></row></sheetData></worksheet>",  # a date that is not
    ],
    ids=["cut-off", "not-xml", "entities", "missing-shared-string", "bad-number", "bad-date"],
)
def test_a_workbook_whose_sheet_is_damaged_is_refused_by_name(sheet_xml):
    workbook = build_workbook([{**_layout(HEADER), "rows": 2}])

    assert read_or_refuse(_with_sheet_xml(workbook, sheet_xml), "extract.xlsx") is None


def _layout(columns: list[str], **changes) -> dict:
    layout = {
        "title": "Sheet",
        "columns": columns,
        "header_row": 1,
        "rows": 0,
        "hidden": False,
        "merge": False,
        "formula": False,
        "seed": 0,
    }
    return layout | changes


def test_a_zip_that_is_not_a_workbook_is_refused_by_name():
    archive = _zip({"header.csv": b"CHILD,SEX,DOB\n1001,M,01/01/2010\n"})

    assert read_or_refuse(archive, "extract.xlsx") is None


def test_an_empty_workbook_is_refused_by_name():
    assert read_or_refuse(build_workbook([]), "extract.xlsx") is None


def test_a_header_below_blank_rows_is_found_with_worksheet_row_numbers():
    workbook = openpyxl.Workbook()
    workbook.active.cell(3, 1, None)
    for column, name in enumerate(HEADER, start=1):
        workbook.active.cell(3, column, name)
    workbook.active.append(["1001", "M", "01/01/2010", "WBRI", None, 0, None])
    out = io.BytesIO()
    workbook.save(out)

    [table] = assert_contained(out.getvalue(), "extract.xlsx")

    assert table.source_lines.tolist() == [4]


def test_a_header_below_a_title_row_is_refused_naming_the_sheet():
    workbook = build_workbook([_layout(HEADER, header_row=3, rows=2, title="Children")])

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "extract.xlsx").write_bytes(workbook)
        # The title is the first row with a value, so it is taken for the header.
        with pytest.raises(UnreadableFileError, match=r"^extract\.xlsx: sheet Children row 3 has 7 fields"):
            read_extract_file(Path(folder) / "extract.xlsx")


def test_excel_dates_and_serial_numbers_are_read_as_text_a_person_could_check():
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([1001, "M", dt.datetime(2010, 1, 1), "WBRI", None, 0, 45383])
    out = io.BytesIO()
    workbook.save(out)

    [table] = assert_contained(out.getvalue(), "extract.xlsx")

    assert table.frame.loc[0, "DOB"] == "2010-01-01"
    assert table.frame.loc[0, "MC_DOB"] == "45383"  # a serial number is a number, not a date


def test_one_table_on_two_sheets_of_a_workbook_is_refused_naming_both_sheets():
    workbook = build_workbook(
        [_layout(HEADER, title="Header 2024", rows=2), _layout(HEADER, title="Header 2025", rows=2)]
    )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.xlsx"
        path.write_bytes(workbook)
        with pytest.raises(UnreadableFileError, match=r"Header 2024.*Header 2025"):
            read_extract_file(path)


# ---- folders and links ----


def _csv(path: Path, header: list[str], *rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    return path


def test_only_council_and_month_folders_are_found(tmp_path):
    extracts = tmp_path / "extracts"
    for folder in [
        f"{LA}/2025-03",
        f"{LA}/2025-13",
        f"{LA}/2025-00",
        f"{LA}/2025-3",
        f"{LA}/2025-03-01",
        f"{LA}/2025-03 (copy)",
        f"{LA}/2025-03\n",
        f"{LA}/ 2025-04",
        f"{LA}\n/2025-03",
        "E0600000/2025-03",
        "X06000002/2025-03",
        "e06000002/2025-03",
        "junk/2025-03",
        "2025-03",
        f"{LA}/2025-04/2025-05",
        "W06000001/2024-12",
    ]:
        (extracts / folder).mkdir(parents=True)
    (extracts / LA / "2025-06").write_text("a file named like a month")
    (extracts / "S12000033").write_text("a file named like a council")

    assert council_months(extracts) == {LA: ["2025-03", "2025-04"], "W06000001": ["2024-12"]}


def test_council_months_of_a_missing_or_file_path_is_empty(tmp_path):
    (tmp_path / "file").write_text("x")

    assert council_months(tmp_path / "absent") == {}
    assert council_months(tmp_path / "file") == {}
    assert council_months(tmp_path / ".." / tmp_path.name / "absent") == {}


def test_symlinked_month_and_council_folders_are_ignored_and_logged(tmp_path, caplog):
    extracts = tmp_path / "extracts"
    outside = tmp_path / "elsewhere"
    _csv(outside / "2025-03" / "header.csv", HEADER, ["1001", "M", "01/01/2010", "WBRI", "", "0", ""])
    (extracts / LA / "2025-02").mkdir(parents=True)
    (extracts / LA / "2025-03").symlink_to(outside / "2025-03", target_is_directory=True)
    (extracts / LA / "2025-04").symlink_to(extracts / LA / "2025-02", target_is_directory=True)
    (extracts / LA / "2025-05").symlink_to(extracts / LA / "2025-05")  # a loop
    (extracts / "W06000001").symlink_to(outside, target_is_directory=True)

    with caplog.at_level(logging.WARNING, logger="cp_pipeline.extracts.landing"):
        found = council_months(extracts)

    assert found == {LA: ["2025-02"]}
    logged = caplog.text
    for skipped in [f"{LA}/2025-03", f"{LA}/2025-04", f"{LA}/2025-05", "W06000001"]:
        assert skipped in logged


def test_a_symlinked_file_leading_outside_the_month_folder_is_refused_by_name(tmp_path):
    month = tmp_path / "extracts" / LA / MONTH
    month.mkdir(parents=True)
    secret = _csv(
        tmp_path / "secret" / "header.csv", HEADER, ["1001", "M", "01/01/2010", "WBRI", "", "0", ""]
    )
    (month / "header.csv").symlink_to(secret)

    with pytest.raises(UnreadableFileError, match=r"^header\.csv: symbolic link pointing outside"):
        read_month_folder(month)


@pytest.mark.parametrize("target", ["dir", "loop", "dangling"])
def test_other_symlinks_in_a_month_folder_are_refused_by_name(tmp_path, target):
    month = tmp_path / "extracts" / LA / MONTH
    month.mkdir(parents=True)
    link = month / "header.csv"
    if target == "dir":
        link.symlink_to(tmp_path, target_is_directory=True)
    elif target == "loop":
        link.symlink_to(link)
    else:
        link.symlink_to(month / "gone.csv")

    with pytest.raises(UnreadableFileError, match=r"^header\.csv: "):
        read_month_folder(month)


def test_land_month_refuses_a_symlinked_month_folder(tmp_path):
    outside = tmp_path / "elsewhere" / MONTH
    _csv(outside / "header.csv", HEADER, ["1001", "M", "01/01/2010", "WBRI", "", "0", ""])
    (tmp_path / "extracts" / LA).mkdir(parents=True)
    link = tmp_path / "extracts" / LA / MONTH
    link.symlink_to(outside, target_is_directory=True)
    warehouse = Warehouse(f"duckdb:///{tmp_path}/wh.duckdb")

    with pytest.raises(UnreadableFileError, match="symbolic link"):
        land_month(warehouse, link, LA, MONTH)
    warehouse.dispose()


# ---- names from files never reach SQL ----


def test_sql_in_a_column_or_sheet_name_is_kept_as_data_and_never_runs(tmp_path):
    month = tmp_path / "extracts" / LA / MONTH
    _csv(
        month / "episodes.csv",
        [*EPISODES, SQL_NAME],
        ["1001", "01/04/2024", "S", "C2", "N1", "U4", "PR1", "", "", "", "", "", "", "payload"],
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "x'); DROP TABLE raw.header; --"
    sheet.append([*HEADER, 'MC_DOB" text); DROP SCHEMA staging CASCADE; --'])
    sheet.append(["1001", "M", "01/01/2010", "WBRI", None, 0, None, "more payload"])
    workbook.save(month / "header.xlsx")
    warehouse = Warehouse(f"duckdb:///{tmp_path}/wh.duckdb")

    result = land_month(warehouse, month, LA, MONTH)
    warehouse.dispose()

    assert result.rows_raw == {"Header": 1, "Episodes": 1}
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as db:
        tables = {
            f"{s}.{t}"
            for s, t in db.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        }
        assert {
            "raw.header",
            "raw.episodes",
            "staging.header",
            "staging.episodes",
            "dq.file_manifest",
        } <= tables
        for table in ["raw.episodes", "staging.episodes", "raw.header", "staging.header"]:
            columns = [row[0] for row in db.execute(f"DESCRIBE {table}").fetchall()]
            assert not any("DROP" in column for column in columns), table
        [(episodes_extra,)] = db.execute("SELECT extra_columns FROM raw.episodes").fetchall()
        [(header_extra,)] = db.execute("SELECT extra_columns FROM raw.header").fetchall()
        assert db.execute("SELECT count(*) FROM staging.episodes").fetchone() == (1,)
    assert json.loads(episodes_extra) == {SQL_NAME: "payload"}
    assert json.loads(header_extra) == {'MC_DOB" text); DROP SCHEMA staging CASCADE; --': "more payload"}
