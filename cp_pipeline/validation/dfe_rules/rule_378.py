"""DfE rule 378: a child placed with parents (P1) is not under a single period of s20 accommodation (V2)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, e["place"].eq("P1") & e["ls"].eq("V2"), "Episodes", "LS")


RULE = DfeRule(
    code="378",
    message="a child placed with parents cannot be accommodated under a single period of section 20 (V2)",
    tables=("Episodes",),
    fields=("PLACE", "LS"),
    check=check,
)
