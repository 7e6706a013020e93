"""DfE rule 302: a child's first episode does not start before their date of birth (Header DOB)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, episode_sequence, flag, header_dob


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    e = episode_sequence(tables["Episodes"])
    dob = header_dob(e, tables["Header"])
    return flag(e, e["is_first"] & (e["decom"] < dob), "Episodes", "DECOM")


RULE = DfeRule(
    code="302",
    message="the child's first episode starts before their date of birth",
    tables=("Episodes", "Header"),
    fields=("DECOM", "DOB"),
    check=check,
)
