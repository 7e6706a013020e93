"""DfE rule 372: a child in a young offender institution (R5) is 10 or over."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag, header_dob

PLACEMENTS = ["R5"]
YOUNGEST = 10


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    dob = header_dob(e, tables["Header"])
    young = dates(e["decom"]) < birthday(dob, YOUNGEST)
    return flag(e, e["place"].isin(PLACEMENTS) & young, "Episodes", "PLACE")


RULE = DfeRule(
    code="372",
    message="the child was under 10 at the start of a placement in a young offender institution (R5)",
    tables=("Episodes", "Header"),
    fields=("DECOM", "PLACE", "DOB"),
    check=check,
)
