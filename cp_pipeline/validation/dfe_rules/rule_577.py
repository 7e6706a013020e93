"""DfE rule 577: a child who is no longer looked after has no open missing incident.

With a full history, "ceased to be looked after" means the child has no open episode in the
extract."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    m, e = tables["Missing"], tables["Episodes"]
    looked_after = e.loc[e["dec"].isna(), "child"]
    mask = m["mis_end"].isna() & m["child"].isin(e["child"]) & ~m["child"].isin(looked_after)
    return flag(m, mask, "Missing", "MIS_END")


RULE = DfeRule(
    code="577",
    message="the child is no longer looked after but this missing incident has no end date",
    tables=("Missing", "Episodes"),
    fields=("MIS_END",),
    check=check,
)
