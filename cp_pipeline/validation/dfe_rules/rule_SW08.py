"""DfE rule SW08: only a child's latest social worker episode may be open."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, child_intervals, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    s = child_intervals(tables["SWEpisodes"], "sw_decom", "sw_dec")
    latest = ~s["child"].eq(s["child"].shift(-1)).fillna(False).astype(bool)
    return flag(s, ~latest & s["_end"].isna(), "SWEpisodes", "SW_DEC")


RULE = DfeRule(
    code="SW08",
    message="a later social worker episode starts but this one has no end date",
    tables=("SWEpisodes",),
    fields=("SW_DECOM", "SW_DEC"),
    check=check,
    from_year=2024,
)
