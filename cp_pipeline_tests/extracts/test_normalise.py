"""Normalising tables as read: cleaning, typing, and the five faults that reject a row (extracts.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cp_pipeline.extracts.normalise import month_end, normalise_table, staging_dtypes
from cp_pipeline.extracts.readers import read_extract_file
from cp_pipeline.extracts.specs import table_spec
from cp_pipeline.validation.quarantine import QUARANTINE_COLUMNS

LA = "E06000002"

EPISODE = {
    "CHILD": "1001",
    "DECOM": "01/02/2024",
    "RNE": "S",
    "LS": "C2",
    "CIN": "N1",
    "PLACE": "U4",
    "PLACE_PROVIDER": "PR1",
    "DEC": "",
    "REC": "",
    "REASON_PLACE_CHANGE": "",
    "HOME_POST": "",
    "PL_POST": "",
    "URN": "",
}
CHILD = {
    "CHILD": "1001",
    "SEX": "M",
    "DOB": "01/01/2010",
    "ETHNIC": "WBRI",
    "UPN": "",
    "MOTHER": "0",
    "MC_DOB": "",
}


def write_table(
    folder: Path, name: str, table: str, rows: list[dict[str, str]], extra: dict | None = None
) -> Path:
    """A CSV with the table's columns in spec order; each row overrides the defaults."""
    columns = table_spec(table).column_names + list(extra or {})
    lines = [",".join(columns)] + [
        ",".join(row.get(c, (extra or {}).get(c, "")) for c in columns) for row in rows
    ]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def normalise(tmp_path: Path, table: str, rows: list[dict[str, str]], month: str = "2024-05", **kwargs):
    path = write_table(tmp_path, f"{table.lower()}.csv", table, rows, **kwargs)
    return normalise_table(read_extract_file(path), LA, month)


def episodes(tmp_path: Path, *changes: dict[str, str], month: str = "2024-05"):
    return normalise(tmp_path, "Episodes", [EPISODE | change for change in changes], month)


def children(tmp_path: Path, *changes: dict[str, str], month: str = "2024-05"):
    return normalise(tmp_path, "Header", [CHILD | change for change in changes], month)


def distinct_rejected_rows(result) -> int:
    return len(result.rejected[["source_file", "source_line"]].drop_duplicates())


# ---- cleaning and types ----


def test_excel_damaged_and_padded_ids_are_the_same_child(tmp_path):
    result = children(
        tmp_path,
        {"CHILD": "1001.0"},
        {"CHILD": " 1001 "},
        {"CHILD": '"1,001"'},
        {"CHILD": "1001"},
        {"CHILD": "1.001E+3"},
    )

    assert result.staged["child"].tolist() == ["1001"] * 5
    assert result.rejected.empty
    repairs = dict(zip(result.repairs["repair"], result.repairs["rows"], strict=True))
    assert repairs["removed .0 suffix"] == 1
    assert repairs["removed thousands separators"] == 1
    assert repairs["trimmed surrounding spaces"] == 1
    assert repairs["expanded scientific notation"] == 1


def test_lower_case_and_padded_codes_are_accepted_and_upper_cased(tmp_path):
    result = episodes(tmp_path, {"RNE": "s", "LS": " c2 ", "PLACE": "u4"})

    assert result.rejected.empty
    row = result.staged.iloc[0]
    assert (row["rne"], row["ls"], row["place"]) == ("S", "C2", "U4")


def test_iso_and_single_digit_dates_read_as_the_same_day(tmp_path):
    result = episodes(tmp_path, {"DECOM": "2024-02-01"}, {"DECOM": "1/2/2024"}, {"DECOM": "01/02/2024"})

    assert result.rejected.empty
    assert str(result.staged["decom"].dtype) == "datetime64[us]"
    assert result.staged["decom"].tolist() == [pd.Timestamp("2024-02-01")] * 3


def test_thousands_separators_are_stripped_from_numbers(tmp_path):
    result = normalise(tmp_path, "Establishment", [{"TEAM": "North", "ROLE": "SW", "POSTS_FTE": '"1,250.5"'}])

    assert result.rejected.empty
    assert result.staged["posts_fte"].tolist() == [1250.5]
    assert str(result.staged["posts_fte"].dtype) == "Float64"


def test_flags_are_whole_numbers_and_excel_floats_are_repaired(tmp_path):
    result = children(tmp_path, {"MOTHER": "1.0"}, {"MOTHER": ""}, {"MOTHER": "0"})

    assert result.staged["mother"].tolist() == [1, pd.NA, 0]
    assert str(result.staged["mother"].dtype) == "Int64"


def test_postcodes_get_one_space_before_the_inward_code(tmp_path):
    result = episodes(tmp_path, {"HOME_POST": "ls14ab", "PL_POST": " m1  1ae "})

    assert result.staged.loc[0, "home_post"] == "LS1 4AB"
    assert result.staged.loc[0, "pl_post"] == "M1 1AE"


def test_times_are_kept_as_hh_mm(tmp_path):
    row = {
        "CHILD": "1001",
        "DOB": "01/01/2010",
        "MISSING": "M",
        "MIS_START": "01/05/2024",
        "MIS_START_TIME": "9:05",
    }
    result = normalise(tmp_path, "Missing", [row, row | {"MIS_START_TIME": "25:00"}])

    assert result.staged["mis_start_time"].tolist() == ["09:05"]
    assert result.rejected["rule_id"].tolist() == ["REJ-TYPE-MIS_START_TIME"]


def test_staged_columns_are_lower_case_typed_and_carry_their_source(tmp_path):
    result = episodes(tmp_path, {})

    assert list(result.staged.columns) == list(staging_dtypes("Episodes"))
    assert {c: str(t) for c, t in result.staged.dtypes.items()} == staging_dtypes("Episodes")
    row = result.staged.iloc[0]
    assert (row["la_code"], row["extract_month"], row["source_file"], row["source_line"]) == (
        LA,
        "2024-05",
        "episodes.csv",
        2,
    )
    assert pd.isna(row["dec"]) and pd.isna(row["rec"])


def test_raw_keeps_values_exactly_as_read_and_extra_columns_as_json(tmp_path):
    result = normalise(
        tmp_path, "Header", [CHILD | {"CHILD": " 1001.0 ", "SEX": "m"}], extra={"Worker note": "é café"}
    )

    raw = result.raw.iloc[0]
    assert raw["CHILD"] == " 1001.0 "
    assert raw["SEX"] == "m"
    assert raw["extra_columns"] == '{"Worker note":"é café"}'
    assert list(result.raw.columns) == table_spec("Header").column_names + [
        "extra_columns",
        "la_code",
        "extract_month",
        "source_file",
        "source_line",
    ]


def test_a_header_only_file_normalises_to_empty_typed_frames(tmp_path):
    result = normalise(tmp_path, "AD1", [])

    assert len(result.raw) == len(result.staged) == len(result.rejected) == 0
    assert {c: str(t) for c, t in result.staged.dtypes.items()} == staging_dtypes("AD1")


def test_two_files_of_one_table_keep_their_own_files_and_lines(tmp_path):
    first = write_table(tmp_path, "episodes_a.csv", "Episodes", [EPISODE, EPISODE | {"CHILD": "1002"}])
    second = write_table(tmp_path, "episodes_b.csv", "Episodes", [EPISODE | {"CHILD": "2001", "LS": "ZZ"}])

    result = normalise_table(read_extract_file(first) + read_extract_file(second), LA, "2024-05")

    assert list(zip(result.raw["source_file"], result.raw["source_line"], strict=True)) == [
        ("episodes_a.csv", 2),
        ("episodes_a.csv", 3),
        ("episodes_b.csv", 2),
    ]
    assert result.rejected[["source_file", "source_line", "rule_id"]].values.tolist() == [
        ["episodes_b.csv", 2, "REJ-CODE-LS"]
    ]
    assert result.staged["child"].tolist() == ["1001", "1002"]


# ---- the five faults that reject a row ----


@pytest.mark.parametrize(
    ("change", "rule_id", "column"),
    [
        ({"CHILD": ""}, "REJ-BLANK-CHILD", "CHILD"),
        ({"PLACE": "  "}, "REJ-BLANK-PLACE", "PLACE"),
        ({"DECOM": "31/02/2025"}, "REJ-TYPE-DECOM", "DECOM"),
        ({"CHILD": "10 01"}, "REJ-TYPE-CHILD", "CHILD"),
        ({"LS": "C9"}, "REJ-CODE-LS", "LS"),
        ({"DEC": "31/01/2024", "REC": "E8"}, "REJ-ORDER-DEC", "DEC"),
    ],
)
def test_each_episode_fault_rejects_its_row_and_the_rest_carry_on(tmp_path, change, rule_id, column):
    result = episodes(tmp_path, {"CHILD": "1001"}, {"CHILD": "1002"} | change, {"CHILD": "1003"})

    assert result.rejected["rule_id"].tolist() == [rule_id]
    record = result.rejected.iloc[0]
    assert (record["source_line"], record["column_name"], record["action"], record["table_name"]) == (
        3,
        column,
        "rejected",
        "Episodes",
    )
    assert result.staged["source_line"].tolist() == [2, 4]
    assert len(result.raw) == len(result.staged) + distinct_rejected_rows(result)


def test_a_date_of_birth_after_the_extract_month_is_rejected(tmp_path):
    result = children(tmp_path, {"DOB": "31/05/2024"}, {"CHILD": "1002", "DOB": "01/06/2024"})

    assert result.rejected["rule_id"].tolist() == ["REJ-DOB-FUTURE"]
    assert result.rejected.loc[0, "source_line"] == 3
    assert result.staged["child"].tolist() == ["1001"]


def test_out_of_range_scores_and_unreadable_numbers_are_rejected(tmp_path):
    check = {"CHILD": "1001", "CHECK_TYPE": "SDQ", "CHECK_DATE": "01/05/2024"}
    result = normalise(
        tmp_path,
        "HealthChecks",
        [check | {"SDQ_SCORE": "12"}, check | {"SDQ_SCORE": "41"}, check | {"SDQ_SCORE": "twelve"}],
    )

    assert result.rejected[["source_line", "rule_id"]].values.tolist() == [
        [3, "REJ-RANGE-SDQ_SCORE"],
        [4, "REJ-TYPE-SDQ_SCORE"],
    ]
    assert result.staged["sdq_score"].tolist() == [12]


def test_a_row_with_several_faults_reports_each_once_and_counts_as_one_row(tmp_path):
    result = episodes(tmp_path, {"CHILD": "", "LS": "C9", "DECOM": "01/13/2024"}, {"CHILD": "1002"})

    assert sorted(result.rejected["rule_id"]) == ["REJ-BLANK-CHILD", "REJ-CODE-LS", "REJ-TYPE-DECOM"]
    assert distinct_rejected_rows(result) == 1
    assert len(result.staged) == 1
    assert len(result.raw) == len(result.staged) + distinct_rejected_rows(result)


def test_blanks_outside_the_contracts_list_do_not_reject(tmp_path):
    result = children(tmp_path, {"ETHNIC": "", "UPN": "", "MOTHER": ""})

    assert result.rejected.empty
    assert len(result.staged) == 1


def test_sex_codes_follow_the_collection_year_of_the_extract_month(tmp_path):
    march = children(tmp_path, {"SEX": "1"}, {"CHILD": "1002", "SEX": "M"}, month="2024-03")
    may = children(tmp_path, {"SEX": "1"}, {"CHILD": "1002", "SEX": "M"}, month="2024-05")

    assert march.staged["child"].tolist() == ["1001"]
    assert march.rejected[["source_line", "rule_id"]].values.tolist() == [[3, "REJ-CODE-SEX"]]
    assert may.staged["child"].tolist() == ["1002"]
    assert may.rejected[["source_line", "rule_id"]].values.tolist() == [[2, "REJ-CODE-SEX"]]
    assert may.rejected.loc[0, "message"] == (
        "header.csv line 2: SEX 1 is not in the SEX code list for collection year 2024-25 (REJ-CODE-SEX)"
    )


# ---- flags: the row stays in staging ----


def test_a_retired_placement_code_after_its_end_date_is_flagged_not_rejected(tmp_path):
    result = episodes(
        tmp_path,
        {"CHILD": "1001", "PLACE": "P2", "DECOM": "28/10/2023"},
        {"CHILD": "1002", "PLACE": "P2", "DECOM": "29/10/2023"},
    )

    assert result.rejected.empty
    assert result.staged["child"].tolist() == ["1001", "1002"]
    assert result.flags[["source_line", "rule_id", "action"]].values.tolist() == [
        [3, "FLAG-LEGACY-CODE-PLACE", "flagged"]
    ]
    assert result.flags.loc[0, "message"] == (
        "episodes.csv line 3: PLACE P2 is a legacy code retired on 28/10/2023 but is used on a row with "
        "DECOM 29/10/2023 (FLAG-LEGACY-CODE-PLACE)"
    )


def test_dates_far_in_the_future_and_very_old_births_are_flagged(tmp_path):
    # May 2024 ends on 31/05; 31 days later is 01/07/2024.
    late = episodes(tmp_path, {"DECOM": "02/07/2024"}, {"CHILD": "1002", "DECOM": "01/07/2024"})
    old = children(tmp_path, {"DOB": "31/05/1999"}, {"CHILD": "1002", "DOB": "30/05/1999"})

    assert late.flags[["source_line", "rule_id"]].values.tolist() == [[2, "FLAG-FUTURE-DATE-DECOM"]]
    assert len(late.staged) == 2
    assert old.flags[["source_line", "rule_id"]].values.tolist() == [[3, "FLAG-DOB-OVER-25"]]
    assert len(old.staged) == 2


def test_rejected_rows_are_not_also_flagged(tmp_path):
    result = episodes(tmp_path, {"PLACE": "P2", "DECOM": "01/01/2024", "LS": "C9"})

    assert result.flags.empty
    assert result.rejected["rule_id"].tolist() == ["REJ-CODE-LS"]


# ---- messages ----


def test_messages_name_file_line_values_and_rule(tmp_path):
    result = episodes(tmp_path, *[{}] * 15, {"DECOM": "03/02/2024", "DEC": "01/02/2024", "REC": "E8"})

    assert list(result.rejected.columns) == QUARANTINE_COLUMNS
    assert result.rejected.loc[0, "message"] == (
        "episodes.csv line 17: DEC 01/02/2024 is before DECOM 03/02/2024 (REJ-ORDER-DEC)"
    )
    assert result.rejected.loc[0, "value"] == "01/02/2024"


def test_messages_never_show_a_child_identifier_or_date_of_birth(tmp_path):
    result = children(
        tmp_path, {"CHILD": "AB 123", "DOB": "2031-04-05"}, {"CHILD": "X1", "DOB": "30/02/2010"}
    )

    messages = " ".join(result.rejected["message"])
    assert sorted(result.rejected["rule_id"]) == ["REJ-DOB-FUTURE", "REJ-TYPE-CHILD", "REJ-TYPE-DOB"]
    for personal in ("AB 123", "2031", "30/02/2010", "X1"):
        assert personal not in messages
    assert "header.csv line 2: CHILD is not a valid identifier" in messages


def test_extract_month_must_be_year_and_month(tmp_path):
    with pytest.raises(ValueError, match="YYYY-MM"):
        episodes(tmp_path, {}, month="2024-5")
    assert month_end("2024-02") == pd.Timestamp("2024-02-29")
