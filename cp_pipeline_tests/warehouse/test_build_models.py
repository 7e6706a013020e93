"""Models built side by side (`build_models`): a model starts only once the models it refers to
are built, independent ones overlap, results come back in the order asked for, and a failing
model stops the models that depend on it without losing the ones under way."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from cp_pipeline.warehouse import models as models_module
from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline.warehouse.models import build_models, load_models, parse_model

MONTHS = ["2026-01", "2026-02"]


def _models(tmp_path: Path, bodies: dict[str, str]) -> dict:
    found = {}
    for name, body in bodies.items():
        path = tmp_path / "warehouse" / f"{name}.sql"
        path.parent.mkdir(exist_ok=True)
        path.write_text(body, encoding="utf-8")
        found[name] = parse_model(path, "warehouse")
    return found


# a and b read the source only; c reads both; d reads c. So a and b may overlap, c waits for
# both, d for c.
BODIES = {
    "fct_a": "/*\nunique_key: [extract_month, child]\n*/\n"
    "SELECT extract_month, child, n FROM {{ source('staging', 'example') }} AS s",
    "fct_b": "SELECT extract_month, child, n * 10 AS n FROM {{ source('staging', 'example') }} AS s",
    "fct_c": "SELECT a.extract_month, a.child, a.n + b.n AS n FROM {{ ref('fct_a') }} AS a "
    "JOIN {{ ref('fct_b') }} AS b ON a.child = b.child",
    "fct_d": "SELECT extract_month, child, n + 1 AS n FROM {{ ref('fct_c') }} AS c",
}


@pytest.fixture
def warehouse(warehouse):
    """The conftest's warehouse (DuckDB, and a real PostgreSQL server), with a source table."""
    with warehouse.transaction() as conn:
        conn.execute(sa.text("CREATE TABLE staging.example (extract_month TEXT, child TEXT, n INTEGER)"))
        for month in MONTHS:
            for i in range(3):
                conn.execute(
                    sa.text("INSERT INTO staging.example VALUES (:m, :c, :n)"),
                    {"m": month, "c": f"c{i}", "n": i},
                )
    return warehouse


@pytest.fixture
def timed(monkeypatch):
    """Each build's start and end, with a pause inside so that overlaps show."""
    spans: dict[str, tuple[float, float]] = {}
    build = models_module.build_model_months

    def slow_build(warehouse, model, months, models=None):
        start = time.perf_counter()
        time.sleep(0.2)
        results = build(warehouse, model, months, models)
        spans[model.name] = (start, time.perf_counter())
        return results

    monkeypatch.setattr(models_module, "build_model_months", slow_build)
    return spans


def _table(wh: Warehouse, name: str) -> list[tuple]:
    with wh.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM warehouse.{name} ORDER BY 1, 2, 3"))]


def test_independent_models_overlap_and_dependents_wait(warehouse, tmp_path, timed):
    models = _models(tmp_path, BODIES)
    built = list(build_models(warehouse, list(models.values()), MONTHS, models, workers=2))

    assert [b.model.name for b in built] == list(BODIES)  # in the order asked for
    assert all(len(b.results) == len(MONTHS) for b in built)
    assert built[0].failures == {"unique_key": 0}
    (a0, a1), (b0, b1), (c0, c1), (d0, d1) = (timed[n] for n in BODIES)
    assert max(a0, b0) < min(a1, b1), "fct_a and fct_b were not built side by side"
    assert c0 >= max(a1, b1) and d0 >= c1, "a model started before a model it refers to was built"
    assert _table(warehouse, "fct_d") == [(m, f"c{i}", i + 10 * i + 1) for m in MONTHS for i in range(3)]


def test_side_by_side_gives_the_tables_one_at_a_time_gives(tmp_path):
    tables = {}
    for workers in (1, 2):
        folder = tmp_path / f"w{workers}"
        folder.mkdir()
        wh = Warehouse(f"duckdb:///{folder}/wh.duckdb")
        with wh.transaction() as conn:
            wh.ensure_schemas(conn)
            conn.execute(sa.text("CREATE TABLE staging.example AS SELECT * FROM (VALUES ('2026-01', 'c1', 1)) "
                                 "AS t(extract_month, child, n)"))  # fmt: skip
        models = _models(folder, BODIES)
        list(build_models(wh, list(models.values()), ["2026-01"], models, workers=workers))
        tables[workers] = {name: _table(wh, name) for name in BODIES}
        wh.dispose()
    assert tables[1] == tables[2]


def test_a_failing_model_stops_its_dependents_and_is_raised(warehouse, tmp_path, timed):
    bodies = dict(BODIES, fct_b="SELECT no_such_column FROM {{ source('staging', 'example') }} AS s")
    models = _models(tmp_path, bodies)
    with pytest.raises(sa.exc.DBAPIError, match="no_such_column"):
        list(build_models(warehouse, list(models.values()), MONTHS, models, workers=2))
    assert "fct_a" in timed, "the model under way beside the failing one was not finished"
    assert "fct_c" not in timed and "fct_d" not in timed
    assert len(_table(warehouse, "fct_a")) == 3 * len(MONTHS)  # committed whole


def test_a_model_before_one_it_refers_to_is_refused(warehouse, tmp_path):
    models = _models(tmp_path, BODIES)
    order = [models["fct_d"], models["fct_a"], models["fct_b"], models["fct_c"]]
    with pytest.raises(ValueError, match="fct_d comes before a model it refers to"):
        list(build_models(warehouse, order, MONTHS, models, workers=2))


def test_the_project_models_are_listed_in_an_order_build_models_accepts():
    """load_models gives the project's models in dependency order, which the run relies on."""
    models = load_models()
    seen: set[str] = set()
    for model in models.values():
        assert all(ref in seen for ref in model.refs), model.name
        seen.add(model.name)
