"""Local check CP-REVIEW_IN_CARE: a looked-after review is dated while the child is looked after.

extracts.md names "a review outside care" as a flagged fault; the DfE has no single rule code
for it across a full history (399 covers short breaks only), so it is this project's own."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dated_within, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    reviews = tables["Reviews"]
    episodes = tables["Episodes"]
    care = episodes[~episodes["ls"].isin(["V3", "V4"])]
    return flag(reviews, ~dated_within(reviews, "review", care), "Reviews", "REVIEW")


RULE = DfeRule(
    code="REVIEW_IN_CARE",
    message="the review is dated when the child was not looked after",
    tables=("Reviews", "Episodes"),
    fields=("REVIEW",),
    check=check,
    local=True,
)
