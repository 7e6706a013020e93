"""DfE rule 379: a temporary placement for another reason (T4) lasts at most seven days.

An open episode is measured to the end of the extract month."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_duration_days, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["place"].eq("T4") & (episode_duration_days(e) > 7), "Episodes", "PLACE")


RULE = DfeRule(
    code="379",
    message="a temporary placement for an unspecified reason (T4) lasts more than seven days",
    tables=("Episodes",),
    fields=("DECOM", "DEC", "PLACE"),
    check=check,
)
