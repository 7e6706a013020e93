"""DfE rule 354: an episode does not end after the end of the year.

The extract is monthly, so "the end of the collection year" becomes the end of the extract
month plus YEAR_END_GRACE_DAYS."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dates, flag, no_violations, year_end_limit


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    limit = year_end_limit(e)
    if limit is None:
        return no_violations()
    return flag(e, dates(e["dec"]) > limit, "Episodes", "DEC")


RULE = DfeRule(
    code="354",
    message="the episode ends more than a month after the end of the extract month",
    tables=("Episodes",),
    fields=("DEC",),
    check=check,
)
