"""DfE rule 435: RNE P or T (placement change only): the placement changes and the legal status does not."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag, same_text

PLACEMENT_COLUMNS = ["place", "pl_post", "urn", "place_provider"]


def placement_unchanged(e: pd.DataFrame) -> pd.Series:
    unchanged = pd.Series(True, index=e.index)
    for column in PLACEMENT_COLUMNS:
        unchanged &= same_text(e[column], e[f"prev_{column}"])
    return unchanged


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    mismatch = ~same_text(e["ls"], e["prev_ls"]) | placement_unchanged(e)
    return flag(e, ~e["is_first"] & e["rne"].isin(["P", "T"]) & mismatch, "Episodes", "RNE")


RULE = DfeRule(
    code="435",
    message="the reason for new episode is a change of placement only, but the episode does not show that",
    tables=("Episodes",),
    fields=("RNE", "LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"),
    check=check,
)
