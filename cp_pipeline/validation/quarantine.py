"""The shape of dq.quarantine rows and the plain-English messages they carry, kept free of personal data."""

from __future__ import annotations

import string
from collections.abc import Mapping

import pandas as pd

from cp_pipeline.extracts.specs import Column

REJECTED = "rejected"
FLAGGED = "flagged"

QUARANTINE_COLUMNS = [
    "la_code",
    "extract_month",
    "table_name",
    "source_file",
    "source_line",
    "column_name",
    "rule_id",
    "action",
    "message",
    "value",
]


def is_personal(column: Column) -> bool:
    """Whether a column's values must never appear in a message or a log line (tables.yaml
    marks them `personal`, and every date of birth is). The `value` column of dq.quarantine
    may hold them, because only the pipeline role reads dq."""
    return column.date_of_birth or column.personal


def empty_quarantine() -> pd.DataFrame:
    return quarantine_frame({name: [] for name in QUARANTINE_COLUMNS})


def quarantine_frame(columns: Mapping[str, object]) -> pd.DataFrame:
    """A quarantine frame with the contract's columns, in order, with stable dtypes."""
    frame = pd.DataFrame({name: columns[name] for name in QUARANTINE_COLUMNS})
    for name in QUARANTINE_COLUMNS:
        frame[name] = frame[name].astype("Int64" if name == "source_line" else "string")
    return frame.reset_index(drop=True)


def fill_template(template: str, fields: Mapping[str, object], index: pd.Index) -> pd.Series:
    """Fill a message template, field by field, for many rows at once.

    Fields may be scalars or Series aligned on `index`; a missing value prints as nothing.
    """
    message = pd.Series("", index=index, dtype="string")
    for literal, field_name, _spec, _conversion in string.Formatter().parse(template):
        message = message + literal
        if field_name is None:
            continue
        value = fields[field_name]
        if isinstance(value, pd.Series):
            message = message + value.astype("string").fillna("")
        else:
            message = message + ("" if value is None else str(value))
    return message


def collection_year_label(collection_year: int) -> str:
    """2025 -> "2024-25", the way the DfE names a collection year."""
    return f"{collection_year - 1}-{collection_year % 100:02d}"
