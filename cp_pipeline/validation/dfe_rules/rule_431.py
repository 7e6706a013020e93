"""DfE rule 431: RNE S is not valid when the previous episode ended on the day this one starts."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    return flag(e, e["rne"].eq("S") & e["prev_dec"].eq(e["decom"]), "Episodes", "RNE")


RULE = DfeRule(
    code="431",
    message="the reason for new episode is S but the previous episode ended on the same day",
    tables=("Episodes",),
    fields=("RNE", "DECOM"),
    check=check,
)
