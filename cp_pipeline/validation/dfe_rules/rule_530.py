"""DfE rule 530: provider PR4 (private) is not used with placement P1."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag

PLACEMENTS = ["P1"]


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["place_provider"].eq("PR4") & e["place"].isin(PLACEMENTS), "Episodes", "PLACE_PROVIDER")


RULE = DfeRule(
    code="530",
    message="placement provider PR4 (private) cannot be used with placement P1",
    tables=("Episodes",),
    fields=("PLACE", "PLACE_PROVIDER"),
    check=check,
)
