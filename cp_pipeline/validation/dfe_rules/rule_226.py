"""DfE rule 226: no reason for placement change on a temporary placement or on the episode that ends into one."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import TEMPORARY_PLACEMENTS, DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    temporary = e["place"].isin(TEMPORARY_PLACEMENTS)
    own = temporary & e["reason_place_change"].notna()
    before = e["next_place"].isin(TEMPORARY_PLACEMENTS) & e["reason_place_change"].notna()
    return flag(e, own | before, "Episodes", "REASON_PLACE_CHANGE")


RULE = DfeRule(
    code="226",
    message="a reason for placement change is given for a move into or within a temporary placement, where none is needed",
    tables=("Episodes",),
    fields=("REASON_PLACE_CHANGE", "PLACE"),
    check=check,
)
