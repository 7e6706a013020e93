"""Generates the reference docs (docs/*.md) from the declarative definitions: never written by hand.

python -m cp_pipeline.docs [--out docs]
"""

from __future__ import annotations

import sys
from pathlib import Path

from cp_pipeline.extracts.specs import code_lists, table_specs
from cp_pipeline.indicators.catalogue import catalogue
from cp_pipeline.warehouse.models import load_models


def _table(header: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        return str("" if value is None else value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def input_contract() -> str:
    parts = [
        "# Input contract: tables and code lists\n",
        "Generated from `cp_pipeline/extracts/tables.yaml` and `code_lists.yaml`.\n",
    ]
    for spec in table_specs().values():
        parts.append(f"## {spec.name} (`staging.{spec.staging_name}`)\n")
        parts.append(
            _table(
                ["column", "type", "blank rejects the row", "code list", "notes"],
                [
                    [
                        c.name,
                        c.type,
                        "yes" if c.required else "",
                        c.codes or "",
                        "; ".join(
                            n
                            for n in [
                                "optional column" if c.optional_column else "",
                                f"ends the period started by {c.end_of}" if c.end_of else "",
                                "date of birth (never shown in messages)" if c.date_of_birth else "",
                            ]
                            if n
                        ),
                    ]
                    for c in spec.columns
                ],
            )
            + "\n"
        )
    parts.append("## Code lists\n")
    for name, codes in code_lists().items():
        rows = []
        for code in codes.values():
            validity = []
            if code.from_year:
                validity.append(f"from {code.from_year - 1}-{str(code.from_year)[2:]}")
            if code.to_year:
                validity.append(f"to {code.to_year - 1}-{str(code.to_year)[2:]}")
            if code.retired:
                validity.append(f"flagged when used after {code.retired.isoformat()}")
            rows.append([code.code, code.label, ", ".join(validity)])
        parts.append(f"### {name}\n\n" + _table(["code", "meaning", "validity"], rows) + "\n")
    return "\n".join(parts)


def indicator_catalogue() -> str:
    parts = [
        "# Indicator catalogue\n",
        "Generated from `cp_pipeline/indicators/catalogue.yaml`; each "
        "indicator's SQL is `dbt_like_sql/indicators/<CODE>.sql`.\n",
    ]
    sections: dict[str, list] = {}
    for ind in catalogue().values():
        sections.setdefault(ind.section, []).append(ind)
    for section, items in sections.items():
        parts.append(f"## {section}\n")
        parts.append(
            _table(
                ["code", "name", "unit", "polarity", "reads", "definition", "reading chosen"],
                [
                    [f"`{i.code}`", i.name, i.unit, i.polarity, ", ".join(i.reads), i.description, i.choice]
                    for i in items
                ],
            )
            + "\n"
        )
    return "\n".join(parts)


def _materialisation(model) -> str:
    if model.materialized == "view":
        return "view over every extract month, tested month by month" if model.partitioned else "view"
    return "table, rebuilt per extract month" if model.partitioned else "table"


def warehouse_models() -> str:
    parts = ["# Warehouse models\n", "Generated from the headers of the SQL files in `dbt_like_sql/`.\n"]
    for model in load_models().values():
        parts.append(f"## `{model.schema}.{model.name}`\n")
        parts.append(f"{model.description}\n")
        parts.append(
            f"- file: `{model.path.relative_to(model.path.parents[2])}`; {_materialisation(model)}\n"
            f"- depends on: {', '.join(model.refs + tuple(f'{s}.{t}' for s, t in model.sources)) or 'nothing'}\n"
        )
        if model.unique_key:
            parts.append(f"- unique key: {', '.join(model.unique_key)}\n")
        if model.columns:
            parts.append(_table(["column", "meaning"], [[c, d] for c, d in model.columns.items()]) + "\n")
    return "\n".join(parts)


def validation_rules() -> str:
    parts = ["# Validation rules\n"]
    try:
        from cp_pipeline.validation.schemas import describe_rules

        rules = describe_rules()
        parts.append("## Row rules (pandera): rejected or flagged at ingest\n")
        parts.append(_table(list(rules.columns), rules.astype(str).values.tolist()) + "\n")
    except ImportError:  # pragma: no cover - during development only
        pass
    try:
        from cp_pipeline.validation.dfe_rules import all_rules

        parts.append("## DfE 903 rules: flagged, rows kept\n")
        parts.append(
            _table(
                ["rule id", "tables", "message"],
                [[f"DFE-{r.code}", ", ".join(r.tables), r.message] for r in all_rules()],
            )
            + "\n"
        )
    except ImportError:  # pragma: no cover
        pass
    return "\n".join(parts)


DOCS = {
    "input_contract.md": input_contract,
    "indicator_catalogue.md": indicator_catalogue,
    "warehouse_models.md": warehouse_models,
    "validation_rules.md": validation_rules,
}


def write_docs(out: Path = Path("docs")) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in DOCS.items():
        path = out / name
        path.write_text(render(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else Path("docs")
    for path in write_docs(target):
        print(f"wrote {path}")
