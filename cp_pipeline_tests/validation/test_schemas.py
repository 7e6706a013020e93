"""The pandera schemas built from tables.yaml: one named check per rule, code lists keyed on the collection year."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.config import config_context

from cp_pipeline.extracts.specs import table_spec, table_specs
from cp_pipeline.validation.schemas import (
    check_frame,
    describe_rules,
    find_failures,
    rules_by_id,
    schema_for,
    table_rules,
)


def header_check_frame(sex: list[str | None], dob: list[str]) -> pd.DataFrame:
    """A Header check frame built by hand: typed values plus blank / unreadable helpers."""
    spec = table_spec("Header")
    n = len(sex)
    typed = pd.DataFrame(
        {
            "CHILD": pd.array([f"{1001 + i}" for i in range(n)], dtype="string"),
            "SEX": pd.array(sex, dtype="string"),
            "DOB": pd.to_datetime(pd.Series(dob)).astype("datetime64[us]"),
            "ETHNIC": pd.array(["WBRI"] * n, dtype="string"),
            "UPN": pd.array([None] * n, dtype="string"),
            "MOTHER": pd.array([0] * n, dtype="Int64"),
            "MC_DOB": pd.Series([pd.NaT] * n, dtype="datetime64[us]"),
        }
    )
    blank = typed.isna()
    unreadable = pd.DataFrame(False, index=typed.index, columns=typed.columns)
    return check_frame(spec, typed, blank, unreadable, pd.Timestamp("2024-05-31"))


def test_schema_is_built_once_per_table_and_collection_year():
    assert schema_for("Episodes", 2025) is schema_for("Episodes", 2025)
    assert schema_for("Episodes", 2025) is not schema_for("Episodes", 2024)
    assert isinstance(schema_for("Episodes", 2025), pa.DataFrameSchema)


def test_every_check_is_named_by_its_rule_id():
    schema = schema_for("Episodes", 2025)
    names = {check.name for column in schema.columns.values() for check in column.checks}

    assert names == {rule.rule_id for rule in table_rules("Episodes")}
    assert {"REJ-BLANK-DECOM", "REJ-CODE-PLACE", "REJ-ORDER-DEC", "FLAG-LEGACY-CODE-PLACE"} <= names


def test_pandera_reports_code_blank_and_future_birth_failures_by_row_and_rule():
    frame = header_check_frame(
        ["M", "1", None, "F"], ["2010-01-01", "2010-01-01", "2010-01-01", "2024-06-01"]
    )

    failures = find_failures("Header", 2025, frame)

    assert sorted(zip(failures["row"], failures["rule_id"], strict=True)) == [
        (1, "REJ-CODE-SEX"),
        (2, "REJ-BLANK-SEX"),
        (3, "REJ-DOB-FUTURE"),
    ]


def test_the_code_list_is_the_collection_years():
    frame = header_check_frame(["1", "M"], ["2010-01-01", "2010-01-01"])

    assert find_failures("Header", 2024, frame)["row"].tolist() == [1]
    assert find_failures("Header", 2025, frame)["row"].tolist() == [0]


def test_rules_run_even_when_pandera_is_switched_off_by_the_environment():
    frame = header_check_frame(["1"], ["2010-01-01"])

    with config_context(validation_enabled=False, validation_depth="SCHEMA_ONLY"):
        failures = find_failures("Header", 2025, frame)

    assert failures["rule_id"].tolist() == ["REJ-CODE-SEX"]


def test_a_check_frame_that_does_not_fit_its_schema_is_a_programming_error():
    frame = header_check_frame(["M"], ["2010-01-01"]).drop(columns=["SEX__blank"])

    with pytest.raises(RuntimeError, match="SEX__blank"):
        find_failures("Header", 2025, frame)


def test_only_the_contracts_required_columns_have_a_blank_rule():
    blank_rules = {
        (r.table, r.column) for r in describe_rules().itertuples() if r.rule_id.startswith("REJ-BLANK-")
    }

    assert ("Header", "ETHNIC") not in blank_rules
    assert ("Visits", "VISIT_DATE") not in blank_rules
    assert {("Visits", "DUE_DATE"), ("Workforce", "WORKER_ID"), ("Episodes", "PLACE")} <= blank_rules
    assert blank_rules == {(s.name, c.name) for s in table_specs().values() for c in s.columns if c.required}


def test_describe_rules_lists_each_rule_once_per_table_with_its_action():
    rules = describe_rules()

    assert list(rules.columns) == ["rule_id", "table", "column", "action", "message"]
    assert not rules.duplicated(["table", "rule_id"]).any()
    assert set(rules["action"]) == {"rejected", "flagged"}
    order = rules[(rules["table"] == "Episodes") & (rules["rule_id"] == "REJ-ORDER-DEC")].iloc[0]
    assert order["message"] == "{location}: DEC {value} is before DECOM {start_value} (REJ-ORDER-DEC)"
    assert rules_by_id("Missing")["REJ-ORDER-MIS_END"].related_column == "MIS_START"


def test_rule_messages_for_personal_columns_have_no_value_placeholder():
    rules = describe_rules()
    personal = rules[rules["column"].isin(["CHILD", "UPN", "DOB", "MC_DOB"])]

    assert len(personal) > 0
    assert not personal["message"].str.contains("{value}", regex=False).any()
