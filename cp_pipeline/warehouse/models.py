"""Reads the SQL model files in dbt_like_sql/, renders them for one month and materialises them.

A model file is one SELECT, named after the table it builds, in a folder named after its
layer (= its schema): staging/, warehouse/, mart/, bi/. It opens with a YAML header in a
block comment:

    /*
    description: One row per episode of care, respite removed.
    materialized: table          # table (default) or view
    partitioned: true            # rebuilt per extract month (default true for tables)
    unique_key: [la_code, extract_month, child, decom]
    not_null: [child, decom]
    columns:
      child: the child's CMS identifier
    */
    SELECT ... FROM {{ ref('stg_episodes') }} AS e

Dependencies come only from `{{ ref('model') }}` and `{{ source('schema', 'table') }}`, so
the asset graph is read off the SQL itself. Inside a partitioned build, a reference to a
partitioned table renders as a sub-query holding that month only: work done for a month is
proportional to that month's extract, whatever the history in the warehouse. Always give
a reference an alias (PostgreSQL 15 needs one for a sub-query). `ref('x', all_months=True)`
reads every month (trends). Portable helpers for the two engines are macros: see MACROS.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path

import jinja2
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cp_pipeline.warehouse.engine import Warehouse, qualified, quote_ident
from cp_pipeline.yaml_files import YAMLError, load_yaml

MODELS_DIR = Path(__file__).resolve().parents[2] / "dbt_like_sql"
LAYERS = ("staging", "warehouse", "mart", "bi")

# Tables written by Python (ingest, reference loading) that models may read as sources.
# Everything in these schemas is partitioned by la_code and extract_month unless named here.
UNPARTITIONED_SOURCES = {
    ("staging", "ref_population"),
    ("staging", "ref_benchmarks"),
    ("staging", "ref_targets"),
    ("staging", "ref_placement_costs"),
    ("staging", "ref_postcode_districts"),
    ("staging", "ref_school_ratings"),
    ("staging", "ref_las"),
    ("warehouse", "dim_date"),
    ("warehouse", "dim_placement_group"),
    ("mart", "indicator_catalogue"),
}

_HEADER = re.compile(r"\A\s*/\*(.*?)\*/", re.S)
_REF = re.compile(r"""\{\{\s*ref\(\s*['"]([\w]+)['"]""")
_SOURCE = re.compile(r"""\{\{\s*source\(\s*['"]([\w]+)['"]\s*,\s*['"]([\w]+)['"]""")


@dataclass(frozen=True)
class SqlModel:
    name: str
    layer: str
    path: Path
    body: str
    description: str = ""
    materialized: str = "table"
    partitioned: bool = True
    unique_key: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)
    refs: tuple[str, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def schema(self) -> str:
        return self.layer

    @property
    def is_plain_view(self) -> bool:
        """A view with no months of its own (the bi views): built once a run and not tested. A
        partitioned view (a staging model) covers every month and is tested month by month."""
        return self.materialized == "view" and not self.partitioned

    @property
    def code_version(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()[:12]


def parse_model(path: Path, layer: str) -> SqlModel:
    text = path.read_text(encoding="utf-8")
    match = _HEADER.match(text)
    try:
        header = (load_yaml(match.group(1)) if match else {}) or {}
    except YAMLError as exc:
        raise ValueError(f"{path}: the model header is not valid YAML ({exc.problem})") from exc
    body = text[match.end() :] if match else text
    materialized = header.get("materialized", "table")
    return SqlModel(
        name=path.stem,
        layer=layer,
        path=path,
        body=body.strip().rstrip(";"),
        description=str(header.get("description", "")).strip(),
        materialized=materialized,
        partitioned=bool(header.get("partitioned", materialized == "table")),
        unique_key=tuple(header.get("unique_key") or ()),
        not_null=tuple(header.get("not_null") or ()),
        columns={str(k): str(v) for k, v in (header.get("columns") or {}).items()},
        refs=tuple(dict.fromkeys(_REF.findall(body))),
        sources=tuple(dict.fromkeys(_SOURCE.findall(body))),
    )


@cache
def load_models(root: Path = MODELS_DIR) -> dict[str, SqlModel]:
    """Every model under root, in dependency order (a model after everything it refs)."""
    found: dict[str, SqlModel] = {}
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.sql")):
            if path.name.startswith("_"):
                continue  # fragments (e.g. indicator SQL) are rendered by their owners
            model = parse_model(path, layer)
            if model.name in found:
                raise ValueError(f"two models are named {model.name}: {found[model.name].path} and {path}")
            found[model.name] = model
    for model in found.values():
        for ref in model.refs:
            if ref not in found:
                raise ValueError(f"{model.path.name} refs unknown model {ref!r}")
    order = TopologicalSorter({m.name: set(m.refs) for m in found.values()}).static_order()
    return {name: found[name] for name in order}


# ---- rendering ------------------------------------------------------------------------


def month_bounds(extract_month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a 'YYYY-MM' month (the last day is the period end P)."""
    first = dt.date.fromisoformat(extract_month + "-01")
    next_first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, next_first - dt.timedelta(days=1)


def _sql_date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _macros(dialect: str) -> dict:
    def add_months(expr: str, months: int | str) -> str:
        # Both engines clamp to the month's length (31 Jul + 6 months = 31 Jan), as the spec reads.
        return f"CAST({expr} + INTERVAL '{int(months)} months' AS DATE)"

    def add_days(expr: str, days: int | str) -> str:
        return f"CAST({expr} + {int(days)} * INTERVAL '1 day' AS DATE)"

    def age_years(dob: str, at: str) -> str:
        return (
            f"(CAST(EXTRACT(YEAR FROM {at}) AS INTEGER) - CAST(EXTRACT(YEAR FROM {dob}) AS INTEGER) - "
            f"CASE WHEN EXTRACT(MONTH FROM {at}) * 100 + EXTRACT(DAY FROM {at}) < "
            f"EXTRACT(MONTH FROM {dob}) * 100 + EXTRACT(DAY FROM {dob}) THEN 1 ELSE 0 END)"
        )

    def days_between(start: str, end: str) -> str:
        return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"

    def hours_between(start: str, end: str) -> str:
        if dialect == "duckdb":
            return f"(epoch(CAST({end} AS TIMESTAMP)) - epoch(CAST({start} AS TIMESTAMP))) / 3600.0"
        return f"(EXTRACT(EPOCH FROM (CAST({end} AS TIMESTAMP) - CAST({start} AS TIMESTAMP))) / 3600.0)"

    def month_start(expr: str) -> str:
        return f"CAST(DATE_TRUNC('month', {expr}) AS DATE)"

    return {
        "add_months": add_months,
        "add_days": add_days,
        "age_years": age_years,
        "days_between": days_between,
        "hours_between": hours_between,
        "month_start": month_start,
    }


MACROS = sorted(_macros("duckdb"))

_jinja = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


@cache
def _template(model_body: str) -> jinja2.Template:
    # Compiling is nearly all of a render's cost (0.2 s for a month's ~100 models and indicators,
    # again for every month of a backfill); a compiled template renders any month.
    return _jinja.from_string(model_body)


def render(model_body: str, models: Mapping[str, SqlModel], dialect: str, extract_month: str | None) -> str:
    """The model's SQL for one month (or, with no month, over every month)."""

    def is_partitioned(schema: str, table: str) -> bool:
        if (schema, table) in UNPARTITIONED_SOURCES:
            return False
        model = models.get(table)
        if model is not None and model.schema == schema:
            return model.partitioned
        return True

    def relation(schema: str, table: str, all_months: bool) -> str:
        name = qualified(schema, table)
        if extract_month is None or all_months or not is_partitioned(schema, table):
            return name
        return f"(SELECT * FROM {name} WHERE extract_month = '{extract_month}')"

    def ref(name: str, all_months: bool = False) -> str:
        model = models[name]
        return relation(model.schema, model.name, all_months)

    def source(schema: str, table: str, all_months: bool = False) -> str:
        return relation(schema, table, all_months)

    context: dict = {"ref": ref, "source": source, "dialect": dialect, **_macros(dialect)}
    if extract_month is not None:
        first, last = month_bounds(extract_month)
        context.update(
            extract_month=f"'{extract_month}'",
            period_end=_sql_date(last),
            month_first_day=_sql_date(first),
        )
    return _template(model_body).render(**context)


# ---- materialising -------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    model: str
    extract_month: str | None
    rows: int


def _result_columns(conn: Connection, sql: str) -> list[str]:
    return list(conn.execute(sa.text(f"SELECT * FROM ({sql}) AS model_output LIMIT 0")).keys())


def build_model(
    warehouse: Warehouse,
    model: SqlModel,
    extract_month: str | None,
    models: Mapping[str, SqlModel] | None = None,
) -> BuildResult:
    """Materialise one model for one month in a single transaction (all of it or none of it)."""
    return build_model_months(warehouse, model, [extract_month], models)[0]


def build_model_months(
    warehouse: Warehouse,
    model: SqlModel,
    months: Sequence[str | None],
    models: Mapping[str, SqlModel] | None = None,
) -> list[BuildResult]:
    """Materialise one model for each of the months in ONE transaction: the model's asset for a
    range of months is written whole or not at all, and a backfill pays one commit per model
    rather than one per model and month. A view (over every month, when partitioned) or an
    unpartitioned model is built once."""
    models = models or load_models()
    if model.materialized == "view" or not model.partitioned:
        months = [None]
    with warehouse.transaction() as conn:
        columns: list[str] | None = None  # every month's SQL gives the same columns: checked once
        results = []
        for month in months:
            sql = render(model.body, models, warehouse.dialect, month if model.partitioned else None)
            if model.materialized == "view":
                return [_write_view(warehouse, conn, model, sql)]
            columns = columns or _table_for(warehouse, conn, model, sql)
            results.append(_write_model(warehouse, conn, model, month, sql, columns))
        refresh_statistics(warehouse, conn, [(model.schema, model.name)])  # once all months are in
        return results


@dataclass(frozen=True)
class ModelBuild:
    """A model built for a run's months: its results, and its tests' failure counts (empty when
    its tests were not run)."""

    model: SqlModel
    results: list[BuildResult]
    failures: dict[str, int]


def model_workers() -> int:
    """How many models a run builds at once: one per core, at most two. Measured on a 24-month
    backfill on 2 cores (2026-12-07): the models one at a time kept 1.2 cores busy (DuckDB's
    own threads do little for one council-month's queries) and took 10.1 s; two at a time
    6.4-6.9 s, three no better."""
    return max(1, min(2, os.cpu_count() or 1))


def build_models(
    warehouse: Warehouse,
    chosen: Sequence[SqlModel],
    months: Sequence[str | None],
    models: Mapping[str, SqlModel] | None = None,
    *,
    with_tests: bool = True,
    workers: int | None = None,
) -> Iterator[ModelBuild]:
    """Build each of `chosen` (in a dependency order) for the months, each in its own transaction
    (`build_model_months`), and run its tests; yield each as a `ModelBuild`, in the order given.

    Models that do not depend on each other are built side by side, `workers` at a time, on
    their own connections: a model starts once every model it refers to among `chosen` has been
    built (one outside `chosen` is taken as built already). A failure stops new builds, waits for
    the ones under way (each is committed or rolled back whole) and is raised."""
    models = models or load_models()
    workers = workers or model_workers()
    names, earlier = {m.name for m in chosen}, set()
    for model in chosen:
        if any(ref in names and ref not in earlier for ref in model.refs):
            raise ValueError(f"model {model.name} comes before a model it refers to")
        earlier.add(model.name)

    def build(model: SqlModel) -> ModelBuild:
        results = build_model_months(warehouse, model, months, models)
        failures = check_model_months(warehouse, model, months) if with_tests else {}
        return ModelBuild(model, results, failures)

    waiting = list(chosen)
    built: dict[str, ModelBuild] = {}
    running: dict[Future, SqlModel] = {}  # sent to the pool, which runs `workers` at a time
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cp-models") as pool:
        try:
            for model in chosen:
                while model.name not in built:
                    for ready in [m for m in waiting if all(r in built or r not in names for r in m.refs)]:
                        waiting.remove(ready)
                        running[pool.submit(build, ready)] = ready
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        done = future.result()  # raises the model's error
                        built[running.pop(future).name] = done
                yield built[model.name]
        finally:
            for future in running:
                future.cancel()  # those not started yet


def _write_view(warehouse: Warehouse, conn: Connection, model: SqlModel, sql: str) -> BuildResult:
    """(Re)create a model's view in place, so views and grants others made on it survive a run.
    PostgreSQL replaces a view only while its columns stay as they were: when they changed, the
    view is dropped and made afresh (failing if someone's view still depends on it). A table of
    the same name (a model that was a table in an older warehouse: the staging models were, until
    2026-12) is dropped first."""
    target = qualified(model.schema, model.name)
    if warehouse.base_table_exists(conn, model.schema, model.name):
        warehouse.drop_table(conn, model.schema, model.name)
    replace = f"CREATE OR REPLACE VIEW {target} AS {sql}"
    if warehouse.dialect != "postgresql":
        conn.execute(sa.text(replace))  # DuckDB replaces any view (and tracks no dependents)
    else:
        try:
            with conn.begin_nested():
                conn.execute(sa.text(replace))
        except sa.exc.DBAPIError:  # IF EXISTS: an error in a new view's SQL is reported by CREATE
            conn.execute(sa.text(f"DROP VIEW IF EXISTS {target}"))
            conn.execute(sa.text(f"CREATE VIEW {target} AS {sql}"))
    _comment(conn, model, "VIEW")
    return BuildResult(model.name, None, 0)


def _table_for(warehouse: Warehouse, conn: Connection, model: SqlModel, sql: str) -> list[str]:
    """The model's output columns, with its table created to fit them (or re-created when they
    changed: its old rows no longer fit; views over it go too, rebuilt by their own assets later in
    the same run)."""
    columns = _result_columns(conn, sql)
    existing = warehouse.table_columns(conn, model.schema, model.name)
    if existing and existing != columns:
        warehouse.drop_table(conn, model.schema, model.name)
        existing = []
    if not existing:
        target = qualified(model.schema, model.name)
        conn.execute(sa.text(f"CREATE TABLE {target} AS SELECT * FROM ({sql}) AS model_output LIMIT 0"))
        _comment(conn, model, "TABLE")
    if model.partitioned:
        if "extract_month" not in columns:
            raise ValueError(f"{model.path.name}: a partitioned model must output extract_month")
        _ensure_month_index(warehouse, conn, model, columns)
    return columns


def _write_model(
    warehouse: Warehouse,
    conn: Connection,
    model: SqlModel,
    extract_month: str | None,
    sql: str,
    columns: list[str],
) -> BuildResult:
    target = qualified(model.schema, model.name)
    col_list = ", ".join(quote_ident(c) for c in columns)
    insert = f"INSERT INTO {target} ({col_list}) SELECT {col_list} FROM ({sql}) AS model_output"
    if not model.partitioned:
        # Delete and insert rather than drop: views over the table survive on PostgreSQL.
        conn.execute(sa.text(f"DELETE FROM {target}"))
        rows = conn.execute(sa.text(insert)).rowcount
        return BuildResult(model.name, None, int(rows or 0))
    conn.execute(sa.text(f"DELETE FROM {target} WHERE extract_month = :m"), {"m": extract_month})
    result = conn.execute(sa.text(insert))
    return BuildResult(model.name, extract_month, int(result.rowcount or 0))


def _ensure_month_index(warehouse: Warehouse, conn: Connection, model: SqlModel, columns: list[str]) -> None:
    """PostgreSQL only: an index on (extract_month, la_code, child), or the part of it the model
    has. Without it, replacing a month scanned the whole table (work growing with every month
    stored), and an indicator's correlated EXISTS over a fact scanned the fact once per child:
    EDGE_OF_CARE_DIVERTED took 2.4 s for five councils and would take most of an hour for 150."""
    if warehouse.dialect != "postgresql":
        return
    key = [c for c in ("extract_month", "la_code", "child") if c in columns]
    name = quote_ident(f"{model.name}_by_month")
    conn.execute(
        sa.text(
            f"CREATE INDEX IF NOT EXISTS {name} ON {qualified(model.schema, model.name)} ({', '.join(key)})"
        )
    )


def refresh_statistics(warehouse: Warehouse, conn: Connection, tables: Iterable[tuple[str, str]]) -> None:
    """PostgreSQL only: ANALYZE tables just written, so the next model's plan sees their rows.

    Fresh rows have no planner statistics until autovacuum gets round to them (a minute or more);
    without them PostgreSQL chose nested loops that took fct_child_month from half a second to a
    minute for ten councils. DuckDB keeps its statistics as it writes."""
    if warehouse.dialect != "postgresql":
        return
    for schema, table in tables:
        conn.execute(sa.text(f"ANALYZE {qualified(schema, table)}"))


def refresh_source_statistics(warehouse: Warehouse, models: Iterable[SqlModel]) -> None:
    """ANALYZE (PostgreSQL only) every existing table the models read from outside the SQL
    models (staging tables landed by Python, reference data), once before they are built."""
    analyse_tables(warehouse, {source for model in models for source in model.sources})


def analyse_tables(warehouse: Warehouse, tables: Iterable[tuple[str, str]]) -> None:
    """ANALYZE (PostgreSQL only) those of the tables that exist, in one transaction."""
    if warehouse.dialect != "postgresql":
        return
    with warehouse.transaction() as conn:
        present = [table for table in sorted(set(tables)) if warehouse.table_exists(conn, *table)]
        refresh_statistics(warehouse, conn, present)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comment(conn: Connection, model: SqlModel, kind: str) -> None:
    """The model header's descriptions as table and column comments, so BI tools connected to
    PostgreSQL (or DuckDB) show the data dictionary beside the data."""
    target = qualified(model.schema, model.name)
    if model.description:
        conn.execute(sa.text(f"COMMENT ON {kind} {target} IS {_literal(model.description)}"))
    for column, text in model.columns.items():
        conn.execute(sa.text(f"COMMENT ON COLUMN {target}.{quote_ident(column)} IS {_literal(text)}"))


def check_model(warehouse: Warehouse, model: SqlModel, extract_month: str | None) -> dict[str, int]:
    """Counts of rows breaking the model's declared tests (unique key, not-null columns)."""
    return check_model_months(warehouse, model, [extract_month])


def check_model_months(warehouse: Warehouse, model: SqlModel, months: Sequence[str | None]) -> dict[str, int]:
    """`check_model` for several months at once (a key must be unique within each month). A view
    over every month (a staging model) is tested on the months asked for, as a table would be; an
    unpartitioned view is not tested."""
    if model.is_plain_view:
        return {}
    target = qualified(model.schema, model.name)
    chosen = [m for m in months if m is not None] if model.partitioned else []
    where = f"WHERE extract_month IN ({', '.join(f':m{i}' for i in range(len(chosen)))})" if chosen else ""
    params = {f"m{i}": month for i, month in enumerate(chosen)}
    failures: dict[str, int] = {}
    with warehouse.engine.connect() as conn:
        if model.unique_key:
            keys = ", ".join(quote_ident(k) for k in model.unique_key)
            by = f"extract_month, {keys}" if chosen and "extract_month" not in model.unique_key else keys
            failures["unique_key"] = int(
                conn.execute(
                    sa.text(
                        f"SELECT COUNT(*) FROM (SELECT {by} FROM {target} {where} "
                        f"GROUP BY {by} HAVING COUNT(*) > 1) AS duplicates"
                    ),
                    params,
                ).scalar_one()
            )
        for column in model.not_null:
            clause = f"{where} AND" if where else "WHERE"
            failures[f"not_null:{column}"] = int(
                conn.execute(
                    sa.text(f"SELECT COUNT(*) FROM {target} {clause} {quote_ident(column)} IS NULL"), params
                ).scalar_one()
            )
    return failures
