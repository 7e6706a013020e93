"""DfE rule 437: nothing follows an episode that ended because the child died (E2) or was assessed as 18 or over (E15)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    return flag(e, e["rec"].isin(["E2", "E15"]) & ~e["is_last"], "Episodes", "REC")


RULE = DfeRule(
    code="437",
    message="the episode ended because the child died or was assessed as 18 or over, but later episodes follow",
    tables=("Episodes",),
    fields=("REC",),
    check=check,
)
