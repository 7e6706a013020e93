"""DfE rule 376: a temporary placement while the usual foster carer is on holiday (T3) lasts at most three weeks.

An open episode is measured to the end of the extract month."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_duration_days, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["place"].eq("T3") & (episode_duration_days(e) > 21), "Episodes", "PLACE")


RULE = DfeRule(
    code="376",
    message="a temporary placement while the usual foster carer is on holiday (T3) lasts more than three weeks",
    tables=("Episodes",),
    fields=("DECOM", "DEC", "PLACE"),
    check=check,
)
