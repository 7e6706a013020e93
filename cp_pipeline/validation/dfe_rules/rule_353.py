"""DfE rule 353: no episode starts before 14 October 1991 (the Children Act 1989 came into force)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, dates, flag

EARLIEST_START = pd.Timestamp("1991-10-14")


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(e, dates(e["decom"]) < EARLIEST_START, "Episodes", "DECOM")


RULE = DfeRule(
    code="353",
    message="the episode starts before 14 October 1991",
    tables=("Episodes",),
    fields=("DECOM",),
    check=check,
)
