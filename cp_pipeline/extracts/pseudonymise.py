"""Replaces child identifiers with keyed pseudonyms and postcodes with their district, at landing.

Switched on by a key (`CP_PSEUDONYMISATION_KEY` or a secrets file named by
`CP_PSEUDONYMISATION_KEY_FILE`, see `cp_pipeline.settings`). With a key, every identifying
column that is not a date (tables.yaml `personal: true`: CHILD in every table, UPN) becomes
`p_` + the first 20 hex digits of HMAC-SHA256(key, cleaned value). The same key gives the same
pseudonym in every table and month, so joins and trends work as before; without the key the
pseudonym cannot be reversed or recomputed. Postcodes keep their outward code (the district
that out-of-area placements are judged by) and lose the inward code: "TS1 4AB" -> "TS1 ***",
which keeps the shape the warehouse models take the district from.

Dates of birth stay in raw, staging and warehouse (ages are computed from them) and never
reach bi views, messages or logs; in dq.quarantine a personal date's `value` is removed. The
council's own raw files are untouched: `source_file` and `source_line` lead back to them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from cp_pipeline.extracts.specs import Column, TableSpec, table_spec
from cp_pipeline.settings import Secret, Settings

if TYPE_CHECKING:
    from cp_pipeline.extracts.normalise import NormalisedTable

PREFIX = "p_"
DIGEST_HEX_CHARS = 20  # 80 bits: no two of a council's children share a pseudonym in practice
MASK = "***"
DATE_TYPES = {"date", "datetime"}


def _key_bytes(key: Secret | str | bytes) -> bytes:
    if isinstance(key, Secret):
        key = key.reveal()
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def _digest(cleaned: str, key: bytes) -> str:
    return PREFIX + hmac.new(key, cleaned.encode("utf-8"), hashlib.sha256).hexdigest()[:DIGEST_HEX_CHARS]


def _clean(values: pd.Series, column: Column) -> pd.Series:
    """Values as the pipeline stages them (so " 1001 ", "1001.0" and 1001 are one child); a value
    that cannot be read keeps its trimmed text, so it is pseudonymised rather than kept."""
    from cp_pipeline.extracts.normalise import parse_column

    typed, blank, _unreadable, _repairs = parse_column(values, column)
    trimmed = values.astype("string").str.strip()
    cleaned = typed.astype("string").where(typed.notna(), trimmed)
    return cleaned.mask(blank.astype(bool))


def pseudonym(identifier: object, key: Secret | str | bytes, column: str = "CHILD") -> str:
    """The pseudonym the pipeline stores for one identifier (a CHILD id unless `column` says
    otherwise, e.g. "UPN"): the way an analyst holding the key finds a CMS id in the warehouse.
    The id is cleaned as landing cleans it, so " 1001 ", "1001.0" and 1001 give one pseudonym.
    """
    spec_column = table_spec("Header").column(column)
    if not is_pseudonymised(spec_column):
        raise ValueError(f"{column} is not a pseudonymised column")
    cleaned = _clean(pd.Series([identifier], dtype="object"), spec_column).iloc[0]
    if cleaned is pd.NA or cleaned is None:
        raise ValueError(f"a blank {column} has no pseudonym")
    return _digest(str(cleaned), _key_bytes(key))


def is_pseudonymised(column: Column) -> bool:
    """An identifier replaced by a pseudonym: personal, and not a date (dates of birth are kept)."""
    return column.personal and column.type not in DATE_TYPES


def is_coarsened(column: Column) -> bool:
    return column.type == "postcode"


def postcode_district(values: pd.Series) -> pd.Series:
    """Staged postcodes ("TS1 4AB") as their district with the inward code masked ("TS1 ***").
    A value of four characters or fewer is at most a district already and is kept."""
    text = values.astype("string")
    has_inward = text.str.len() >= 5
    return text.where(~has_inward, text.str[:-3].str.rstrip() + " " + MASK)


def _pseudonymise_series(values: pd.Series, key: bytes) -> pd.Series:
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    mapped = [_digest(str(v), key) for v in distinct]
    return pd.Series(pd.array(mapped, dtype="string").take(codes, allow_fill=True), index=values.index)


def _as_read(values: pd.Series, column: Column, key: bytes) -> pd.Series:
    """One column of values as read (raw, or quarantine `value`), pseudonymised or coarsened."""
    cleaned = _clean(values.reset_index(drop=True), column)
    protect = _pseudonymise_series if is_pseudonymised(column) else lambda v, _key: postcode_district(v)
    out = protect(cleaned, key)
    out.index = values.index
    return out


def _protected_columns(spec: TableSpec) -> list[Column]:
    return [c for c in spec.columns if is_pseudonymised(c) or is_coarsened(c)]


def _drop_extra_values(extra: pd.Series) -> pd.Series:
    """Unknown extra columns may hold anything (a name, an address): keep their names only."""

    def names_only(text: object) -> object:
        if text is None or text is pd.NA or (isinstance(text, float) and text != text):
            return text
        try:
            return json.dumps(dict.fromkeys(json.loads(str(text))), ensure_ascii=False)
        except (ValueError, TypeError):
            return None

    return extra.map(names_only).astype("string")


def _quarantine(frame: pd.DataFrame, spec: TableSpec, key: bytes) -> pd.DataFrame:
    if frame.empty or "value" not in frame.columns:
        return frame
    frame = frame.copy()
    for column in spec.columns:
        rows = frame["column_name"] == column.name
        if not rows.any():
            continue
        if is_pseudonymised(column) or is_coarsened(column):
            frame.loc[rows, "value"] = _as_read(frame.loc[rows, "value"], column, key)
        elif column.personal or column.date_of_birth:
            # The raw file (source_file, source_line) still has it for whoever corrects the CMS.
            frame.loc[rows, "value"] = pd.NA
    return frame


def configured_key() -> Secret | None:
    """The pseudonymisation key of this process's settings, or None when pseudonymisation is off."""
    return Settings.from_env().pseudonymisation_key


def pseudonymise_table(table: NormalisedTable, key: Secret | str | bytes | None = None) -> NormalisedTable:
    """One landed table with its identifiers pseudonymised and postcodes coarsened in every frame
    that is written (raw, staged, rejected, flagged). Without a key (none given, none configured)
    the table is returned unchanged."""
    key = configured_key() if key is None else key
    if key is None:
        return table
    secret = _key_bytes(key)
    spec = table_spec(table.table)
    raw, staged = table.raw.copy(), table.staged.copy()
    for column in _protected_columns(spec):
        if column.name in raw.columns:
            raw[column.name] = _as_read(raw[column.name], column, secret)
        if column.staging_name in staged.columns:
            values = staged[column.staging_name]
            staged[column.staging_name] = (
                _pseudonymise_series(values, secret)
                if is_pseudonymised(column)
                else postcode_district(values)
            )
    if "extra_columns" in raw.columns:
        raw["extra_columns"] = _drop_extra_values(raw["extra_columns"])
    return replace(
        table,
        raw=raw,
        staged=staged,
        rejected=_quarantine(table.rejected, spec, secret),
        flags=_quarantine(table.flags, spec, secret),
    )
