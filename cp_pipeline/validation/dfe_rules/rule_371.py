"""DfE rule 371: a child in semi-independent or supported accommodation (H5, K3) is 16 or over."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag, header_dob

PLACEMENTS = ["H5", "K3"]
YOUNGEST = 16


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    dob = header_dob(e, tables["Header"])
    young = dates(e["decom"]) < birthday(dob, YOUNGEST)
    return flag(e, e["place"].isin(PLACEMENTS) & young, "Episodes", "PLACE")


RULE = DfeRule(
    code="371",
    message="the child was under 16 at the start of a placement in semi-independent or supported accommodation (H5/K3)",
    tables=("Episodes", "Header"),
    fields=("DECOM", "PLACE", "DOB"),
    check=check,
)
