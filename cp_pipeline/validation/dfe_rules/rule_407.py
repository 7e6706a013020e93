"""DfE rule 407: a child does not leave care on a special guardianship order (REC E43-E48) at 18 or over."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import SPECIAL_GUARDIANSHIP, DfeRule, birthday, dates, flag, header_dob


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    dob = header_dob(e, tables["Header"])
    mask = e["rec"].isin(SPECIAL_GUARDIANSHIP) & (dates(e["dec"]) >= birthday(dob, 18))
    return flag(e, mask, "Episodes", "REC")


RULE = DfeRule(
    code="407",
    message="the episode ended in a special guardianship order but the child had reached 18",
    tables=("Episodes", "Header"),
    fields=("DEC", "REC", "DOB"),
    check=check,
)
