"""DfE rule 527: provider PR1 (own LA) is not used with placements P1, R2 or R5."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag

PLACEMENTS = ["P1", "R2", "R5"]


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["place_provider"].eq("PR1") & e["place"].isin(PLACEMENTS), "Episodes", "PLACE_PROVIDER")


RULE = DfeRule(
    code="527",
    message="placement provider PR1 (own local authority) cannot be used with placement P1, R2 or R5",
    tables=("Episodes",),
    fields=("PLACE", "PLACE_PROVIDER"),
    check=check,
)
