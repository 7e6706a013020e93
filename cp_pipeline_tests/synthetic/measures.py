"""Realism measures read back from generated extract files, following indicators.md conventions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
FOSTER = {"U1", "U2", "U3", "U4", "U5", "U6"}
ADOPTION_PLACES = {"A3", "A4", "A5", "A6"}


def read_table(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series.replace("", None), format="%d/%m/%Y")


def episodes(folder: Path) -> pd.DataFrame:
    eps = read_table(folder, "episodes.csv")
    eps = eps[~eps["LS"].isin(["V3", "V4"])].copy()
    eps["decom"] = dates(eps["DECOM"])
    eps["dec"] = dates(eps["DEC"])
    eps = eps.sort_values(["CHILD", "decom"]).reset_index(drop=True)
    previous_dec = eps.groupby("CHILD")["dec"].shift()
    eps["new_period"] = previous_dec.isna() | (previous_dec != eps["decom"])
    eps["period"] = eps["new_period"].cumsum()
    return eps


def looked_after(eps: pd.DataFrame, period_end: pd.Timestamp) -> pd.DataFrame:
    open_ = (eps["decom"] <= period_end) & (eps["dec"].isna() | (eps["dec"] > period_end))
    return eps[open_]


def placements_in_window(eps: pd.DataFrame, period_end: pd.Timestamp) -> pd.Series:
    """Placements per child having a day in the rolling 12 months ending at the period end."""
    window_start = (period_end - pd.offsets.MonthBegin(1)) - pd.DateOffset(months=11)
    is_temp = eps["PLACE"].isin(TEMPORARY)
    starts_run = eps["new_period"] | eps["RNE"].isin(["P", "T", "B", "U"]) | is_temp
    run = starts_run.cumsum()
    runs = (
        eps.assign(run=run)
        .groupby("run")
        .agg(
            CHILD=("CHILD", "first"),
            start=("decom", "first"),
            end=("dec", "last"),
            place=("PLACE", "first"),
            still_open=("dec", lambda s: s.isna().any()),
        )
    )
    runs = runs[~runs["place"].isin(TEMPORARY)]
    counted = (runs["start"] <= period_end) & (runs["still_open"] | (runs["end"] > window_start))
    return runs[counted].groupby("CHILD").size()


def adoption_days(eps: pd.DataFrame) -> pd.Series:
    """Days from period start to the first adoption placement, for periods ending in adoption."""
    by_period = eps.groupby("period")
    last_rec = by_period["REC"].last()
    adopted = last_rec[last_rec.isin(["E11", "E12"])].index
    sub = eps[eps["period"].isin(adopted)]
    start = sub.groupby("period")["decom"].min()
    moved = sub[sub["PLACE"].isin(ADOPTION_PLACES)].groupby("period")["decom"].min()
    return (moved - start.loc[moved.index]).dt.days


def realism(folder: Path, year_month: str) -> dict[str, float]:
    period_end = pd.Timestamp(year_month) + pd.offsets.MonthEnd(0)
    eps = episodes(folder)
    cla = looked_after(eps, period_end)
    header = read_table(folder, "header.csv").set_index("CHILD")
    age = ((period_end - dates(header.loc[cla["CHILD"], "DOB"])).dt.days / 365.25).to_numpy()
    placements = placements_in_window(eps, period_end).reindex(cla["CHILD"]).fillna(0)
    days = adoption_days(eps)
    return {
        "cla": float(cla["CHILD"].nunique()),
        "fostered_pct": 100 * cla["PLACE"].isin(FOSTER).mean(),
        "stability_3plus_pct": 100 * (placements >= 3).mean(),
        "adoption_days_mean": float(days.mean()),
        "adoptions": float(len(days)),
        "under_1_pct": 100 * (age < 1).mean(),
        "age_10_15_pct": 100 * ((age >= 10) & (age < 16)).mean(),
        "age_16_plus_pct": 100 * (age >= 16).mean(),
        "out_of_area_posts": float(len(cla)),
    }
