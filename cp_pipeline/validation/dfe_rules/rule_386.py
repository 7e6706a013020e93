"""DfE rule 386: a child is not adopted (REC E11, E12) at 18 or over."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import ADOPTED, DfeRule, birthday, dates, flag, header_dob


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    dob = header_dob(e, tables["Header"])
    return flag(e, e["rec"].isin(ADOPTED) & (dates(e["dec"]) >= birthday(dob, 18)), "Episodes", "REC")


RULE = DfeRule(
    code="386",
    message="the episode ended in adoption but the child had reached 18",
    tables=("Episodes", "Header"),
    fields=("DEC", "REC", "DOB"),
    check=check,
)
