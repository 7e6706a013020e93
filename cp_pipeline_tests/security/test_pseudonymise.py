"""Pseudonymisation at landing: keyed, consistent child ids and UPNs, postcode districts, a key
that is never shown, and a way back to the CMS for whoever holds the key."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cp_pipeline.extracts.landing import land_month
from cp_pipeline.extracts.pseudonymise import postcode_district, pseudonym, pseudonymise_table
from cp_pipeline.settings import Secret, Settings
from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline_tests.extracts.test_normalise import CHILD, EPISODE, LA, normalise, write_table

KEY = "0123456789abcdef0123456789abcdef-for-tests-only"
OTHER_KEY = "fedcba9876543210fedcba9876543210-for-tests-only"


def test_a_pseudonym_is_keyed_stable_and_blind_to_how_the_id_was_written():
    p = pseudonym("1001", KEY)
    assert p.startswith("p_") and len(p) == 22
    assert p == pseudonym(" 1001 ", KEY) == pseudonym("1001.0", KEY) == pseudonym(1001, KEY)
    assert p == pseudonym("1001", Secret(KEY))
    assert p != pseudonym("1002", KEY)
    assert p != pseudonym("1001", OTHER_KEY)
    assert pseudonym("A123456789012", KEY, column="UPN") != pseudonym("a123456789012", KEY, column="UPN")
    with pytest.raises(ValueError, match="not a pseudonymised column"):
        pseudonym("01/01/2010", KEY, column="DOB")


def test_postcodes_keep_only_their_district():
    values = pd.Series(["TS1 4AB", "TS12 9XY", "SW1A 1AA", "TS1", None], dtype="string")
    assert postcode_district(values).tolist() == ["TS1 ***", "TS12 ***", "SW1A ***", "TS1", pd.NA]


def test_every_frame_of_a_landed_table_is_pseudonymised(tmp_path):
    episodes = normalise(
        tmp_path,
        "Episodes",
        [
            EPISODE | {"CHILD": " 1001.0 ", "HOME_POST": "ts1 4ab", "PL_POST": "TS8 7BP"},
            EPISODE | {"CHILD": "1002", "PLACE": "ZZ", "PL_POST": "DL1 1AA"},  # rejected: bad PLACE
            EPISODE | {"CHILD": "10!3", "DECOM": "01/03/2024"},  # rejected: unreadable CHILD
        ],
        extra={"FORENAME": "Alex"},
    )
    done = pseudonymise_table(episodes, KEY)
    assert done.staged["child"].tolist() == [pseudonym("1001", KEY)]
    assert done.staged["home_post"].tolist() == ["TS1 ***"]
    assert done.staged["pl_post"].tolist() == ["TS8 ***"]
    # raw keeps values as read, except identifiers (cleaned, then keyed) and postcodes.
    assert done.raw["CHILD"].tolist() == [
        pseudonym("1001", KEY),
        pseudonym("1002", KEY),
        pseudonym("10!3", KEY),
    ]
    assert done.raw["PL_POST"].tolist() == ["TS8 ***", "DL1 ***", pd.NA]
    assert done.raw["DECOM"].tolist() == episodes.raw["DECOM"].tolist()
    assert [json.loads(x) for x in done.raw["extra_columns"]] == [{"FORENAME": None}] * 3
    # quarantine: an unreadable child id is keyed too; other values (a bad code) are kept.
    values = done.rejected.set_index("column_name")["value"]
    assert values["CHILD"] == pseudonym("10!3", KEY)
    assert values["PLACE"] == "ZZ"
    assert done.rejected["source_line"].tolist() == episodes.rejected["source_line"].tolist()
    assert "1001" not in done.raw.to_string() and "10!3" not in done.rejected.to_string()


def test_a_rejected_date_of_birth_is_removed_from_the_quarantine(tmp_path):
    header = normalise(tmp_path, "Header", [CHILD | {"DOB": "31/12/2030", "UPN": "A123456789012"}])
    done = pseudonymise_table(header, KEY)
    dob = done.rejected[done.rejected["column_name"] == "DOB"]
    assert len(dob) == 1 and dob["value"].isna().all()
    assert header.rejected.loc[header.rejected["column_name"] == "DOB", "value"].tolist() == ["31/12/2030"]
    assert done.raw["UPN"].tolist() == [pseudonym("A123456789012", KEY, column="UPN")]


def test_without_a_key_nothing_changes(tmp_path, monkeypatch):
    monkeypatch.delenv("CP_PSEUDONYMISATION_KEY", raising=False)
    monkeypatch.delenv("CP_PSEUDONYMISATION_KEY_FILE", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env
    header = normalise(tmp_path, "Header", [CHILD])
    assert pseudonymise_table(header) is header


def test_the_key_comes_from_the_environment_or_a_secrets_file_and_is_never_shown(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CP_PSEUDONYMISATION_KEY_FILE", raising=False)
    monkeypatch.setenv("CP_PSEUDONYMISATION_KEY", KEY)
    settings = Settings.from_env()
    assert settings.pseudonymisation_key == Secret(KEY)
    assert KEY not in repr(settings) and KEY not in str(settings.pseudonymisation_key)
    assert KEY not in f"{settings.pseudonymisation_key!r} {settings.pseudonymisation_key}"

    secret_file = tmp_path / "cp_key"
    secret_file.write_text(OTHER_KEY + "\n")
    monkeypatch.delenv("CP_PSEUDONYMISATION_KEY")
    monkeypatch.setenv("CP_PSEUDONYMISATION_KEY_FILE", str(secret_file))
    assert Settings.from_env().pseudonymisation_key == Secret(OTHER_KEY)

    monkeypatch.setenv("CP_PSEUDONYMISATION_KEY", KEY)
    with pytest.raises(ValueError, match="not both") as both:
        Settings.from_env()
    monkeypatch.delenv("CP_PSEUDONYMISATION_KEY_FILE")
    monkeypatch.setenv("CP_PSEUDONYMISATION_KEY", "short")
    with pytest.raises(ValueError, match="too short") as short:
        Settings.from_env()
    assert KEY not in str(both.value) and "short" not in str(short.value).replace("too short", "")
    monkeypatch.setenv("CP_PSEUDONYMISATION_KEY_FILE", str(tmp_path / "missing"))
    monkeypatch.delenv("CP_PSEUDONYMISATION_KEY")
    with pytest.raises(ValueError, match="cannot be read"):
        Settings.from_env()


def test_landing_with_a_key_joins_across_tables_and_months(tmp_path, monkeypatch):
    """The same child has the same pseudonym in every table and month; an analyst with the key
    finds the CMS child of a quarantined row by recomputing it, and its file and line."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CP_PSEUDONYMISATION_KEY_FILE", raising=False)
    monkeypatch.setenv("CP_PSEUDONYMISATION_KEY", KEY)
    warehouse = Warehouse(f"duckdb:///{tmp_path}/cp.duckdb")
    try:
        for month in ("2024-04", "2024-05"):
            folder = tmp_path / LA / month
            folder.mkdir(parents=True)
            write_table(folder, "header.csv", "Header", [CHILD, CHILD | {"CHILD": "1002", "SEX": "Q"}])
            write_table(folder, "episodes.csv", "Episodes", [EPISODE | {"CHILD": "1001.0"}])
            land_month(warehouse, folder, LA, month)
        children = warehouse.read_frame("SELECT DISTINCT child FROM staging.header")["child"].tolist()
        episodes = warehouse.read_frame("SELECT DISTINCT child FROM staging.episodes")["child"].tolist()
        assert children == episodes == [pseudonym("1001", KEY)]
        rejected = warehouse.read_frame(
            "SELECT r.CHILD, q.source_file, q.source_line FROM dq.quarantine AS q "
            "JOIN raw.header AS r ON r.source_file = q.source_file AND r.source_line = q.source_line "
            "AND r.extract_month = q.extract_month WHERE q.rule_id = 'REJ-CODE-SEX'"
        )
        assert rejected["CHILD"].tolist() == [pseudonym("1002", KEY)] * 2
        assert rejected[["source_file", "source_line"]].drop_duplicates().values.tolist() == [
            ["header.csv", 3]
        ]
    finally:
        warehouse.dispose()
