"""DfE rule 523: the AD1 decision date (DATE_INT) is one of the child's PlacedAdoption decision dates.

Only children with PlacedAdoption rows are checked; a missing PlacedAdoption row is another rule."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dates, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    a, p = tables["AD1"], tables["PlacedAdoption"]
    decided = pd.MultiIndex.from_arrays([p["child"].to_numpy(), dates(p["date_placed"]).to_numpy()])
    own = pd.MultiIndex.from_arrays([a["child"].to_numpy(), dates(a["date_int"]).to_numpy()])
    matched = pd.Series(own.isin(decided), index=a.index)
    return flag(a, a["child"].isin(p["child"]) & ~matched, "AD1", "DATE_INT")


RULE = DfeRule(
    code="523",
    message="the date the child should be placed for adoption differs from the decision dates in the PlacedAdoption table",
    tables=("AD1", "PlacedAdoption"),
    fields=("DATE_INT", "DATE_PLACED"),
    check=check,
)
