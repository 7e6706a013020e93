"""DfE rule 333: the decision that the child should be placed for adoption (DATE_INT) is on or before the match (DATE_MATCH)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dates, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    a = tables["AD1"]
    return flag(a, dates(a["date_int"]) > dates(a["date_match"]), "AD1", "DATE_INT")


RULE = DfeRule(
    code="333",
    message="the date the child should be placed for adoption is after the date of matching with adopters",
    tables=("AD1",),
    fields=("DATE_INT", "DATE_MATCH"),
    check=check,
)
