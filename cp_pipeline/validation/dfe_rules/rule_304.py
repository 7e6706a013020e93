"""DfE rule 304: UASC status ceases (DUC) on or before the child's 18th birthday."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    u = tables["UASC"]
    return flag(u, dates(u["duc"]) > birthday(dates(u["dob"]), 18), "UASC", "DUC")


RULE = DfeRule(
    code="304",
    message="the date UASC status ceased is after the child's 18th birthday",
    tables=("UASC",),
    fields=("DUC", "DOB"),
    check=check,
)
