"""DfE rule 367: at most 75 days of short breaks (LS V3) in a collection year.

The extract covers several years: each break's days are counted in the collection year of
its DECOM, and an open break runs to the end of the extract month."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, collection_start, dates, episode_duration_days, flag

MOST_DAYS_PER_YEAR = 75


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    breaks = e[e["ls"].eq("V3")].copy()
    breaks["days"] = episode_duration_days(breaks).clip(lower=0)
    breaks["year"] = collection_start(dates(breaks["decom"]))
    total = breaks.groupby(["child", "year"], dropna=False)["days"].transform("sum")
    return flag(breaks, total > MOST_DAYS_PER_YEAR, "Episodes", "LS")


RULE = DfeRule(
    code="367",
    message="the child's short breaks (legal status V3) add up to more than 75 days in one collection year",
    tables=("Episodes",),
    fields=("LS", "DECOM", "DEC"),
    check=check,
)
