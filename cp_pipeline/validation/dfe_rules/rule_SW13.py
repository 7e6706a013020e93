"""DfE rule SW13: a social worker episode starting on or after 1 April 2023 has a reason for the change."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dates, flag

REQUIRED_FROM = pd.Timestamp("2023-04-01")


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    s = tables["SWEpisodes"]
    return flag(s, s["sw_reason"].isna() & (dates(s["sw_decom"]) >= REQUIRED_FROM), "SWEpisodes", "SW_REASON")


RULE = DfeRule(
    code="SW13",
    message="the reason for the social worker change is blank for an episode starting on or after 1 April 2023",
    tables=("SWEpisodes",),
    fields=("SW_DECOM", "SW_REASON"),
    check=check,
    from_year=2024,
)
