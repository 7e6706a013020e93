"""DfE rule 148: the date and the reason an episode ceased are both filled in or both blank."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dates, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, dates(e["dec"]).notna() != e["rec"].notna(), "Episodes", "REC")


RULE = DfeRule(
    code="148",
    message="the date and the reason the episode ceased must both be filled in or both be blank",
    tables=("Episodes",),
    fields=("DEC", "REC"),
    check=check,
)
