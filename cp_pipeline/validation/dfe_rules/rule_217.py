"""DfE rule 217: placements for adoption with current foster carers (A3, A5) from 1 April 2015 have RNE S, T or U."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dates, flag

FROM = pd.Timestamp("2015-04-01")


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    mask = e["place"].isin(["A3", "A5"]) & (dates(e["decom"]) >= FROM) & ~e["rne"].isin(["S", "T", "U"])
    return flag(e, mask, "Episodes", "RNE")


RULE = DfeRule(
    code="217",
    message="a placement for adoption with current foster carers (A3/A5) must have reason for new episode S, T or U",
    tables=("Episodes",),
    fields=("PLACE", "DECOM", "RNE"),
    check=check,
)
