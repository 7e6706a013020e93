"""DfE rule 344: a care leaver who died or returned home (IN_TOUCH DIED, RHOM) has activity and accommodation 0."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    o = tables["OC3"]
    filled = (o["activ"].notna() & o["activ"].ne("0")) | (o["accom"].notna() & o["accom"].ne("0"))
    return flag(o, o["in_touch"].isin(["DIED", "RHOM"]) & filled, "OC3", "IN_TOUCH")


RULE = DfeRule(
    code="344",
    message="the young person died or returned home but an activity or accommodation is recorded",
    tables=("OC3",),
    fields=("IN_TOUCH", "ACTIV", "ACCOM"),
    check=check,
)
