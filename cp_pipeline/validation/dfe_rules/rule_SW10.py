"""DfE rule SW10: a social worker episode does not start before the previous one ends."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag, overlaps_previous


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    s, _still_open, starts_early = overlaps_previous(tables["SWEpisodes"], "sw_decom", "sw_dec")
    return flag(s, starts_early, "SWEpisodes", "SW_DECOM")


RULE = DfeRule(
    code="SW10",
    message="the social worker episode starts before the previous one ends",
    tables=("SWEpisodes",),
    fields=("SW_DECOM", "SW_DEC"),
    check=check,
    from_year=2024,
)
