"""DfE rule 365: a short break (LS V3) lasts at most 17 days; an open one runs to the end of the extract month."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_duration_days, flag

LONGEST_DAYS = 17


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["ls"].eq("V3") & (episode_duration_days(e) > LONGEST_DAYS), "Episodes", "DEC")


RULE = DfeRule(
    code="365",
    message="a short break (legal status V3) lasts more than 17 days",
    tables=("Episodes",),
    fields=("LS", "DECOM", "DEC"),
    check=check,
)
