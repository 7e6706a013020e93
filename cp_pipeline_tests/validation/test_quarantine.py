"""Quarantine rows: the contract's columns and plain messages built for many rows at once."""

from __future__ import annotations

import pandas as pd

from cp_pipeline.extracts.specs import table_spec
from cp_pipeline.validation.quarantine import (
    QUARANTINE_COLUMNS,
    collection_year_label,
    empty_quarantine,
    fill_template,
    is_personal,
    quarantine_frame,
)


def test_fill_template_mixes_row_values_and_constants():
    index = pd.RangeIndex(2)
    fields = {
        "location": pd.Series(["episodes.csv line 2", "episodes.csv line 9"]),
        "value": pd.Series(["01/02/2024", None]),
        "month": "2024-05",
    }

    messages = fill_template("{location}: DEC {value} in {month}", fields, index)

    assert messages.tolist() == [
        "episodes.csv line 2: DEC 01/02/2024 in 2024-05",
        "episodes.csv line 9: DEC  in 2024-05",
    ]


def test_quarantine_frames_have_the_contract_columns_and_types():
    frame = quarantine_frame({name: ["x"] for name in QUARANTINE_COLUMNS} | {"source_line": [7]})

    assert list(frame.columns) == QUARANTINE_COLUMNS
    assert str(frame["source_line"].dtype) == "Int64"
    assert list(empty_quarantine().columns) == QUARANTINE_COLUMNS
    assert len(empty_quarantine()) == 0


def test_child_identifiers_and_dates_of_birth_are_personal():
    header = table_spec("Header")

    assert is_personal(header.column("CHILD"))
    assert is_personal(header.column("UPN"))
    assert is_personal(header.column("DOB"))
    assert is_personal(header.column("MC_DOB"))
    assert not is_personal(header.column("SEX"))
    assert is_personal(table_spec("Reviews").column("DOB"))


def test_collection_years_are_named_like_the_dfe_does():
    assert collection_year_label(2025) == "2024-25"
    assert collection_year_label(2000) == "1999-00"
