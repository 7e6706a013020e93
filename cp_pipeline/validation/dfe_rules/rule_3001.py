"""DfE rule 3001: a care leaver reported around their 17th birthday is not 'staying put' with former foster
carers (ACCOM Z1/Z2).

The collection year is the one the extract month falls in."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import (
    DfeRule,
    birthday,
    collection_start,
    flag,
    header_dob,
    month_end_of,
    no_violations,
)


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    o = tables["OC3"]
    end = month_end_of(o)
    if end is None:
        return no_violations()
    start = collection_start(pd.Series([end])).iloc[0]
    seventeenth = birthday(header_dob(o, tables["Header"]), 17)
    in_year = (seventeenth >= start) & (seventeenth < start + pd.DateOffset(years=1))
    return flag(o, o["accom"].isin(["Z1", "Z2"]) & in_year, "OC3", "ACCOM")


RULE = DfeRule(
    code="3001",
    message="the young person had their 17th birthday this collection year but is recorded as staying with former foster carers (Z)",
    tables=("OC3", "Header"),
    fields=("ACCOM", "DOB"),
    check=check,
)
