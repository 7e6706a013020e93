"""The synthetic generator writes realistic, valid, deterministic extracts (and messy ones on request)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from cp_pipeline.extracts.specs import codes_for_year, collection_year, table_specs
from cp_pipeline.synthetic.generate import generate
from cp_pipeline_tests.synthetic.measures import dates, episodes, looked_after, read_table, realism

LA = "E06000002"
END_MONTH = "2024-10"  # 13 months from October 2023: the SEX code change of April 2024 is inside


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    summary = generate(out, seed=42, las=1, months=13, end_month=END_MONTH)
    assert summary.councils == (LA,)
    assert len(summary.months) == 13
    return out


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("messy")
    generate(out, seed=7, las=1, months=4, end_month="2025-05", messy=True)
    return out


def month_folder(root: Path, month: str) -> Path:
    return root / "extracts" / LA / month


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ---- layout and contract -------------------------------------------------------------------


def test_every_month_folder_holds_every_table_with_the_contract_columns_in_order(clean):
    months = sorted(p.name for p in (clean / "extracts" / LA).iterdir())
    assert len(months) == 13 and months[-1] == END_MONTH
    for month in (months[0], months[-1]):
        folder = month_folder(clean, month)
        for name, spec in table_specs().items():
            path = folder / f"{spec.staging_name}.csv"
            raw = path.read_bytes()
            assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
            assert raw.decode("utf-8").split("\n", 1)[0] == ",".join(spec.column_names), name


def test_reference_files_have_the_contract_columns(clean):
    expected = {
        "population.csv": ["la_code", "year", "population_0_17"],
        "benchmarks.csv": ["indicator_code", "comparator", "year", "value"],
        "placement_costs.csv": ["la_code", "placement_group", "weekly_cost", "from_month"],
        "postcode_districts.csv": ["postcode_district", "la_code"],
        "school_ratings.csv": ["URN", "ofsted_rating", "inspected_date"],
        "las.csv": ["la_code", "la_name", "region_code", "region_name"],
    }
    for name, columns in expected.items():
        assert list(pd.read_csv(clean / "reference" / name, nrows=1).columns) == columns
    assert (clean / "reference" / "targets.yaml").exists()
    districts = read_table(clean / "reference", "postcode_districts.csv")
    folder = month_folder(clean, END_MONTH)
    posts = read_table(folder, "episodes.csv")["PL_POST"]
    posts = posts[posts != ""].str.split(" ").str[0]
    assert posts.isin(districts["postcode_district"]).all()
    out_of_area = ~posts.isin(districts.loc[districts["la_code"] == LA, "postcode_district"])
    assert 0.15 < out_of_area.mean() < 0.45
    schools = read_table(folder, "schools.csv")
    ratings = read_table(clean / "reference", "school_ratings.csv")
    assert schools["URN"].isin(ratings["URN"]).all()


def test_codes_are_valid_for_the_collection_year_of_each_extract(clean):
    for month in ("2023-10", "2024-03", "2024-04", END_MONTH):
        year = collection_year(dt.date(int(month[:4]), int(month[5:]), 1))
        folder = month_folder(clean, month)
        for name, spec in table_specs().items():
            frame = read_table(folder, f"{spec.staging_name}.csv")
            for column in spec.columns:
                if column.codes:
                    values = set(frame[column.name]) - {""}
                    assert values <= codes_for_year(column.codes, year), (month, name, column.name)
                if column.required:
                    assert (frame[column.name] != "").all(), (month, name, column.name)


def test_sex_is_written_1_2_until_march_2024_and_m_f_from_april_2024(clean):
    before = set(read_table(month_folder(clean, "2024-03"), "header.csv")["SEX"])
    after = set(read_table(month_folder(clean, "2024-04"), "header.csv")["SEX"])
    assert before == {"1", "2"}
    assert after <= {"M", "F", "U"} and {"M", "F"} <= after


# ---- DfE 903 structure in clean mode ---------------------------------------------------------


def test_episodes_follow_the_dfe_structure_rules(clean):
    for month in ("2023-10", END_MONTH):
        period_end = pd.Timestamp(month) + pd.offsets.MonthEnd(0)
        eps = read_table(month_folder(clean, month), "episodes.csv")
        eps["decom"], eps["dec"] = dates(eps["DECOM"]), dates(eps["DEC"])
        eps = eps.sort_values(["CHILD", "decom"]).reset_index(drop=True)
        assert (eps["decom"] <= period_end).all() and (eps["dec"].dropna() <= period_end).all()
        assert ((eps["DEC"] == "") == (eps["REC"] == "")).all()
        assert (eps["dec"].isna() | (eps["dec"] >= eps["decom"])).all()
        nxt = eps.groupby("CHILD").shift(-1)
        same_child = nxt["decom"].notna()
        assert (eps.loc[same_child, "dec"].notna()).all(), "only the last episode may be open"
        assert (nxt.loc[same_child, "decom"] >= eps.loc[same_child, "dec"]).all(), "overlapping episodes"
        x1 = same_child & (eps["REC"] == "X1")
        assert (nxt.loc[x1, "decom"] == eps.loc[x1, "dec"]).all() and (nxt.loc[x1, "RNE"] != "S").all()
        ended = same_child & (eps["REC"] != "X1")
        assert (nxt.loc[ended, "decom"] > eps.loc[ended, "dec"]).all() and (
            nxt.loc[ended, "RNE"] == "S"
        ).all()
        last = ~same_child
        assert (eps.loc[last, "REC"] != "X1").all()
        first = eps.groupby("CHILD").cumcount() == 0
        assert (eps.loc[first, "RNE"] == "S").all()
        temporary = eps["PLACE"].str.match(r"^(T[0-4]|Z)")
        assert (eps.loc[temporary, "PLACE_PROVIDER"] == "").all()
        assert (eps.loc[eps["PLACE_PROVIDER"] == "PR0", "PLACE"] == "P1").all()
        assert (eps.loc[eps["PLACE"].isin(["A5", "A6"]), "LS"] == "E1").all()
        assert (
            eps.loc[(eps["DEC"] == "") | eps["PLACE"].str.startswith("T"), "REASON_PLACE_CHANGE"] == ""
        ).all()
        period_id = (eps["RNE"] == "S").cumsum()
        assert (eps.groupby(period_id)["CIN"].nunique() == 1).all()
        starts_with_t = eps.loc[eps["RNE"] == "S", "PLACE"].str.match(r"^T[0-4]$")
        assert not starts_with_t.any()
        header = read_table(month_folder(clean, month), "header.csv")
        assert (dates(header["DOB"]) <= period_end).all()
        assert set(eps["CHILD"]) <= set(header["CHILD"])


def test_reviews_and_missing_incidents_fall_inside_care(clean):
    folder = month_folder(clean, END_MONTH)
    eps = episodes(folder)
    periods = eps.groupby("period").agg(
        CHILD=("CHILD", "first"), start=("decom", "min"), end=("dec", lambda s: s.iloc[-1])
    )
    periods["end"] = periods["end"].fillna(pd.Timestamp("2100-01-01"))
    for table, column in (("reviews.csv", "REVIEW"), ("missing.csv", "MIS_START")):
        events = read_table(folder, table)
        events["day"] = dates(events[column])
        events["event"] = range(len(events))
        joined = events.merge(periods, on="CHILD")
        inside = (joined["day"] >= joined["start"]) & (joined["day"] < joined["end"])
        assert inside.groupby(joined["event"]).any().reindex(events["event"], fill_value=False).all(), table


# ---- realism ---------------------------------------------------------------------------------


def test_realism_targets_hold_at_the_last_month(clean):
    figures = realism(month_folder(clean, END_MONTH), END_MONTH)
    assert 600 <= figures["cla"] <= 900
    assert 60 <= figures["fostered_pct"] <= 80
    assert 5 <= figures["stability_3plus_pct"] <= 15
    assert 300 <= figures["adoption_days_mean"] <= 600
    assert figures["under_1_pct"] > 1
    assert 30 <= figures["age_10_15_pct"] <= 55
    assert 12 <= figures["age_16_plus_pct"] <= 35


def test_practice_tables_give_non_empty_figures(clean):
    folder = month_folder(clean, END_MONTH)
    period_end = pd.Timestamp(END_MONTH) + pd.offsets.MonthEnd(0)
    cla = looked_after(episodes(folder), period_end)
    uasc = read_table(folder, "uasc.csv")
    uasc_now = uasc[(uasc["DUC"] == "") | (dates(uasc["DUC"]) > period_end)]
    assert 0.02 < cla["CHILD"].isin(uasc_now["CHILD"]).mean() < 0.1
    respite = read_table(folder, "episodes.csv")
    assert (respite["LS"] == "V3").any()
    visits = read_table(folder, "visits.csv")
    due = visits[
        (visits["VISIT_TYPE"] == "STAT")
        & (dates(visits["DUE_DATE"]).dt.to_period("M") == period_end.to_period("M"))
    ]
    on_time = (dates(due["VISIT_DATE"]) <= dates(due["DUE_DATE"])).mean()
    assert 0.75 < on_time < 0.97
    sw = read_table(folder, "sw_episodes.csv")
    open_sw = sw[
        (dates(sw["SW_DECOM"]) <= period_end) & ((sw["SW_DEC"] == "") | (dates(sw["SW_DEC"]) > period_end))
    ]
    staff = read_table(folder, "workforce.csv")
    in_post = staff[
        (dates(staff["START_DATE"]) <= period_end)
        & ((staff["END_DATE"] == "") | (dates(staff["END_DATE"]) >= period_end))
    ]
    sw_fte = in_post.loc[in_post["ROLE"] == "SW", "FTE"].astype(float).sum()
    caseload = (
        open_sw.loc[
            open_sw["CHILD"].isin(cla["CHILD"]) & open_sw["SW_ID"].isin(in_post["WORKER_ID"]), "CHILD"
        ].nunique()
        / sw_fte
    )
    assert 12 <= caseload <= 22
    posts = read_table(folder, "establishment.csv")["POSTS_FTE"].astype(float).sum()
    vacancy = 100 * (posts - in_post["FTE"].astype(float).sum()) / posts
    assert 5 <= vacancy <= 25
    for table in ("health_checks.csv", "peps.csv", "supervisions.csv", "permanence_plans.csv", "care_leaver_contacts.csv",
                  "schools.csv", "edge_of_care.csv", "exploitation.csv", "carer_approvals.csv", "ad1.csv",
                  "placed_adoption.csv", "missing.csv", "oc2.csv", "oc3.csv", "prev_perm.csv"):  # fmt: skip
        assert len(read_table(folder, table)) > 0, table


# ---- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(tmp_path):
    first = generate(tmp_path / "a", seed=3, las=1, months=1, end_month="2025-05", messy=True)
    generate(tmp_path / "b", seed=3, las=1, months=1, end_month="2025-05", messy=True)
    generate(tmp_path / "c", seed=4, las=1, months=1, end_month="2025-05")
    a, b, c = (tree_hashes(tmp_path / k) for k in "abc")
    assert a == b
    assert first.files_written == len(a)
    assert a["extracts/E06000002/2025-05/episodes.csv"] != c["extracts/E06000002/2025-05/episodes.csv"]


# ---- messy mode ------------------------------------------------------------------------------


def _read_any(root: Path, entry: dict) -> tuple[list[str], list[str]]:
    """Header and the manifest's line of a messy file, whatever its encoding or format."""
    path = root / entry["file"]
    if path.suffix == ".xlsx":
        sheet = load_workbook(path, read_only=True)[entry["sheet"]]
        rows = list(sheet.iter_rows(values_only=True))
        return [str(v) for v in rows[0]], ["" if v is None else str(v) for v in rows[entry["line"] - 1]]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    lines = text.split("\n")
    return lines[0].split(","), lines[entry["line"] - 1].split(",")


def _child_id(text: str) -> str:
    text = text.strip()
    return text[:-2] if text.endswith(".0") else text


def _normalised_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    rows = [line.split(",") for line in text.rstrip("\n").split("\n")]
    frame = pd.DataFrame(rows[1:], columns=[c.strip().upper() for c in rows[0]])
    frame["CHILD"] = frame["CHILD"].map(_child_id)
    return frame


def _date(text: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            pass
    return None


def test_messy_manifest_points_at_rows_that_really_carry_the_fault(messy):
    manifest = json.loads((messy / "messy_manifest.json").read_text())
    entries = manifest["invalid_rows"]
    assert {e["fault"] for e in entries} >= {"blank_required", "unreadable_value", "code_not_in_list",
                                             "end_before_start", "dob_after_month_end"}  # fmt: skip
    assert any(e["action"] == "flagged" for e in entries)
    assert any(e["file"].endswith(".xlsx") for e in entries)
    for entry in entries:
        header, row = _read_any(messy, entry)
        cells = dict(zip([h.strip().upper() for h in header], [v.strip() for v in row], strict=True))
        value = cells[entry["column"]]
        month_end = (pd.Timestamp(entry["extract_month"]) + pd.offsets.MonthEnd(0)).date()
        fault = entry["fault"]
        if fault == "blank_required":
            assert value == ""
        elif fault == "unreadable_value":
            assert value and _date(value) is None and not value.replace(".", "").isdigit()
        elif fault == "code_not_in_list":
            spec = table_specs()[entry["table"]].column(entry["column"])
            assert value.upper() not in codes_for_year(spec.codes, collection_year(month_end))
        elif fault == "end_before_start":
            start = {"DEC": "DECOM", "MIS_END": "MIS_START", "END_DATE": "START_DATE"}[entry["column"]]
            assert _date(value) < _date(cells[start])
        elif fault == "dob_after_month_end":
            assert _date(value) > month_end
        elif fault in ("overlapping_episodes", "review_outside_care"):
            eps = _normalised_csv(messy / Path(entry["file"]).parent / "episodes.csv")
            child = eps[eps["CHILD"] == _child_id(cells["CHILD"])]
            spells = [
                (_date(s), _date(e) or dt.date(2100, 1, 1))
                for s, e in zip(child["DECOM"], child["DEC"], strict=True)
            ]
            day = _date(value)
            if fault == "overlapping_episodes":
                assert any(s < day < e for s, e in spells if s)
            else:
                assert spells and not any(s <= day < e for s, e in spells if s)
    tolerated = {t for entry in manifest["tolerated"] for t in entry["transformations"]}
    assert tolerated >= {
        "bom",
        "cp1252",
        "float_ids",
        "padded_ids",
        "lower_codes",
        "shuffled_columns",
        "iso_dates",
        "xlsx",
    }


def test_messy_files_are_all_readable_tables(messy):
    for path in (messy / "extracts").rglob("*"):
        if path.suffix == ".csv":
            raw = path.read_bytes()
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                assert "–".encode("cp1252") in raw
        elif path.is_file():
            assert path.suffix == ".xlsx"
