"""DfE rule 366: each short break (LS V3) is its own episode, so it starts with RNE S (no move mid-break)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["ls"].eq("V3") & e["rne"].ne("S"), "Episodes", "RNE")


RULE = DfeRule(
    code="366",
    message="a short break (legal status V3) must start with reason for new episode S: a child cannot move during a break",
    tables=("Episodes",),
    fields=("LS", "RNE"),
    check=check,
)
