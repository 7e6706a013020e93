"""DfE rule 142: only a child's last episode may be open (across the whole history in the extract)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    return flag(e, ~e["is_last"] & e["dec"].isna(), "Episodes", "DEC")


RULE = DfeRule(
    code="142",
    message="a later episode starts but this episode has no end date",
    tables=("Episodes",),
    fields=("DEC", "REC"),
    check=check,
)
