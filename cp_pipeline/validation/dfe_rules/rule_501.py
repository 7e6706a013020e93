"""DfE rule 501: no episode starts before the previous one ends."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    return flag(e, e["decom"] < e["prev_dec"], "Episodes", "DECOM")


RULE = DfeRule(
    code="501",
    message="the episode starts before the previous one ends",
    tables=("Episodes",),
    fields=("DECOM", "DEC"),
    check=check,
)
