"""DfE rule 504: the category of need stays as it was at the start of the period of care."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    first_cin = e.groupby("period", sort=False)["cin"].transform("first")
    return flag(e, e["cin"].ne(first_cin), "Episodes", "CIN")


RULE = DfeRule(
    code="504",
    message="the category of need differs from the one recorded at the start of the period of care",
    tables=("Episodes",),
    fields=("CIN",),
    check=check,
)
