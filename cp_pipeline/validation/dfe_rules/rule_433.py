"""DfE rule 433: a continuation episode (RNE other than S) starts on the day the previous episode ended."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag

CONTINUATION_REASONS = ["L", "P", "T", "U", "B"]


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    mask = e["rne"].isin(CONTINUATION_REASONS) & e["prev_dec"].notna() & e["prev_dec"].ne(e["decom"])
    return flag(e, mask, "Episodes", "RNE")


RULE = DfeRule(
    code="433",
    message="the reason for new episode says it continues the previous episode but it does not start on the day that one ended",
    tables=("Episodes",),
    fields=("RNE", "DECOM"),
    check=check,
)
