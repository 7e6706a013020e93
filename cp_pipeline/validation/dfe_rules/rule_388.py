"""DfE rule 388: X1 means a new episode starts the same day; any other end means it does not; the last
episode cannot end X1."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import CONTINUATION, DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    x1 = e["rec"].isin([CONTINUATION])
    ended = e["dec"].notna()
    no_continuation = x1 & ended & ~e["is_last"] & e["dec"].ne(e["next_decom"])
    continued_after_exit = e["ends_period"] & ended & e["dec"].eq(e["next_decom"])
    x1_at_the_end = x1 & ended & e["is_last"]
    return flag(e, no_continuation | continued_after_exit | x1_at_the_end, "Episodes", "REC")


RULE = DfeRule(
    code="388",
    message="the reason the episode ceased does not match whether the next episode starts the same day (X1 only when it does)",
    tables=("Episodes",),
    fields=("REC", "DEC", "DECOM"),
    check=check,
)
