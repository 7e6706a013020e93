"""DfE rule INT21: SEX in the UASC table is the Header's."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import DfeRule, flag, same_text


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    u = tables["UASC"]
    header_sex = u["child"].map(tables["Header"].drop_duplicates("child").set_index("child")["sex"])
    both = u["sex"].notna() & header_sex.notna()
    return flag(u, both & ~same_text(u["sex"], header_sex), "UASC", "SEX")


RULE = DfeRule(
    code="INT21",
    message="the sex on this UASC row differs from the child's sex in the Header",
    tables=("UASC", "Header"),
    fields=("SEX",),
    check=check,
)
