"""Dagster resources: where the extracts and reference data are, and the warehouse to write."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource
from pydantic import PrivateAttr

from cp_pipeline.settings import Settings
from cp_pipeline.validation.gx_worker import GxWorker
from cp_pipeline.warehouse.engine import Warehouse

_WAREHOUSES: dict[str, Warehouse] = {}


def _warehouse(url: str) -> Warehouse:
    # One engine per URL per process: DuckDB allows a single writing process, and
    # PostgreSQL connections are pooled across the run's steps.
    if url not in _WAREHOUSES:
        _WAREHOUSES[url] = Warehouse(url)
    return _WAREHOUSES[url]


def dispose_warehouses() -> None:
    """Close every engine this process opened (DuckDB then exits without complaint)."""
    for warehouse in _WAREHOUSES.values():
        warehouse.dispose()
    _WAREHOUSES.clear()


class WarehouseResource(ConfigurableResource):
    """The warehouse, as a SQLAlchemy URL (DuckDB file by default, PostgreSQL for BI)."""

    url: str

    def get(self) -> Warehouse:
        return _warehouse(self.url)

    def teardown_after_execution(self, context) -> None:
        # Close connections when the run ends, whether launched from the CLI or the UI.
        dispose_warehouses()


class ExtractsResource(ConfigurableResource):
    """The extracts folder (`<LA_CODE>/<YYYY-MM>/`), the reference data folder, where board reports
    go, and whether this run publishes (small-number suppression)."""

    extracts_dir: str
    reference_dir: str
    reports_dir: str = "data/reports"
    data_docs_dir: str = "data/dq/data_docs"
    publish: bool = False

    @property
    def extracts_path(self) -> Path:
        return Path(self.extracts_dir)

    @property
    def reference_path(self) -> Path:
        return Path(self.reference_dir)

    @property
    def reports_path(self) -> Path:
        return Path(self.reports_dir)

    @property
    def data_docs_path(self) -> Path:
        return Path(self.data_docs_dir)


class GxWorkerResource(ConfigurableResource):
    """Helper processes for Great Expectations (cp_pipeline.validation.gx_worker): started when
    a run starts, so that GX's slow import happens on another core while extracts are landed,
    and stopped when the run ends. `processes`: -1 one per core (at most two); 0 none (GX runs
    in the run's own process)."""

    processes: int = -1
    _worker: GxWorker | None = PrivateAttr(default=None)

    def setup_for_execution(self, context) -> None:
        if self.processes != 0:
            self._worker = GxWorker(None if self.processes < 0 else self.processes)

    def teardown_after_execution(self, context) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def get(self) -> GxWorker | None:
        return self._worker


def default_resources(settings: Settings | None = None) -> dict:
    settings = settings or Settings.from_env()
    return {
        "gx": GxWorkerResource(processes=-1 if settings.gx_processes is None else settings.gx_processes),
        "warehouse": WarehouseResource(url=settings.warehouse_url),
        "extracts": ExtractsResource(
            extracts_dir=str(settings.extracts_dir),
            reference_dir=str(settings.reference_dir),
            reports_dir=str(settings.reports_dir),
            data_docs_dir=str(settings.data_docs_dir),
            publish=settings.publish,
        ),
    }
