"""Reading extract files: encodings, header recognition, line numbers, workbooks and month folders."""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from pathlib import Path

import openpyxl
import pytest

from cp_pipeline.extracts.readers import (
    UnreadableFileError,
    read_extract_file,
    read_month_folder,
    recognise_table,
)
from cp_pipeline.extracts.specs import table_spec

EPISODES = table_spec("Episodes").column_names
HEADER = table_spec("Header").column_names


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def csv_text(header: list[str], *rows: list[str]) -> str:
    return "\n".join(",".join(row) for row in [header, *rows]) + "\n"


def header_row(child: str = "1001", sex: str = "M", dob: str = "01/01/2010") -> list[str]:
    return [child, sex, dob, "WBRI", "", "0", ""]


def test_utf8_with_bom_is_read_and_the_bom_is_not_part_of_the_first_column(tmp_path):
    path = write(tmp_path / "header.csv", csv_text(HEADER, header_row()), "utf-8-sig")

    [table] = read_extract_file(path)

    assert table.table == "Header"
    assert table.encoding == "utf-8-sig"
    assert list(table.frame.columns) == HEADER
    assert table.frame.loc[0, "CHILD"] == "1001"


def test_windows_1252_file_is_decoded(tmp_path):
    text = "TEAM,ROLE,POSTS_FTE\nEquipe Brontë é,SW,3\n"
    path = write(tmp_path / "establishment.csv", text, "cp1252")

    [table] = read_extract_file(path)

    assert table.encoding == "cp1252"
    assert table.frame.loc[0, "TEAM"] == "Equipe Brontë é"


def test_utf16_from_excel_is_decoded(tmp_path):
    path = write(tmp_path / "header.csv", csv_text(HEADER, header_row()), "utf-16")

    [table] = read_extract_file(path)

    assert table.encoding == "utf-16"
    assert table.frame.loc[0, "SEX"] == "M"


def test_columns_are_found_by_name_whatever_their_order_case_and_padding(tmp_path):
    shuffled = list(reversed(HEADER))
    header = [f"  {name.lower()} " for name in shuffled] + ["Notes"]
    values = dict(zip(HEADER, header_row(child=" 1001 "), strict=True))
    row = [values[name] for name in shuffled] + ["moved school"]
    path = write(tmp_path / "anything.csv", csv_text(header, row))

    [table] = read_extract_file(path)

    assert table.table == "Header"
    assert list(table.frame.columns) == HEADER
    # Values are kept exactly as read; trimming is normalisation's job.
    assert table.frame.loc[0, "CHILD"] == " 1001 "
    assert list(table.extra_columns.columns) == ["Notes"]
    assert table.extra_columns.loc[0, "Notes"] == "moved school"


def test_a_file_with_care_leaver_contact_columns_is_care_leaver_contacts_not_oc3(tmp_path):
    oc3 = write(tmp_path / "a.csv", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n1001,01/01/2005,YES,F1,B1\n")
    contacts = write(
        tmp_path / "b.csv",
        "CHILD,DOB,CONTACT_DATE,IN_TOUCH,ACTIV,ACCOM,PATHWAY_PLAN_DATE,PA_ID\n"
        "1001,01/01/2005,01/03/2024,YES,F1,B1,,PA1\n",
    )

    assert read_extract_file(oc3)[0].table == "OC3"
    assert read_extract_file(contacts)[0].table == "CareLeaverContacts"


def test_xml_names_childid_and_pl_are_accepted_as_child_and_place(tmp_path):
    header = ["CHILDID" if c == "CHILD" else "PL" if c == "PLACE" else c for c in EPISODES]
    row = ["1001", "01/02/2024", "S", "C2", "N1", "U4", "PR1", "", "", "", "", "", ""]
    path = write(tmp_path / "episodes.csv", csv_text(header, row))

    [table] = read_extract_file(path)

    assert table.table == "Episodes"
    assert table.frame.loc[0, "CHILD"] == "1001"
    assert table.frame.loc[0, "PLACE"] == "U4"
    assert table.extra_columns.shape[1] == 0


def test_missing_optional_columns_are_added_empty(tmp_path):
    path = write(
        tmp_path / "missing.csv", "CHILD,DOB,MISSING,MIS_START,MIS_END\n1001,01/01/2010,M,01/03/2024,\n"
    )

    [table] = read_extract_file(path)

    assert table.table == "Missing"
    assert list(table.frame.columns) == table_spec("Missing").column_names
    assert table.frame.loc[0, "MIS_START_TIME"] == ""


def test_unrecognisable_header_stops_with_the_file_name_and_what_was_seen(tmp_path):
    path = write(tmp_path / "episodes.csv", "CHILD,FOO,BAR\n1001,x,y\n")

    with pytest.raises(UnreadableFileError) as caught:
        read_extract_file(path)

    assert caught.value.file == "episodes.csv"
    assert str(caught.value) == "episodes.csv: no recognisable header (saw: CHILD, FOO, BAR)"
    assert "\n" not in str(caught.value)


def test_a_headerless_file_does_not_echo_child_data_in_the_message(tmp_path):
    path = write(tmp_path / "header.csv", "1001,M,01/01/2010,WBRI,A123456789012,0,\n")

    with pytest.raises(UnreadableFileError) as caught:
        read_extract_file(path)

    message = str(caught.value)
    assert "no recognisable header" in message
    assert "1001" not in message and "01/01/2010" not in message and "A123456789012" not in message


def test_a_row_with_more_fields_than_the_header_stops_naming_the_line(tmp_path):
    path = write(tmp_path / "header.csv", csv_text(HEADER, header_row(), header_row() + ["surplus"]))

    with pytest.raises(UnreadableFileError, match=r"^header\.csv: line 3 has 8 fields but the header has 7$"):
        read_extract_file(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02binary\x00", "not a CSV or XLSX file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old .xls workbook"),
        (b"CHILD,SEX\n\x81\x8d\x8f\n", "cannot be decoded"),
        (b"PK\x03\x04not really a zip", "not a readable XLSX workbook"),
    ],
)
def test_files_that_cannot_be_read_stop_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    with pytest.raises(UnreadableFileError, match=reason) as caught:
        read_extract_file(path)

    assert caught.value.file == "bad.csv"


def test_a_header_only_file_is_an_empty_table(tmp_path):
    path = write(tmp_path / "ad1.csv", ",".join(table_spec("AD1").column_names) + "\n")

    [table] = read_extract_file(path)

    assert table.table == "AD1"
    assert len(table.frame) == 0
    assert list(table.frame.columns) == table_spec("AD1").column_names


def test_line_numbers_count_physical_lines_blank_lines_and_embedded_newlines(tmp_path):
    text = (
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,NOTE\n"
        '1001,M,01/01/2010,WBRI,,0,,"two\nlines"\n'
        "\n"
        ",,,,,,,\n"
        "1002,F,01/01/2011,WBRI,,0,,\n"
    )
    path = write(tmp_path / "header.csv", text)

    [table] = read_extract_file(path)

    assert table.frame["CHILD"].tolist() == ["1001", "1002"]
    assert table.source_lines.tolist() == [2, 6]
    assert table.skipped_blank_rows == 2
    assert table.extra_columns.loc[0, "NOTE"] == "two\nlines"


def test_a_workbook_with_two_sheets_gives_two_tables_with_worksheet_row_numbers(tmp_path):
    workbook = openpyxl.Workbook()
    header_sheet = workbook.active
    header_sheet.title = "Children"
    header_sheet.append(HEADER)
    header_sheet.append([1001, "M", dt.datetime(2010, 1, 1), "WBRI", None, 0, None])
    header_sheet.append([])
    header_sheet.append(["1002", "F", "02/01/2011", "WBRI", None, 1, None])
    episodes_sheet = workbook.create_sheet("Episodes")
    episodes_sheet.append(EPISODES)
    episodes_sheet.append([1001.0, dt.date(2024, 2, 1), "S", "C2", "N1", "U4", "PR1"])
    notes = workbook.create_sheet("Read me")
    notes.append(["This workbook holds the May extract"])
    path = tmp_path / "extract.xlsx"
    workbook.save(path)

    tables = {t.table: t for t in read_extract_file(path)}

    assert set(tables) == {"Header", "Episodes"}
    children = tables["Header"]
    assert children.sheet == "Children"
    assert children.encoding == "xlsx"
    assert children.frame["CHILD"].tolist() == ["1001", "1002"]
    assert children.frame["DOB"].tolist() == ["2010-01-01", "02/01/2011"]
    assert children.source_lines.tolist() == [2, 4]
    episodes = tables["Episodes"]
    assert episodes.frame.loc[0, "CHILD"] == "1001"
    assert episodes.frame.loc[0, "DECOM"] == "2024-02-01"
    assert episodes.frame.loc[0, "DEC"] == ""


def test_a_workbook_without_any_recognisable_sheet_is_refused(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["NAME", "TOTAL"])
    path = tmp_path / "summary.xlsx"
    workbook.save(path)

    with pytest.raises(
        UnreadableFileError, match=r"summary\.xlsx: no recognisable header \(sheet Sheet, saw: NAME, TOTAL\)"
    ):
        read_extract_file(path)


def test_recognise_table_prefers_the_table_with_most_identifying_columns():
    assert recognise_table(["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]).name == "OC3"
    assert recognise_table(table_spec("CareLeaverContacts").column_names).name == "CareLeaverContacts"
    assert recognise_table(["CHILD", "DOB"]) is None


def test_month_folder_groups_files_by_table_and_records_each_file(tmp_path):
    month = tmp_path / "2024-05"
    month.mkdir()
    first = write(month / "header_a.csv", csv_text(HEADER, header_row("1001")))
    write(month / "header_b.csv", csv_text(HEADER, header_row("1002"), header_row("1003")))
    write(month / ".DS_Store", "junk")
    write(month / "peps.csv", "CHILD,PEP_DATE,PEP_STATUS\n1001,01/05/2024,COMPLETE\n")

    folder = read_month_folder(month)

    assert sorted(folder.tables) == ["Header", "PEPs"]
    assert [t.source_file for t in folder.tables["Header"]] == ["header_a.csv", "header_b.csv"]
    assert [r.source_file for r in folder.file_records] == ["header_a.csv", "header_b.csv", "peps.csv"]
    record = folder.file_records[0]
    assert record.sha256 == hashlib.sha256(first.read_bytes()).hexdigest()
    assert record.size_bytes == first.stat().st_size
    assert record.tables == ("Header",)
    assert folder.file_records[1].rows == 2
    assert folder.ignored == [".DS_Store"]
    assert folder.file_manifest()["tables"].tolist() == ["Header", "Header", "PEPs"]


def test_month_folder_refuses_a_symlink_leading_outside(tmp_path):
    month = tmp_path / "2024-05"
    month.mkdir()
    outside = write(tmp_path / "secret.csv", csv_text(HEADER, header_row()))
    (month / "header.csv").symlink_to(outside)

    with pytest.raises(
        UnreadableFileError, match="header.csv: symbolic link pointing outside the month folder"
    ):
        read_month_folder(month)


def test_month_folder_stops_at_an_unreadable_file(tmp_path):
    month = tmp_path / "2024-05"
    month.mkdir()
    write(month / "header.csv", csv_text(HEADER, header_row()))
    write(month / "notes.csv", "hello,world\n")

    with pytest.raises(UnreadableFileError, match=r"^notes\.csv: no recognisable header"):
        read_month_folder(month)


def test_a_semicolon_separated_file_is_refused_showing_its_header(tmp_path):
    path = write(tmp_path / "header.csv", ";".join(HEADER) + "\n" + ";".join(header_row()) + "\n")

    with pytest.raises(UnreadableFileError, match=r"saw: CHILD;SEX;DOB;ETHNIC;UPN;MOTHER;MC_DOB\)$"):
        read_extract_file(path)


def test_the_unreadable_file_error_survives_pickling():
    error = pickle.loads(pickle.dumps(UnreadableFileError("a.csv", "empty file")))

    assert (error.file, error.reason, str(error)) == ("a.csv", "empty file", "a.csv: empty file")


def test_a_worksheet_row_wider_than_its_header_stops_naming_sheet_and_row(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Children"
    sheet.append(HEADER)
    sheet.append([1001, "M", "01/01/2010", "WBRI", None, 0, None, None, "stray note"])
    path = tmp_path / "extract.xlsx"
    workbook.save(path)

    with pytest.raises(UnreadableFileError) as caught:
        read_extract_file(path)

    assert caught.value.file == "extract.xlsx"
    assert str(caught.value) == "extract.xlsx: sheet Children row 2 has 9 fields but the header has 7"
