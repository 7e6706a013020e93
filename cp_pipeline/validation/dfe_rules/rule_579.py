"""DfE rule 579: a decision to place for adoption does not start before the previous decision was reversed."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag, overlaps_previous


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    p, _still_open, starts_early = overlaps_previous(
        tables["PlacedAdoption"], "date_placed", "date_placed_ceased"
    )
    return flag(p, starts_early, "PlacedAdoption", "DATE_PLACED")


RULE = DfeRule(
    code="579",
    message="the decision to place the child for adoption starts before the previous decision ceased",
    tables=("PlacedAdoption",),
    fields=("DATE_PLACED", "DATE_PLACED_CEASED"),
    check=check,
)
