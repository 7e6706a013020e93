"""DfE rule 374: a child in residential employment (P3) is 14 or over."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag, header_dob

PLACEMENTS = ["P3"]
YOUNGEST = 14


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    dob = header_dob(e, tables["Header"])
    young = dates(e["decom"]) < birthday(dob, YOUNGEST)
    return flag(e, e["place"].isin(PLACEMENTS) & young, "Episodes", "PLACE")


RULE = DfeRule(
    code="374",
    message="the child was under 14 at the start of a placement in residential employment (P3)",
    tables=("Episodes", "Header"),
    fields=("DECOM", "PLACE", "DOB"),
    check=check,
)
