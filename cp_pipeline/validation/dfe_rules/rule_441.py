"""DfE rule 441: a child under 4 at the review has participation code PN0."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag, header_dob


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    r = tables["Reviews"]
    dob = header_dob(r, tables["Header"])
    young = dates(r["review"]) < birthday(dob, 4)
    return flag(r, r["review_code"].notna() & r["review_code"].ne("PN0") & young, "Reviews", "REVIEW_CODE")


RULE = DfeRule(
    code="441",
    message="the child was under 4 at the review but the participation code is not PN0",
    tables=("Reviews", "Header"),
    fields=("DOB", "REVIEW", "REVIEW_CODE"),
    check=check,
)
