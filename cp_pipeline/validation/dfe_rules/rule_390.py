"""DfE rule 390: an adoption (REC E11/E12) follows a placement for adoption (A3-A6) in the same period of care."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import ADOPTED, ADOPTION_PLACEMENTS, DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    placed = e["place"].isin(ADOPTION_PLACEMENTS).astype("int64")
    placed_so_far = placed.groupby(e["period"], sort=False).cummax().astype(bool)
    return flag(e, e["rec"].isin(ADOPTED) & ~placed_so_far, "Episodes", "REC")


RULE = DfeRule(
    code="390",
    message="the child left care through adoption but was not placed for adoption (A3-A6) in this period of care",
    tables=("Episodes",),
    fields=("PLACE", "REC"),
    check=check,
)
