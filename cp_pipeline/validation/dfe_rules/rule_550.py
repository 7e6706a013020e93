"""DfE rule 550: provider PR0 (parent or person with PR) is used only with placement P1."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["place_provider"].eq("PR0") & e["place"].ne("P1"), "Episodes", "PLACE_PROVIDER")


RULE = DfeRule(
    code="550",
    message="placement provider PR0 (parent or person with parental responsibility) can only be used with placement P1",
    tables=("Episodes",),
    fields=("PLACE", "PLACE_PROVIDER"),
    check=check,
)
