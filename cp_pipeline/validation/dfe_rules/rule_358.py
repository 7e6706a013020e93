"""DfE rule 358: a child under 10 is not remanded or detained (legal status J1, J2, J3)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag, header_dob


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    dob = header_dob(e, tables["Header"])
    young = dates(e["decom"]) < birthday(dob, 10)
    return flag(e, e["ls"].isin(["J1", "J2", "J3"]) & young, "Episodes", "LS")


RULE = DfeRule(
    code="358",
    message="the child was under 10 at the start of an episode with legal status J1, J2 or J3",
    tables=("Episodes", "Header"),
    fields=("DECOM", "LS", "DOB"),
    check=check,
)
