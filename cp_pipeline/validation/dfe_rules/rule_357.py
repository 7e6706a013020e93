"""DfE rule 357: a child's first episode starts with RNE S (started to be looked after).

Applied to the first episode in the extract's whole history, not the first of the year."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    return flag(e, e["is_first"] & e["rne"].ne("S"), "Episodes", "RNE")


RULE = DfeRule(
    code="357",
    message="the child's first episode does not have reason for new episode S",
    tables=("Episodes",),
    fields=("RNE",),
    check=check,
)
