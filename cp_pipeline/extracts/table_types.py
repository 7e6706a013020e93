"""Warehouse column types of the tables ingest writes: raw.*, staging.* and dq.*."""

from __future__ import annotations

from cp_pipeline.extracts.specs import TableSpec
from cp_pipeline.validation.quarantine import QUARANTINE_COLUMNS

# Spec column types -> the warehouse's logical types.
STAGING_TYPES = {
    "id": "text",
    "str": "text",
    "code": "text",
    "time": "text",
    "postcode": "text",
    "date": "date",
    "datetime": "timestamp",
    "int": "int",
    "flag": "int",
    "number": "float",
}
LINEAGE_TYPES = {"la_code": "text", "extract_month": "text", "source_file": "text", "source_line": "int"}
MANIFEST_TYPES = {
    "la_code": "text",
    "extract_month": "text",
    "source_file": "text",
    "file_sha256": "text",
    "size_bytes": "int",
    "encoding": "text",
    "tables": "text",
    "loaded_at": "timestamp",
}
# `stage` says which step wrote the row (ingest, dfe_rules, ...), so each step replaces only its own.
QUARANTINE_TYPES = {c: ("int" if c == "source_line" else "text") for c in QUARANTINE_COLUMNS} | {
    "stage": "text"
}
PRESENCE_TYPES = {
    "la_code": "text",
    "extract_month": "text",
    "table_name": "text",
    "present": "bool",
    "raw_rows": "int",
    "staged_rows": "int",
    "rejected_rows": "int",
}


def staging_types(spec: TableSpec) -> dict[str, str]:
    return {c.staging_name: STAGING_TYPES[c.type] for c in spec.columns} | LINEAGE_TYPES


def raw_types(spec: TableSpec) -> dict[str, str]:
    return (
        {c.name: "text" for c in spec.columns}
        | {"extra_columns": "text"}
        | LINEAGE_TYPES
        | {
            "file_sha256": "text",
            "loaded_at": "timestamp",
        }
    )


LANDING_LOG_TYPES = {
    "la_code": "text",
    "extract_month": "text",
    "action": "text",
    "files": "int",
    "raw_rows": "int",
    "loaded_at": "timestamp",
}
