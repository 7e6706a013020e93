"""DfE rule 377: at most two T3 placements (usual foster carer on holiday) in a collection year.

The extract covers several years, so episodes are counted per collection year of DECOM."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, collection_start, dates, flag

MOST_PER_YEAR = 2


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    t3 = e[e["place"].eq("T3")].copy()
    t3["year"] = collection_start(dates(t3["decom"]))
    many = t3.groupby(["child", "year"], dropna=False)["place"].transform("size") > MOST_PER_YEAR
    return flag(t3, many, "Episodes", "PLACE")


RULE = DfeRule(
    code="377",
    message="the child has more than two temporary placements for a foster carer's holiday (T3) in one collection year",
    tables=("Episodes",),
    fields=("PLACE",),
    check=check,
)
