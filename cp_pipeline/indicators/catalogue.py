"""The declarative indicator catalogue (catalogue.yaml) and each indicator's SQL fragment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cp_pipeline.warehouse.models import MODELS_DIR
from cp_pipeline.yaml_files import load_yaml

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")
INDICATOR_SQL_DIR = MODELS_DIR / "indicators"
UNITS = {"count", "percent", "rate_per_10k", "days", "weeks", "hours", "ratio", "gbp"}
POLARITIES = {"up", "down", "neutral"}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    section: str
    description: str
    unit: str
    polarity: str
    reads: tuple[str, ...] = ()
    board_wording: str = ""
    choice: str = ""

    @property
    def sql_path(self) -> Path:
        return INDICATOR_SQL_DIR / f"{self.code}.sql"

    @property
    def sql(self) -> str:
        return self.sql_path.read_text(encoding="utf-8")


@cache
def catalogue() -> dict[str, Indicator]:
    raw = load_yaml(CATALOGUE_PATH.read_text(encoding="utf-8"))["indicators"]
    entries = {}
    for code, body in raw.items():
        indicator = Indicator(code=code, **{**body, "reads": tuple(body.get("reads") or ())})
        if indicator.unit not in UNITS or indicator.polarity not in POLARITIES:
            raise ValueError(
                f"{code}: unit {indicator.unit!r} or polarity {indicator.polarity!r} not allowed"
            )
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", code):  # codes are written into SQL as literals
            raise ValueError(f"{code!r}: an indicator code is capital letters, digits and _")
        if not indicator.sql_path.is_file():
            raise ValueError(f"{code}: no SQL at {indicator.sql_path}")
        entries[code] = indicator
    return entries
