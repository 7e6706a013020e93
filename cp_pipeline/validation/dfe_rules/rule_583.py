"""DfE rule 583: every decision to place for adoption except the child's latest has a date it ceased."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, child_intervals, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    p = child_intervals(tables["PlacedAdoption"], "date_placed", "date_placed_ceased")
    latest = ~p["child"].eq(p["child"].shift(-1)).fillna(False).astype(bool)
    return flag(p, ~latest & p["_end"].isna(), "PlacedAdoption", "DATE_PLACED_CEASED")


RULE = DfeRule(
    code="583",
    message="a later decision to place the child for adoption exists but this earlier decision has no date it ceased",
    tables=("PlacedAdoption",),
    fields=("DATE_PLACED", "DATE_PLACED_CEASED"),
    check=check,
)
