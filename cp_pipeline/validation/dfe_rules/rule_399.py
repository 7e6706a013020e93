"""DfE rule 399: no looked-after reviews for children on short breaks only (LS V3, V4).

Across a full history: a review dated during a V3/V4 episode and during no other episode."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import RESPITE_LEGAL_STATUSES, DfeRule, dated_within, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    r, e = tables["Reviews"], tables["Episodes"]
    respite = e["ls"].isin(RESPITE_LEGAL_STATUSES)
    in_respite = dated_within(r, "review", e[respite])
    in_care = dated_within(r, "review", e[~respite])
    return flag(r, in_respite & ~in_care, "Reviews", "REVIEW")


RULE = DfeRule(
    code="399",
    message="a looked-after review is recorded while the child was only on short breaks (legal status V3/V4)",
    tables=("Reviews", "Episodes"),
    fields=("REVIEW", "LS"),
    check=check,
)
