"""DfE rule 355: an episode that ends on the day it starts lasted less than 24 hours (a warning)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dates, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, dates(e["decom"]) == dates(e["dec"]), "Episodes", "DEC")


RULE = DfeRule(
    code="355",
    message="the episode appears to have lasted less than 24 hours",
    tables=("Episodes",),
    fields=("DECOM", "DEC"),
    check=check,
)
