"""DfE rule 352: a child does not start to be looked after (RNE S) at 18 or over."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag, header_dob


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    dob = header_dob(e, tables["Header"])
    return flag(e, e["rne"].eq("S") & (dates(e["decom"]) >= birthday(dob, 18)), "Episodes", "RNE")


RULE = DfeRule(
    code="352",
    message="the child started to be looked after at 18 or over",
    tables=("Episodes", "Header"),
    fields=("DECOM", "RNE", "DOB"),
    check=check,
)
