"""DfE rule 408: placement for adoption under a placement order (A5, A6) needs legal status E1."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["place"].isin(["A5", "A6"]) & e["ls"].ne("E1"), "Episodes", "LS")


RULE = DfeRule(
    code="408",
    message="the child is placed for adoption under a placement order (A5/A6) but the legal status is not E1",
    tables=("Episodes",),
    fields=("PLACE", "LS"),
    check=check,
)
