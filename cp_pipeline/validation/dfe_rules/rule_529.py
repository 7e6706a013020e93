"""DfE rule 529: provider PR3 (other public body) is not used with P1, A3-A6, K1, K2 or U1-U6."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag

PLACEMENTS = ["P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5", "U6"]


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["place_provider"].eq("PR3") & e["place"].isin(PLACEMENTS), "Episodes", "PLACE_PROVIDER")


RULE = DfeRule(
    code="529",
    message="placement provider PR3 (other public body) cannot be used with placement P1, A3-A6, K1, K2 or U1-U6",
    tables=("Episodes",),
    fields=("PLACE", "PLACE_PROVIDER"),
    check=check,
)
