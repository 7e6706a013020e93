"""Warehouses for the indicator tests: DuckDB by default; the representative tests also run on a
real PostgreSQL server (the `warehouse` pattern of cp_pipeline_tests/warehouse/conftest.py).

A module builds its hand-made extract once (module scope) and each test reads one indicator."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from cp_pipeline.warehouse.engine import Warehouse

ENGINES = ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _open(engine: str, request, folder) -> tuple[Warehouse, Callable[[], None]]:
    if engine == "duckdb":
        return Warehouse(f"duckdb:///{folder}/wh.duckdb"), lambda: None
    server = request.getfixturevalue("postgres_server")
    name = "cp_" + uuid.uuid4().hex[:12]
    server.psql(f"CREATE DATABASE {name}")
    return Warehouse(server.url(name)), lambda: server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=ENGINES)
def warehouse(request, tmp_path):
    """The same test on the embedded default and on a real PostgreSQL server."""
    wh, drop = _open(request.param, request, tmp_path)
    wh.ensure_schemas()
    yield wh
    wh.dispose()
    drop()


@pytest.fixture(scope="module", params=ENGINES)
def module_warehouse(request, tmp_path_factory):
    """One warehouse per test module and engine (DuckDB and PostgreSQL)."""
    wh, drop = _open(request.param, request, tmp_path_factory.mktemp("wh"))
    wh.ensure_schemas()
    yield wh
    wh.dispose()
    drop()


@pytest.fixture(scope="module")
def duckdb_module_warehouse(tmp_path_factory):
    """One DuckDB warehouse per test module."""
    wh = Warehouse(f"duckdb:///{tmp_path_factory.mktemp('wh')}/wh.duckdb")
    wh.ensure_schemas()
    yield wh
    wh.dispose()
