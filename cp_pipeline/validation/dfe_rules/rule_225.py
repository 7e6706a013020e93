"""DfE rule 225: an episode ending X1 into a placement change (next RNE P, B, T or U) records the reason for
the change, unless either side is a temporary placement."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import TEMPORARY_PLACEMENTS, DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    mask = (
        e["rec"].eq("X1")
        & e["reason_place_change"].isna()
        & ~e["place"].isin(TEMPORARY_PLACEMENTS)
        & e["next_rne"].isin(["P", "B", "T", "U"])
        & ~e["next_place"].isin(TEMPORARY_PLACEMENTS)
    )
    return flag(e, mask, "Episodes", "REASON_PLACE_CHANGE")


RULE = DfeRule(
    code="225",
    message="the placement changes at the end of this episode but the reason for the placement change is blank",
    tables=("Episodes",),
    fields=("REASON_PLACE_CHANGE", "REC", "RNE", "PLACE"),
    check=check,
)
