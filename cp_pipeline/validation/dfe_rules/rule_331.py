"""DfE rule 331: the match with adopters (DATE_MATCH) is on or before the placement for adoption.

The placement compared is the child's first A3-A6 episode starting on or after DATE_INT, so
earlier adoption plans in the history are not mixed up with this one."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cp_pipeline.validation.dfe_rules import ADOPTION_PLACEMENTS, DfeRule, dates, flag


def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    a, e = tables["AD1"], tables["Episodes"]
    decisions = pd.DataFrame(
        {"child": a["child"].to_numpy(), "date_int": dates(a["date_int"]).to_numpy(), "row": range(len(a))}
    )
    placements = pd.DataFrame({"child": e["child"].to_numpy(), "decom": dates(e["decom"]).to_numpy()})
    placements = placements[e["place"].isin(ADOPTION_PLACEMENTS).to_numpy()]
    pairs = decisions.merge(placements, on="child")
    pairs = pairs[pairs["decom"] >= pairs["date_int"]]
    placed = pairs.groupby("row")["decom"].min().reindex(range(len(a)))
    return flag(
        a,
        pd.Series(dates(a["date_match"]).to_numpy() > placed.to_numpy(), index=a.index),
        "AD1",
        "DATE_MATCH",
    )


RULE = DfeRule(
    code="331",
    message="the date of matching with adopters is after the date the child was placed for adoption",
    tables=("AD1", "Episodes"),
    fields=("DATE_MATCH", "DECOM", "PLACE"),
    check=check,
)
