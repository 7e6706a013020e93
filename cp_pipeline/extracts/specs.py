"""Loads the declarative input contract (tables.yaml, code_lists.yaml) into typed objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cp_pipeline.yaml_files import load_yaml

SPEC_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Code:
    code: str
    label: str = ""
    from_year: int | None = None
    to_year: int | None = None
    retired: dt.date | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def valid_in(self, collection_year: int) -> bool:
        """Whether the code is in its list for the collection year (named by its end year)."""
        if self.from_year is not None and collection_year < self.from_year:
            return False
        return not (self.to_year is not None and collection_year > self.to_year)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    codes: str | None = None
    optional_column: bool = False
    end_of: str | None = None
    date_of_birth: bool = False
    future_ok: bool = False
    personal: bool = False
    min: float | None = None
    max: float | None = None

    @property
    def staging_name(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class TableSpec:
    name: str
    staging_name: str
    family: str
    columns: tuple[Column, ...]
    required_table: bool = False
    child_level: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def identifying_columns(self) -> frozenset[str]:
        """The columns whose presence identifies a file as this table."""
        return frozenset(c.name for c in self.columns if not c.optional_column)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")


def collection_year(day: dt.date) -> int:
    """The 903 collection year holding a day, named by the year it ends (1 Apr-31 Mar)."""
    return day.year + 1 if day.month >= 4 else day.year


@cache
def code_lists() -> dict[str, dict[str, Code]]:
    raw = load_yaml((SPEC_DIR / "code_lists.yaml").read_text(encoding="utf-8"))
    lists: dict[str, dict[str, Code]] = {}
    for list_name, entries in raw.items():
        codes = {}
        for code, opts in entries.items():
            opts = dict(opts or {})
            retired = opts.pop("retired", None)
            codes[str(code)] = Code(
                code=str(code),
                label=opts.pop("label", ""),
                from_year=opts.pop("from_year", None),
                to_year=opts.pop("to_year", None),
                retired=retired
                if isinstance(retired, dt.date) or retired is None
                else dt.date.fromisoformat(str(retired)),
                extra=opts,
            )
        lists[list_name] = codes
    return lists


def codes_for_year(list_name: str, year: int) -> frozenset[str]:
    """The codes of a list accepted in a collection year."""
    return frozenset(c.code for c in code_lists()[list_name].values() if c.valid_in(year))


@cache
def table_specs() -> dict[str, TableSpec]:
    raw = load_yaml((SPEC_DIR / "tables.yaml").read_text(encoding="utf-8"))["tables"]
    specs = {}
    for name, body in raw.items():
        columns = tuple(Column(name=col, **(opts or {})) for col, opts in body["columns"].items())
        specs[name] = TableSpec(
            name=name,
            staging_name=body["staging_name"],
            family=body["family"],
            columns=columns,
            required_table=body.get("required_table", False),
            child_level=body.get("child_level", False),
        )
    return specs


def table_spec(name: str) -> TableSpec:
    return table_specs()[name]
