"""DfE rule 440: review participation PN0 (under 4) is used only for children under 4 at the review."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag, header_dob


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    r = tables["Reviews"]
    dob = header_dob(r, tables["Header"])
    return flag(
        r, r["review_code"].eq("PN0") & (dates(r["review"]) >= birthday(dob, 4)), "Reviews", "REVIEW_CODE"
    )


RULE = DfeRule(
    code="440",
    message="the review participation code says the child was under 4 (PN0) but the child was 4 or over",
    tables=("Reviews", "Header"),
    fields=("DOB", "REVIEW", "REVIEW_CODE"),
    check=check,
)
