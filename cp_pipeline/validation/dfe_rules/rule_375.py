"""DfE rule 375: a temporary stay in hospital (T1) lasts at most six weeks.

An open episode is measured to the end of the extract month."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_duration_days, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["place"].eq("T1") & (episode_duration_days(e) > 42), "Episodes", "PLACE")


RULE = DfeRule(
    code="375",
    message="a temporary placement in hospital (T1) lasts more than six weeks",
    tables=("Episodes",),
    fields=("DECOM", "DEC", "PLACE"),
    check=check,
)
