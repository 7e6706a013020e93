"""DfE rule 526: every placement other than T0-T4 and Z1/Z11-Z14 has a placement provider."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import NO_PROVIDER_PLACEMENTS, DfeRule, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(
        e, ~e["place"].isin(NO_PROVIDER_PLACEMENTS) & e["place_provider"].isna(), "Episodes", "PLACE_PROVIDER"
    )


RULE = DfeRule(
    code="526",
    message="the placement provider is missing",
    tables=("Episodes",),
    fields=("PLACE", "PLACE_PROVIDER"),
    check=check,
)
