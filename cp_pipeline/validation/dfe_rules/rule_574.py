"""DfE rule 574: missing or away-from-placement incidents do not overlap, and none starts while an earlier one is open."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag, overlaps_previous


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    m, still_open, starts_early = overlaps_previous(tables["Missing"], "mis_start", "mis_end")
    return flag(m, still_open | starts_early, "Missing", "MIS_START")


RULE = DfeRule(
    code="574",
    message="the missing incident starts before the previous incident ended",
    tables=("Missing",),
    fields=("MIS_START", "MIS_END"),
    check=check,
)
