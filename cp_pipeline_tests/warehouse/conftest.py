import pytest

from cp_pipeline.warehouse.engine import Warehouse


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse(request, tmp_path):
    """The same test on the embedded default and on a real PostgreSQL server."""
    if request.param == "duckdb":
        wh = Warehouse(f"duckdb:///{tmp_path}/wh.duckdb")
    else:
        wh = Warehouse(request.getfixturevalue("postgres_url"))
    wh.ensure_schemas()
    yield wh
    wh.dispose()
