"""DfE rule 578: a missing incident starts while the child is looked after.

The DfE checks that it does not start after the child ceased to be looked after; across a
full history it must start within one of the child's episodes."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dated_within, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    m = tables["Missing"]
    return flag(m, ~dated_within(m, "mis_start", tables["Episodes"]), "Missing", "MIS_START")


RULE = DfeRule(
    code="578",
    message="the missing incident starts when the child was not looked after",
    tables=("Missing", "Episodes"),
    fields=("MIS_START",),
    check=check,
)
