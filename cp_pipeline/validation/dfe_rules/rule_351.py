"""DfE rule 351: a child is not over 25.

The DfE applies it at the start of the collection year; with a full history it is applied to
each episode's start."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, birthday, dates, flag, header_dob


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    dob = header_dob(e, tables["Header"])
    return flag(e, dates(e["decom"]) >= birthday(dob, 25), "Episodes", "DECOM")


RULE = DfeRule(
    code="351",
    message="the child was 25 or over when the episode started",
    tables=("Episodes", "Header"),
    fields=("DECOM", "DOB"),
    check=check,
)
