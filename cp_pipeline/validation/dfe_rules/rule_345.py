"""DfE rule 345: a care leaver the LA is in touch with (IN_TOUCH YES) has a known activity and accommodation."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    o = tables["OC3"]
    unknown = o["activ"].isna() | o["activ"].eq("0") | o["accom"].isna() | o["accom"].eq("0")
    return flag(o, o["in_touch"].eq("YES") & unknown, "OC3", "IN_TOUCH")


RULE = DfeRule(
    code="345",
    message="the local authority is in touch with the young person but the activity or accommodation is blank or 0",
    tables=("OC3",),
    fields=("IN_TOUCH", "ACTIV", "ACCOM"),
    check=check,
)
