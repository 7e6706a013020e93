"""DfE rule 381: a period of care never ends with a temporary placement (T0-T4)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import TEMPORARY_PLACEMENTS, DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    return flag(e, e["ends_period"] & e["place"].isin(TEMPORARY_PLACEMENTS), "Episodes", "PLACE")


RULE = DfeRule(
    code="381",
    message="a period of care cannot end with a temporary placement (T0-T4)",
    tables=("Episodes",),
    fields=("PLACE", "REC"),
    check=check,
)
