"""DfE rule 432: after an episode that ended care (REC other than X1) the next episode has RNE S."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    prev_ended_care = e["prev_rec"].notna() & e["prev_rec"].ne("X1")
    return flag(e, prev_ended_care & e["rne"].ne("S"), "Episodes", "RNE")


RULE = DfeRule(
    code="432",
    message="the child ceased to be looked after at the end of the previous episode but the reason for new episode is not S",
    tables=("Episodes",),
    fields=("RNE",),
    check=check,
)
