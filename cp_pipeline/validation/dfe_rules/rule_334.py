"""DfE rule 334: the decision that the child should be placed for adoption falls within a period of care.

The DfE checks it against the start of the latest period; across a full history it must lie
in one of the child's periods of care (start <= DATE_INT, and the period open or ending on
or after it)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dated_within, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    a = tables["AD1"]
    e = episode_sequence(tables["Episodes"])
    periods = e.drop_duplicates("period")[["child", "period_start", "period_end"]]
    inside = dated_within(a, "date_int", periods, start="period_start", end="period_end")
    return flag(a, ~inside, "AD1", "DATE_INT")


RULE = DfeRule(
    code="334",
    message="the date the child should be placed for adoption is not within a period of care",
    tables=("AD1", "Episodes"),
    fields=("DATE_INT", "DECOM", "RNE"),
    check=check,
)
