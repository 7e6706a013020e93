"""The conformed warehouse models on hand-made extracts: periods of care, placements, reviews,
missing incidents and the children looked after at P, each answer worked out by hand, on DuckDB
and on PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from cp_pipeline.extracts.reference import load_reference
from cp_pipeline.indicators.scorecard import CATALOGUE_TYPES, SCORECARD_TYPES
from cp_pipeline.warehouse.build import build_reference
from cp_pipeline.warehouse.calendar import load_dim_date
from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline.warehouse.models import build_model, check_model, load_models
from cp_pipeline_tests.fixtures.handmade import DEFAULT_LA, d, stage_tables, write_reference

OTHER_LA = "E06000099"


def episode(
    child, decom, dec=None, *, rne="S", ls="C2", place="U4", provider="PR1", rec=None, pl_post=None, cin="N1"
):
    if dec is not None and rec is None:
        rec = "X1"
    return {
        "CHILD": child,
        "DECOM": decom,
        "DEC": dec,
        "RNE": rne,
        "LS": ls,
        "CIN": cin,
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "REC": rec,
        "PL_POST": pl_post,
    }


def header(child, dob="2015-01-01", sex="M", ethnic="WBRI"):
    return {"CHILD": child, "SEX": sex, "DOB": dob, "ETHNIC": ethnic}


def build_models(warehouse: Warehouse, reference_dir: Path, *months: str) -> None:
    """Reference, dim_date and every staging and warehouse model for the months (no scorecard:
    the indicators are proved elsewhere)."""
    load_reference(warehouse, reference_dir)
    load_dim_date(warehouse)
    models = load_models()
    for model in models.values():
        if not model.partitioned and model.materialized == "table":
            build_model(warehouse, model, None, models)
    for month in months:
        for model in models.values():
            if model.partitioned:
                build_model(warehouse, model, month, models)


def stage_and_build(
    warehouse: Warehouse, tmp_path: Path, month: str, tables: dict, **reference_files: str
) -> None:
    stage_tables(warehouse, DEFAULT_LA, month, {"Header": [], "Episodes": [], "Reviews": [], **tables})
    reference = write_reference(tmp_path / "reference")
    for name, text in reference_files.items():
        (reference / f"{name}.csv").write_text(text)
    build_models(warehouse, reference, month)


def rows(warehouse: Warehouse, table: str, order: str, where: str = "") -> list[dict]:
    frame = warehouse.read_frame(f"SELECT * FROM warehouse.{table} {where} ORDER BY {order}")
    return [{k: (None if _is_null(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


def _is_null(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def pick(records: list[dict], *columns: str) -> list[tuple]:
    return [tuple(r[c] for c in columns) for r in records]


# ---- respite, periods of care, placements ------------------------------------------------


def test_respite_episodes_are_removed_before_anything_else(warehouse, tmp_path):
    stage_and_build(
        warehouse,
        tmp_path,
        "2024-03",
        {
            "Header": [header("1"), header("2")],
            "Episodes": [
                episode("1", "2023-01-01", "2023-03-01", rec="E4A"),
                # A short break that starts the day care ended does not join the periods up.
                episode("1", "2023-03-01", "2023-03-05", ls="V3", rec="E4A"),
                episode("1", "2023-03-05", None, ls="C2"),
                episode("2", "2024-01-10", None, ls="V4"),  # only ever in short breaks: never in care
            ],
        },
    )
    assert pick(
        rows(warehouse, "fct_episode", "child, episode_number"), "child", "decom", "period_of_care_number"
    ) == [
        ("1", d("2023-01-01"), 1),
        ("1", d("2023-03-05"), 2),
    ]
    periods = rows(warehouse, "fct_period_of_care", "child, period_of_care_number")
    assert pick(periods, "child", "start_date", "end_date", "reason_ceased") == [
        ("1", d("2023-01-01"), d("2023-03-01"), "E4A"),
        ("1", d("2023-03-05"), None, None),
    ]
    assert pick(rows(warehouse, "fct_child_month", "child"), "child", "period_start") == [
        ("1", d("2023-03-05"))
    ]


def test_a_same_day_chain_continues_a_period_and_a_one_day_gap_starts_a_new_one(warehouse, tmp_path):
    stage_and_build(
        warehouse,
        tmp_path,
        "2024-03",
        {
            "Header": [header("1")],
            "Episodes": [
                episode("1", "2023-01-01", "2023-02-01", cin="N1"),
                episode("1", "2023-02-01", "2023-03-01", rne="L", ls="E1", rec="E4A"),
                episode("1", "2023-03-02", "2023-09-01", cin="N4", ls="V2", rec="E13"),
                episode("1", "2023-09-01", None, rne="P", place="A4", provider="PR1"),
                episode("1", "2024-04-03", None, rne="P", place="U6"),  # after P: stays in the facts
            ],
        },
    )
    periods = rows(warehouse, "fct_period_of_care", "period_of_care_number")
    assert pick(
        periods,
        "period_of_care_number",
        "start_date",
        "end_date",
        "reason_ceased",
        "episodes",
        "first_cin",
        "first_ls",
        "placement_order_date",
        "placed_for_adoption_date",
    ) == [
        (1, d("2023-01-01"), d("2023-03-01"), "E4A", 2, "N1", "C2", d("2023-02-01"), None),
        # The REC of 1 September is not X1, but the next episode starts that day: the period goes on.
        (2, d("2023-03-02"), None, None, 2, "N4", "V2", None, d("2023-09-01")),
        (3, d("2024-04-03"), None, None, 1, "N1", "C2", None, None),
    ]
    [child] = rows(warehouse, "fct_child_month", "child")
    assert (child["period_of_care_number"], child["period_start"], child["placement_group"]) == (
        2,
        d("2023-03-02"),
        "placed for adoption",
    )


def test_a_legal_status_change_continues_a_placement_and_p_t_b_u_each_start_one(warehouse, tmp_path):
    stage_and_build(
        warehouse,
        tmp_path,
        "2024-03",
        {
            "Header": [header("1")],
            "Episodes": [
                episode("1", "2023-01-01", "2023-02-01", place="U4", provider="PR1"),
                episode("1", "2023-02-01", "2023-03-01", rne="L", ls="C1"),
                episode("1", "2023-03-01", "2023-04-01", rne="P", place="U6", provider="PR4"),
                episode("1", "2023-04-01", "2023-05-01", rne="T", place="U5", provider="PR4"),
                episode("1", "2023-05-01", "2023-06-01", rne="U", place="U5", provider="PR4"),
                episode("1", "2023-06-01", "2023-07-01", rne="L", ls="E1", place="U5", provider="PR4"),
                episode("1", "2023-07-01", None, rne="B", place="K2", provider="PR1"),
            ],
        },
    )
    episodes = rows(warehouse, "fct_episode", "episode_number")
    assert pick(episodes, "rne", "starts_placement", "placement_number") == [
        ("S", True, 1),
        ("L", False, 1),
        ("P", True, 2),
        ("T", True, 3),
        ("U", True, 4),
        ("L", False, 4),
        ("B", True, 5),
    ]
    placements = rows(warehouse, "fct_placement", "placement_number")
    assert pick(
        placements, "placement_number", "start_date", "end_date", "place", "placement_group", "episodes"
    ) == [
        (1, d("2023-01-01"), d("2023-03-01"), "U4", "in-house foster", 2),
        (2, d("2023-03-01"), d("2023-04-01"), "U6", "agency (IFA) foster", 1),
        (3, d("2023-04-01"), d("2023-05-01"), "U5", "agency (IFA) foster", 1),
        (4, d("2023-05-01"), d("2023-07-01"), "U5", "agency (IFA) foster", 2),
        (5, d("2023-07-01"), None, "K2", "in-house residential", 1),
    ]
    [child] = rows(warehouse, "fct_child_month", "child")
    assert (child["placement_number"], child["placement_start"], child["period_start"]) == (
        5,
        d("2023-07-01"),
        d("2023-01-01"),
    )


def test_a_temporary_placement_is_not_a_placement_and_an_open_one_keeps_the_usual_placement(
    warehouse, tmp_path
):
    stage_and_build(
        warehouse,
        tmp_path,
        "2024-03",
        {
            "Header": [header("1"), header("2")],
            "Episodes": [
                # Child 1: a hospital stay in the middle of a foster placement, then back with RNE P.
                episode("1", "2023-01-01", "2023-05-01", place="U4", provider="PR1"),
                episode("1", "2023-05-01", "2023-05-10", rne="P", place="T1", provider="PR3"),
                episode("1", "2023-05-10", None, rne="P", place="U4", provider="PR1"),
                # Child 2: on a temporary placement at P (the extract, taken later, shows its end).
                episode("2", "2023-06-01", "2023-09-01", place="U3", provider="PR0"),
                episode("2", "2023-09-01", "2024-03-25", rne="L", ls="E1", place="U3", provider="PR0"),
                episode("2", "2024-03-25", "2024-04-02", rne="T", ls="E1", place="T4", provider="PR4"),
                episode("2", "2024-04-02", None, rne="P", ls="E1", place="U3", provider="PR0"),
            ],
        },
    )
    episodes = rows(warehouse, "fct_episode", "child, episode_number")
    assert pick(episodes, "child", "place", "is_temporary", "starts_placement", "placement_number") == [
        ("1", "U4", False, True, 1),
        ("1", "T1", True, False, None),
        ("1", "U4", False, True, 2),
        ("2", "U3", False, True, 1),
        ("2", "U3", False, False, 1),
        ("2", "T4", True, False, None),
        ("2", "U3", False, True, 2),
    ]
    placements = rows(warehouse, "fct_placement", "child, placement_number")
    assert pick(placements, "child", "placement_number", "start_date", "end_date") == [
        ("1", 1, d("2023-01-01"), d("2023-05-01")),  # ends when the temporary spell starts
        ("1", 2, d("2023-05-10"), None),
        ("2", 1, d("2023-06-01"), d("2024-03-25")),
        ("2", 2, d("2024-04-02"), None),
    ]
    month = {r["child"]: r for r in rows(warehouse, "fct_child_month", "child")}
    assert set(month) == {"1", "2"}
    assert (month["1"]["placement_start"], month["1"]["placement_group"]) == (
        d("2023-05-10"),
        "in-house foster",
    )
    on_temporary = month["2"]
    assert (on_temporary["place"], on_temporary["placement_group"], on_temporary["is_temporary"]) == (
        "T4",
        "other",
        True,
    )
    assert (on_temporary["placement_number"], on_temporary["placement_start"]) == (1, d("2023-06-01"))
    assert on_temporary["placement_group_usual"] == "connected-person foster"
    assert on_temporary["legal_status"] == "E1"


def test_placement_group_case_follows_the_dim_placement_group_table(warehouse, tmp_path):
    places = [
        "U1",
        "U2",
        "U3",
        "U4",
        "U5",
        "U6",
        "P1",
        "A3",
        "A4",
        "A5",
        "A6",
        "K1",
        "K2",
        "K3",
        "R1",
        "R2",
        "R3",
        "R5",
        "S1",
        "H5",
        "P2",
        "P3",
        "Z1",
        "Z11",
        "T0",
        "T4",
    ]
    providers = ["PR0", "PR1", "PR2", "PR4", None]
    episodes = [
        episode(f"{place}-{provider}", "2024-01-01", place=place, provider=provider)
        for place in places
        for provider in providers
    ]
    stage_and_build(warehouse, tmp_path, "2024-03", {"Episodes": episodes})
    table = warehouse.read_frame("SELECT * FROM warehouse.dim_placement_group").sort_values("priority")

    def expected(place, provider):
        for row in table.itertuples():
            if row.place == place and (
                row.provider_rule == "any"
                or (row.provider_rule == "PR1" and provider == "PR1")
                or (row.provider_rule == "not PR1" and provider != "PR1")
            ):
                return row.placement_group
        return "other"

    got = {
        (r["place"], r["place_provider"]): r["placement_group"]
        for r in rows(warehouse, "fct_episode", "child")
    }
    assert got == {(p, v): expected(p, v) for p in places for v in providers}
    assert list(dict.fromkeys(table["placement_group"])) == [
        "connected-person foster",
        "in-house foster",
        "agency (IFA) foster",
        "placed with parents",
        "placed for adoption",
        "in-house residential",
        "external residential",
        "residential school",
        "secure",
        "supported / independent living",
        "other",
    ]


# ---- reviews -------------------------------------------------------------------------


def test_review_due_dates_follow_the_20_working_days_3_months_6_months_rule(warehouse, tmp_path):
    stage_and_build(
        warehouse,
        tmp_path,
        "2025-11",
        {
            "Header": [header("1"), header("2"), header("3")],
            "Episodes": [
                episode("1", "2024-12-20", None),  # a Friday before Christmas
                episode("2", "2024-01-02", "2024-06-01", rec="E4A"),
                episode("2", "2024-07-01", None),  # a new period restarts the count
                episode("3", "2024-07-10", None),
            ],
            "Reviews": [
                {"CHILD": "1", "REVIEW": "2025-10-20"},  # third: due 23 Oct (+6 months from the one before)
                {"CHILD": "1", "REVIEW": "2025-01-22"},  # first: the 20th working day after Fri 20 Dec
                {"CHILD": "1", "REVIEW": "2025-04-23"},  # second: due 22 Apr (+3 months), a day late
                {"CHILD": "2", "REVIEW": "2024-01-31"},  # due Tue 30 Jan: late
                {"CHILD": "2", "REVIEW": "2024-05-30"},  # second, due 30 Apr: late
                {"CHILD": "2", "REVIEW": "2024-06-20"},  # between the periods: no period, no due date
                {"CHILD": "2", "REVIEW": "2024-07-29"},  # first of the new period, due Mon 29 Jul
                {"CHILD": "2", "REVIEW": "2024-10-29"},  # second of the new period, due 29 Oct
                {"CHILD": "3", "REVIEW": "2024-07-31"},  # first, due Wed 7 Aug
                {"CHILD": "3", "REVIEW": "2024-10-31"},  # second, due 31 Oct
                {"CHILD": "3", "REVIEW": "2025-04-30"},  # third, due 31 Oct + 6 months = 30 Apr (clamped)
            ],
        },
    )
    reviews = rows(warehouse, "fct_review", "child, review_date")
    assert pick(
        reviews, "child", "review_date", "period_of_care_number", "review_sequence", "due_date", "is_on_time"
    ) == [
        ("1", d("2025-01-22"), 1, 1, d("2025-01-22"), True),
        ("1", d("2025-04-23"), 1, 2, d("2025-04-22"), False),
        ("1", d("2025-10-20"), 1, 3, d("2025-10-23"), True),
        ("2", d("2024-01-31"), 1, 1, d("2024-01-30"), False),
        ("2", d("2024-05-30"), 1, 2, d("2024-04-30"), False),
        ("2", d("2024-06-20"), None, None, None, None),
        ("2", d("2024-07-29"), 2, 1, d("2024-07-29"), True),
        ("2", d("2024-10-29"), 2, 2, d("2024-10-29"), True),
        ("3", d("2024-07-31"), 1, 1, d("2024-08-07"), True),
        ("3", d("2024-10-31"), 1, 2, d("2024-10-31"), True),
        ("3", d("2025-04-30"), 1, 3, d("2025-04-30"), True),
    ]


# ---- missing -------------------------------------------------------------------------


def test_missing_duration_uses_the_times_when_present_and_the_rhi_counts_within_72_hours(warehouse, tmp_path):
    stage_and_build(
        warehouse,
        tmp_path,
        "2024-03",
        {
            "Header": [header("1"), header("2")],
            "Episodes": [episode("1", "2023-01-01"), episode("2", "2024-03-20")],
            "Missing": [
                {
                    "CHILD": "1",
                    "MISSING": "M",
                    "MIS_START": "2024-03-01",
                    "MIS_END": "2024-03-02",
                    "MIS_START_TIME": "22:30",
                    "MIS_END_TIME": "06:15",
                    "RHI_DATE": "2024-03-05",
                },
                {
                    "CHILD": "1",
                    "MISSING": "M",
                    "MIS_START": "2024-03-10",
                    "MIS_END": "2024-03-12",
                    "RHI_DATE": "2024-03-16",
                },
                {
                    "CHILD": "1",
                    "MISSING": "A",
                    "MIS_START": "2024-03-20",
                    "MIS_END": "2024-03-20",
                    "MIS_START_TIME": "09:00",
                    "RHI_DATE": "2024-03-19",
                },
                {"CHILD": "1", "MISSING": "M", "MIS_START": "2024-03-30", "MIS_START_TIME": "23:00"},
                {
                    "CHILD": "2",
                    "MISSING": "M",
                    "MIS_START": "2024-03-15",
                    "MIS_END": "2024-03-15",
                    "MIS_END_TIME": "18:00",
                    "RHI_DATE": "2024-03-15",
                },
            ],
        },
    )
    incidents = rows(warehouse, "fct_missing_incident", "child, start_date")
    assert pick(
        incidents, "child", "missing_type", "start_at", "end_at", "rhi_within_72h", "is_looked_after_at_start"
    ) == [
        ("1", "M", dt.datetime(2024, 3, 1, 22, 30), dt.datetime(2024, 3, 2, 6, 15), True, True),
        ("1", "M", dt.datetime(2024, 3, 10), dt.datetime(2024, 3, 12), False, True),
        ("1", "A", dt.datetime(2024, 3, 20, 9), dt.datetime(2024, 3, 20), False, True),
        ("1", "M", dt.datetime(2024, 3, 30, 23), None, None, True),
        ("2", "M", dt.datetime(2024, 3, 15), dt.datetime(2024, 3, 15, 18), True, False),
    ]
    hours = [r["duration_hours"] for r in incidents]
    assert hours[0] == pytest.approx(7.75)
    assert hours[1] == pytest.approx(48.0)
    assert hours[2] == pytest.approx(
        -9.0
    )  # an end time before the start time on the same day is kept as sent
    assert hours[3] is None
    assert hours[4] == pytest.approx(18.0)


# ---- children looked after at P --------------------------------------------------------


POSTCODES = "postcode_district,la_code\nAB1,E06000002\nZZ9,E06000099\nXY1,E06000002\nXY1,E06000099\n"


def test_child_month_has_one_row_per_child_looked_after_at_p_with_age_band_and_placement_group(
    warehouse, tmp_path
):
    stage_and_build(
        warehouse,
        tmp_path,
        "2024-03",
        {
            "Header": [
                header("A", dob="2023-06-15", sex="2", ethnic="MWBA"),
                header("B", dob="2020-03-31", sex="M", ethnic="BAFR"),
                header("C", dob="2014-04-01", sex="F", ethnic="CHNE"),
                header("D", dob="2008-03-31", sex="1", ethnic="REFU"),
                header("E", dob="2010-01-01", sex="U", ethnic=None),
                header("F"),
                header("G"),
            ],
            "Episodes": [
                episode("A", "2023-10-01", place="U2", provider="PR0", pl_post="AB1 2CD"),
                episode("B", "2023-09-30", place="U5", provider="PR4", pl_post="ZZ9 1AA"),
                episode("C", "2019-03-31", "2023-01-01", place="K2", provider="PR4", rec="X1"),
                episode("C", "2023-01-01", None, rne="P", place="K2", provider="PR1", pl_post="XY1 9ZZ"),
                episode("D", "2022-03-31", place="H5", provider="PR4", ls="V2"),
                # Overlapping open episodes (flagged, kept): one row, the later episode.
                episode("E", "2018-01-01", place="P1", provider="PR0", ls="C1"),
                episode("E", "2024-02-01", place="P1", provider="PR0", ls="C2", rne="L"),
                episode("F", "2023-01-01", "2024-03-31", rec="E4A"),  # left on P: not looked after at P
                episode("G", "2024-04-01"),  # starts after P
            ],
            "UASC": [{"CHILD": "C", "DUC": None}, {"CHILD": "D", "DUC": "2024-03-31"}],
            "SWEpisodes": [
                {"CHILD": "A", "SW_ID": "W1", "SW_DECOM": "2023-10-01", "SW_DEC": "2024-03-31"},
                {"CHILD": "A", "SW_ID": "W2", "SW_DECOM": "2024-03-31"},
                {"CHILD": "B", "SW_ID": "W3", "SW_DECOM": "2023-10-01", "SW_DEC": "2024-03-31"},
            ],
            "Schools": [
                {
                    "CHILD": "C",
                    "URN": "100",
                    "START_DATE": "2019-09-01",
                    "END_DATE": "2024-03-31",
                    "SEN": "EHCP",
                },
                {
                    "CHILD": "D",
                    "URN": "101",
                    "START_DATE": "2020-09-01",
                    "END_DATE": "2024-03-30",
                    "SEN": "NONE",
                },
            ],
        },
        postcode_districts=POSTCODES,
    )
    month = rows(warehouse, "fct_child_month", "child")
    assert pick(month, "child", "sex", "ethnic_group", "age", "age_band", "placement_group") == [
        ("A", "F", "Mixed", 0, "under 1", "connected-person foster"),
        ("B", "M", "Black or Black British", 4, "1-4", "agency (IFA) foster"),
        ("C", "F", "Other", 9, "5-9", "in-house residential"),
        ("D", "M", "Not stated / not recorded", 16, "16+", "supported / independent living"),
        ("E", "U", "Not stated / not recorded", 14, "10-15", "placed with parents"),
    ]
    assert pick(month, "child", "period_start", "placement_start", "length_band", "legal_status") == [
        ("A", d("2023-10-01"), d("2023-10-01"), "under 6 months", "C2"),
        ("B", d("2023-09-30"), d("2023-09-30"), "6-12 months", "C2"),  # exactly P - 6 months
        ("C", d("2019-03-31"), d("2023-01-01"), "5+ years", "C2"),  # exactly P - 60 months
        ("D", d("2022-03-31"), d("2022-03-31"), "2-5 years", "V2"),
        ("E", d("2024-02-01"), d("2024-02-01"), "under 6 months", "C2"),
    ]
    assert pick(
        month,
        "child",
        "pl_district",
        "placement_la_code",
        "is_out_of_area",
        "is_uasc",
        "allocated_worker",
        "sen",
    ) == [
        ("A", "AB1", DEFAULT_LA, False, False, "W2", None),
        ("B", "ZZ9", OTHER_LA, True, False, None, None),
        (
            "C",
            "XY1",
            DEFAULT_LA,
            False,
            True,
            None,
            "EHCP",
        ),  # a district straddling the boundary counts as in area
        ("D", None, None, None, False, None, None),
        ("E", None, None, None, False, None, None),
    ]
    assert month[1]["weeks_in_care"] == pytest.approx(183 / 7)
    assert {r["period_end"] for r in month} == {d("2024-03-31")}
    dims = rows(warehouse, "dim_child", "child")
    assert pick(dims, "child", "is_uasc", "uasc_duc") == [
        ("A", False, None),
        ("B", False, None),
        ("C", True, None),
        ("D", True, d("2024-03-31")),
        ("E", False, None),
        ("F", False, None),
        ("G", False, None),
    ]


# ---- both engines give the same answers ---------------------------------------------------


def _every_table(la_code: str, shift: int = 0) -> dict[str, list[dict]]:
    """A small extract touching every table the models read (shift makes councils differ)."""
    c = [f"{la_code[-2:]}{i}" for i in range(6)]
    return {
        "Header": [
            header(c[0], "2012-05-05", "F", "WBRI"),
            header(c[1], "2023-06-15", "2", "AIND"),
            header(c[2], "2008-03-31", "M", None),
            header(c[3], "2019-01-01", "U", "BOTH"),
            header(c[4], "2016-02-29", "1", "MOTH"),
        ],
        "Episodes": [
            episode(c[0], "2020-01-01", "2021-01-01", place="U4", provider="PR4"),
            episode(c[0], "2021-01-01", "2023-05-01", rne="L", ls="E1", place="U4", provider="PR4"),
            episode(c[0], "2023-05-01", "2023-05-06", rne="P", place="T3", provider="PR4"),
            episode(c[0], "2023-05-06", None, rne="P", place="A5", provider="PR1", pl_post="AB1 2CD"),
            episode(c[1], "2023-07-01", "2023-08-01", ls="V3", rec="E4A"),
            episode(c[1], "2023-08-01", None, place="U1", provider="PR0", pl_post="ZZ9 1AA"),
            episode(c[2], "2019-02-01", "2022-02-01", place="K2", provider="PR4", rec="E4A"),
            episode(c[2], f"2023-0{1 + shift}-02", "2024-02-10", place="H5", provider="PR4", rec="E11"),
            episode(c[3], "2022-01-01", "2023-01-01", ls="E1", place="A6", provider="PR1", rec="E11"),
            episode(c[4], "2024-01-01", "2024-03-29", place="R1", provider="PR1"),
            episode(c[4], "2024-03-29", "2024-04-03", rne="T", place="T1", provider="PR3"),
        ],
        "Reviews": [
            {"CHILD": c[0], "REVIEW": "2020-01-29"},
            {"CHILD": c[0], "REVIEW": "2020-05-01"},
            {"CHILD": c[0], "REVIEW": "2020-10-30"},
            {"CHILD": c[1], "REVIEW": "2023-08-30"},
            {"CHILD": c[4], "REVIEW": "2024-01-20", "REVIEW_CODE": "PN1"},
        ],
        "UASC": [{"CHILD": c[1], "DUC": None}],
        "Missing": [
            {
                "CHILD": c[1],
                "MISSING": "M",
                "MIS_START": "2024-03-03",
                "MIS_END": "2024-03-04",
                "MIS_START_TIME": "21:15",
                "MIS_END_TIME": "08:05",
                "RHI_DATE": "2024-03-06",
            },
            {"CHILD": c[1], "MISSING": "A", "MIS_START": "2024-03-20"},
        ],
        "PlacedAdoption": [{"CHILD": c[0], "DATE_PLACED": "2023-03-01"}],
        "AD1": [
            {"CHILD": c[0], "DATE_INT": "2023-03-01", "DATE_MATCH": "2023-04-15", "FOSTER_CARE": 1},
            {"CHILD": c[5], "DATE_INT": "2023-03-01"},
        ],
        "SWEpisodes": [{"CHILD": c[0], "SW_ID": "W1", "SW_DECOM": "2020-01-01", "SW_REASON": "MANAGE"}],
        "Visits": [
            {
                "CHILD": c[0],
                "VISIT_DATE": "2024-03-01",
                "DUE_DATE": "2024-03-05",
                "VISIT_TYPE": "STAT",
                "SEEN_ALONE": "Y",
                "WORKER_ID": "W1",
            },
            {"CHILD": c[1], "DUE_DATE": "2024-03-10", "VISIT_TYPE": "STAT"},
        ],
        "HealthChecks": [{"CHILD": c[0], "CHECK_TYPE": "SDQ", "CHECK_DATE": "2024-01-10", "SDQ_SCORE": 14}],
        "PEPs": [{"CHILD": c[0], "PEP_DATE": "2024-02-01", "PEP_STATUS": "COMPLETE"}],
        "Supervisions": [{"CHILD": c[0], "SUPERVISION_DATE": "2024-03-12", "WORKER_ID": "TM1"}],
        "PermanencePlans": [
            {"CHILD": c[0], "PLAN_TYPE": "ADOPTION", "PLAN_DATE": "2022-01-01", "RATIFIED_DATE": "2022-02-01"}
        ],
        "CareLeaverContacts": [
            {
                "CHILD": "CL1",
                "DOB": "2004-06-01",
                "CONTACT_DATE": "2024-03-01",
                "IN_TOUCH": "YES",
                "ACTIV": "F3",
                "ACCOM": "Z1",
                "PATHWAY_PLAN_DATE": "2024-01-01",
                "PA_ID": "PA1",
            },
            {
                "CHILD": "CL2",
                "DOB": "2005-06-01",
                "CONTACT_DATE": "2024-02-01",
                "IN_TOUCH": "NO",
                "ACTIV": "G5",
                "ACCOM": "S2",
            },
        ],
        "Schools": [{"CHILD": c[0], "URN": "123456", "START_DATE": "2020-09-01", "SEN": "SEN_SUPPORT"}],
        "Workforce": [
            {
                "WORKER_ID": "W1",
                "ROLE": "SW",
                "TEAM": "CLA 1",
                "FTE": 0.5,
                "START_DATE": "2019-01-01",
                "AGENCY": "Y",
            },
            {
                "WORKER_ID": "PA1",
                "ROLE": "PA",
                "TEAM": "Leaving care",
                "FTE": 1.0,
                "START_DATE": "2019-01-01",
                "END_DATE": "2024-03-31",
                "AGENCY": "N",
            },
        ],
        "Establishment": [{"TEAM": "CLA 1", "ROLE": "SW", "POSTS_FTE": 4.5}],
        "EdgeOfCare": [
            {
                "CHILD": "EC1",
                "SERVICE": "Family Group Conferencing",
                "START_DATE": "2023-11-01",
                "END_DATE": "2024-02-01",
                "LEVEL": "CP",
            }
        ],
        "Exploitation": [
            {"CHILD": c[1], "RISK_TYPE": "CCE", "ASSESSED_DATE": "2024-02-02", "RISK_LEVEL": "HIGH"}
        ],
        "CarerApprovals": [{"CARER_TYPE": "FOSTER", "EVENT": "APPROVED", "EVENT_DATE": "2023-12-12"}],
    }


def _build_everything(warehouse: Warehouse, reference: Path) -> None:
    for la_code, shift in ((DEFAULT_LA, 0), (OTHER_LA, 1)):
        for month in ("2024-02", "2024-03"):
            stage_tables(warehouse, la_code, month, _every_table(la_code, shift))
    build_models(warehouse, reference, "2024-02", "2024-03")
    # The mart tables the bi views read are written by the scorecard code; two hand-made rows stand in.
    scorecard = pd.DataFrame(
        [
            {
                "la_code": la,
                "extract_month": m,
                "period_end": month_end,
                "indicator_code": "CLA_COUNT",
                "numerator": n,
                "denominator": None,
                "value": n,
                "unit": "count",
                "polarity": "neutral",
                "suppressed": False,
            }
            for la in (DEFAULT_LA, OTHER_LA)
            for m, month_end, n in (("2024-02", d("2024-02-29"), 3.0), ("2024-03", d("2024-03-31"), 4.0))
        ]
    ).reindex(columns=list(SCORECARD_TYPES))
    catalogue = pd.DataFrame(
        [
            {
                "indicator_code": "CLA_COUNT",
                "name": "Children looked after",
                "unit": "count",
                "polarity": "neutral",
            }
        ]
    ).reindex(columns=list(CATALOGUE_TYPES))
    with warehouse.transaction() as conn:
        for table, frame, types in (
            ("scorecard_indicator", scorecard, SCORECARD_TYPES),
            ("indicator_catalogue", catalogue, CATALOGUE_TYPES),
        ):
            warehouse.create_table(conn, "mart", table, types)
            warehouse.insert_frame(
                conn, "mart", table, frame.astype(object).where(frame.notna(), None), types
            )
    for model in load_models().values():
        if model.materialized == "view":
            build_model(warehouse, model, None)


def _type_family(data_type: str) -> str:
    name = data_type.lower()
    for family, words in (
        ("int", ("int",)),
        ("float", ("double", "float", "real")),
        ("timestamp", ("timestamp",)),
        ("date", ("date",)),
        ("bool", ("bool",)),
        ("text", ("char", "text")),
    ):
        if any(w in name for w in words):
            return family
    return name  # numeric, decimal ... : engines that differ here would be caught


def _normalised(warehouse: Warehouse, schema: str, table: str) -> tuple[dict[str, str], list[tuple]]:
    types = warehouse.read_frame(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = :s AND table_name = :t "
        "ORDER BY ordinal_position",
        {"s": schema, "t": table},
    )
    families = {c: _type_family(t) for c, t in zip(types["column_name"], types["data_type"], strict=True)}
    frame = warehouse.read_frame(f'SELECT * FROM "{schema}"."{table}"')

    def value(v):
        if _is_null(v):
            return None
        if isinstance(v, float):
            return round(v, 9)
        if isinstance(v, dt.datetime):
            return v.isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if hasattr(v, "item"):  # numpy scalars
            return value(v.item())
        return v

    records = [tuple(value(v) for v in row) for row in frame.itertuples(index=False)]
    return families, sorted(records, key=repr)


@pytest.mark.postgres
def test_every_model_gives_the_same_rows_on_duckdb_and_postgresql(tmp_path, postgres_url):
    reference = write_reference(tmp_path / "reference")
    (reference / "las.csv").write_text(
        f"la_code,la_name,region_code,region_name\n{DEFAULT_LA},Testshire,E12000001,North East\n"
        f"{OTHER_LA},Otherton,E12000001,North East\n"
    )
    (reference / "postcode_districts.csv").write_text(POSTCODES)
    engines = [Warehouse(f"duckdb:///{tmp_path}/parity.duckdb"), Warehouse(postgres_url)]
    try:
        for wh in engines:
            wh.ensure_schemas()
            _build_everything(wh, reference)
        duck, postgres = engines
        compared = []
        for model in load_models().values():
            if model.layer not in ("staging", "warehouse", "bi"):
                continue
            left = _normalised(duck, model.schema, model.name)
            right = _normalised(postgres, model.schema, model.name)
            assert left[0] == right[0], f"{model.schema}.{model.name}: column types differ"
            assert left[1] == right[1], f"{model.schema}.{model.name}: rows differ"
            for wh in engines:
                for month in ("2024-02", "2024-03") if model.partitioned else (None,):
                    failures = check_model(wh, model, month)
                    assert not any(failures.values()), f"{model.name} {month} on {wh.dialect}: {failures}"
            compared.append((model.name, len(left[1])))
        counts = dict(compared)
        # The comparison means something only if the data reached every fact.
        for name in (
            "fct_episode",
            "fct_period_of_care",
            "fct_placement",
            "fct_child_month",
            "fct_review",
            "fct_missing_incident",
            "fct_adoption",
            "fct_care_leaver_contact",
            "children_looked_after",
            "scorecard",
            "placements",
            "dim_child",
            "dim_la",
        ):
            assert counts[name] > 0, name
        assert counts["scorecard"] == 2  # the newest month of each council only
        newest = duck.read_frame("SELECT DISTINCT council_code, extract_month FROM bi.children_looked_after")
        assert sorted(newest.itertuples(index=False, name=None)) == [
            (DEFAULT_LA, "2024-03"),
            (OTHER_LA, "2024-03"),
        ]
    finally:
        for wh in engines:
            wh.dispose()


@pytest.mark.postgres
def test_non_partitioned_tables_can_be_rebuilt_after_the_bi_views_exist(tmp_path, postgres_url):
    wh = Warehouse(postgres_url)
    try:
        wh.ensure_schemas()
        reference = write_reference(tmp_path / "reference")
        _build_everything(wh, reference)
        build_model(wh, load_models()["dim_la"], None)
        build_reference(wh, reference)
        assert int(wh.read_frame("SELECT COUNT(*) AS n FROM bi.scorecard")["n"].iloc[0]) >= 0
    finally:
        wh.dispose()
