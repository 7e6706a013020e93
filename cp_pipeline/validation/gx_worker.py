"""Great Expectations batch validation in helper processes, started when a run starts.

Importing Great Expectations costs about two seconds of CPU, and each council-month's batch
suites and Data Docs another second or so of pure Python. A run needs none of it until its
extracts are landed, so the run starts a helper process at once: it imports GX on the machine's
other core while the main process lands the files, then validates the council-months it is
sent (staged frames in; result rows and the Data Docs path out) while the main process runs the
DfE rules and stores results. With many councils (a regional or national run) a second helper
starts on demand, up to one per core.

The helpers never open the warehouse (DuckDB allows one writing process; the main process owns
it), write only the Data Docs site they are given (counts only, never row values) and log nothing
about children. Without a helper (`GxWorker` unused, tests, `run_directly`) the same functions run
in the calling process.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cp_pipeline.warehouse.engine import Warehouse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchOutcome:
    """A council-month's GX batch results, and its Data Docs index page when one was built."""

    results: pd.DataFrame
    data_docs: Path | None


def validate_batch(
    tables: Mapping[str, pd.DataFrame],
    la_code: str,
    extract_month: str,
    previous_counts: Mapping[str, int],
    data_docs_dir: Path | None,
) -> BatchOutcome:
    """The batch suites of one council-month, with Data Docs in `data_docs_dir` when given
    (validated once either way). Runs in a helper process or in the caller's."""
    from cp_pipeline.validation.expectations import build_data_docs, validate_staged_batch

    if data_docs_dir is None:
        return BatchOutcome(validate_staged_batch(tables, la_code, extract_month, previous_counts), None)
    docs = build_data_docs(Path(data_docs_dir) / la_code, tables, la_code, extract_month, previous_counts)
    return BatchOutcome(docs.results, docs.index)


def _warehouse_suite(
    warehouse_url: str | None, extract_month: str, slices: Mapping[str, pd.DataFrame] | None
) -> pd.DataFrame:
    """The warehouse suite for a month: on the warehouse itself (PostgreSQL), or on the month's
    slices when the warehouse is a DuckDB file the run holds open."""
    from cp_pipeline.validation.expectations import validate_warehouse, validate_warehouse_slices

    if slices is not None:
        return validate_warehouse_slices(slices, extract_month)
    return validate_warehouse(str(warehouse_url), extract_month)


def _import_great_expectations() -> None:
    # When the run closes the pool, a helper leaves without tearing down GX's thousands of
    # objects one by one (half a second the run would wait for): its work is already returned,
    # its files closed.
    atexit.register(_leave_now)

    import great_expectations  # noqa: F401 - the point is to pay for the import now

    import cp_pipeline.validation.expectations  # noqa: F401

    # The run's last step draws the board report here too (the workbook through openpyxl):
    # import that while the run lands files.
    from cp_pipeline.long_lived import freeze_long_lived
    from cp_pipeline.reporting.report import warm_up

    warm_up()
    freeze_long_lived()  # GX's modules stay for the helper's life: no collection walks them


def _leave_now() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _ready() -> bool:
    return True


class HelperCall:
    """A call sent to a helper process. Should the helpers break (one died, e.g. out of memory),
    `result()` makes the same call in this process instead, with a warning."""

    def __init__(self, pool: ProcessPoolExecutor, function: Callable, args: tuple):
        self._function, self._args = function, args
        try:
            self._future: Future | None = pool.submit(function, *args)
        except BrokenProcessPool:
            self._future = None

    def done(self) -> bool:
        """Whether `result()` would return (or fall back) without waiting for the helper."""
        return self._future is None or self._future.done()

    def result(self) -> Any:
        if self._future is not None:
            try:
                return self._future.result()
            except BrokenProcessPool:
                pass
        log.warning("a helper process failed; running %s in this process", self._function.__name__)
        return self._function(*self._args)


class GxWorker:
    """A pool of helper processes for GX batch validation (see the module docstring).

    `submit` returns a HelperCall of a BatchOutcome; `in_flight` is how many council-months may be
    submitted before their results are waited for (bounded, since each holds its staged frames).
    """

    def __init__(self, processes: int | None = None):
        self.processes = processes or max(1, min(2, os.cpu_count() or 1))
        # spawn, not fork: the parent holds DuckDB and SQLite handles and threads.
        self._pool = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_import_great_expectations,
        )
        self._started = self._pool.submit(_ready)  # start the first helper (and its import) now

    def ready(self) -> bool:
        """Whether the first helper has started (imported GX) and takes work without delay."""
        return self._started.done()

    @property
    def in_flight(self) -> int:
        return self.processes

    def submit(
        self,
        tables: Mapping[str, pd.DataFrame],
        la_code: str,
        extract_month: str,
        previous_counts: Mapping[str, int],
        data_docs_dir: Path | None,
    ) -> HelperCall:
        from cp_pipeline.validation.expectations import batch_input

        sent = {name: batch_input(name, frame) for name, frame in tables.items()}
        return self.call(validate_batch, sent, la_code, extract_month, dict(previous_counts), data_docs_dir)

    def warehouse_suite(self, warehouse: Warehouse, extract_month: str) -> HelperCall:
        """The warehouse suite for a month, sent to a helper (see `_warehouse_suite`): the call's
        `result()` is the results frame."""
        from cp_pipeline.validation.expectations import warehouse_slices

        if warehouse.dialect == "duckdb":  # the run holds the file: send the month's slices
            url, slices = None, warehouse_slices(warehouse, extract_month)
        else:
            url, slices = warehouse.url, None
        return self.call(_warehouse_suite, url, extract_month, slices)

    def call(self, function: Callable, *args: Any) -> HelperCall:
        """Run a picklable function in a helper (the board report is drawn this way)."""
        return HelperCall(self._pool, function, args)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
