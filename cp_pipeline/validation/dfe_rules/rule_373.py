"""DfE rule 373: a child in a residential school (S1) is 4 or over."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag, header_dob

PLACEMENTS = ["S1"]
YOUNGEST = 4


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    dob = header_dob(e, tables["Header"])
    young = dates(e["decom"]) < birthday(dob, YOUNGEST)
    return flag(e, e["place"].isin(PLACEMENTS) & young, "Episodes", "PLACE")


RULE = DfeRule(
    code="373",
    message="the child was under 4 at the start of a placement in a residential school (S1)",
    tables=("Episodes", "Header"),
    fields=("DECOM", "PLACE", "DOB"),
    check=check,
)
