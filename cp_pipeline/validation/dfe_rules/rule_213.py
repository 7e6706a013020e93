"""DfE rule 213: no placement provider for temporary placements (T0-T4) and other placements (Z1, Z11-Z14)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import NO_PROVIDER_PLACEMENTS, DfeRule, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = tables["Episodes"]
    return flag(
        e, e["place"].isin(NO_PROVIDER_PLACEMENTS) & e["place_provider"].notna(), "Episodes", "PLACE_PROVIDER"
    )


RULE = DfeRule(
    code="213",
    message="a placement provider is given for a placement that does not take one (T0-T4, Z1, Z11-Z14)",
    tables=("Episodes",),
    fields=("PLACE", "PLACE_PROVIDER"),
    check=check,
)
