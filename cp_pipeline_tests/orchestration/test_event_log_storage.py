"""The instance's event log (cp_pipeline/orchestration/storage.py): Dagster's SQLite storage with
one engine per file and one transaction per batch. It must store exactly what Dagster's own
class stores, in files Dagster's own class reads, and write a batch all or nothing."""

from collections import Counter
from pathlib import Path

import pytest
from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    EventRecordsFilter,
    MonthlyPartitionsDefinition,
    asset,
    asset_check,
    define_asset_job,
)
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from cp_pipeline.orchestration.storage import BatchingSqliteEventLogStorage
from cp_pipeline_tests.fixtures.dagster_home import dagster_home

MONTHS = MonthlyPartitionsDefinition(start_date="2026-01", end_date="2026-07", fmt="%Y-%m")


@asset(partitions_def=MONTHS)
def landed(context: AssetExecutionContext) -> None:
    context.log.info("landed %s", context.partition_key_range)


@asset(partitions_def=MONTHS, deps=[landed])
def modelled() -> None:
    return None


@asset_check(asset=modelled)
def modelled_has_rows() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


JOB = define_asset_job("months", partitions_def=MONTHS)
DEFS = Definitions(assets=[landed, modelled], asset_checks=[modelled_has_rows], jobs=[JOB])


def _instance(home: Path, batching: bool, monkeypatch) -> DagsterInstance:
    dagster_home(home)
    if not batching:  # the same instance with Dagster's own event log class
        text = (home / "dagster.yaml").read_text()
        (home / "dagster.yaml").write_text(text.split("event_log_storage:")[0])
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return DagsterInstance.get()


def _run_range(instance: DagsterInstance, first: str, last: str) -> str:
    # Unlike a single-run backfill, one partition key at a time would bypass batching.
    result = DEFS.resolve_job_def("months").execute_in_process(
        instance=instance,
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
    )
    assert result.success
    return result.run_id


def _event_types(instance: DagsterInstance, run_id: str) -> Counter:
    return Counter(e.dagster_event.event_type_value for e in instance.all_logs(run_id) if e.dagster_event)


def test_dagster_yaml_selects_the_batching_storage_in_the_instance_folder(tmp_path, monkeypatch):
    instance = _instance(tmp_path / "home", batching=True, monkeypatch=monkeypatch)
    storage = instance.event_log_storage
    assert isinstance(storage, BatchingSqliteEventLogStorage)
    assert Path(storage._base_dir) == tmp_path / "home" / "history" / "runs"


def test_its_connections_commit_without_an_fsync_each_and_stay_in_wal_mode(tmp_path, monkeypatch):
    instance = _instance(tmp_path / "home", batching=True, monkeypatch=monkeypatch)
    run_id = _run_range(instance, "2026-01", "2026-01")
    storage = instance.event_log_storage
    for connect in (storage.index_connection, lambda: storage.run_connection(run_id)):
        with connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL; FULL is 2
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_run_stores_what_dagsters_own_storage_stores_and_dagster_reads_it_back(tmp_path, monkeypatch):
    batches = []
    store_batch = BatchingSqliteEventLogStorage.store_event_batch

    def spy(self, events):
        batches.append(len(events))
        return store_batch(self, events)

    monkeypatch.setattr(BatchingSqliteEventLogStorage, "store_event_batch", spy)
    ours = _instance(tmp_path / "ours", batching=True, monkeypatch=monkeypatch)
    ours_run = _run_range(ours, "2026-01", "2026-06")
    # Dagster handed over batches: the run's planned events at once, and each asset's six months.
    assert max(batches) >= 12 and batches.count(6) >= 2
    ours_events = _event_types(ours, ours_run)

    theirs = _instance(tmp_path / "theirs", batching=False, monkeypatch=monkeypatch)
    assert type(theirs.event_log_storage) is SqliteEventLogStorage
    theirs_events = _event_types(theirs, _run_range(theirs, "2026-01", "2026-06"))

    assert ours_events == theirs_events
    assert ours_events["ASSET_MATERIALIZATION"] == 12  # two assets, six months
    # Dagster's own class, opened on the instance our class wrote, sees the same run and assets.
    reread = SqliteEventLogStorage(str(tmp_path / "ours" / "history" / "runs"))
    assert (
        Counter(
            e.dagster_event.event_type_value for e in reread.get_logs_for_run(ours_run) if e.dagster_event
        )
        == ours_events
    )
    for key in (landed.key, modelled.key):
        records = reread.get_event_records(
            EventRecordsFilter(event_type=DagsterEventType.ASSET_MATERIALIZATION, asset_key=key)
        )
        assert sorted(r.partition_key for r in records) == [f"2026-0{m}" for m in range(1, 7)]
    materialized = reread.get_materialized_partitions(modelled.key)
    assert materialized == {f"2026-0{m}" for m in range(1, 7)}


def test_a_batch_that_fails_part_way_stores_none_of_it(tmp_path, monkeypatch):
    instance = _instance(tmp_path / "home", batching=True, monkeypatch=monkeypatch)
    run_id = _run_range(instance, "2026-01", "2026-02")
    storage = instance.event_log_storage
    events = [
        e for e in instance.all_logs(run_id) if e.dagster_event and e.dagster_event.is_step_materialization
    ]
    assert len(events) == 4
    before = len(instance.all_logs(run_id))

    calls = []
    original = storage._store_asset_event

    def fail_on_third(conn, event, event_id):
        calls.append(event_id)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(conn, event, event_id)

    monkeypatch.setattr(storage, "_store_asset_event", fail_on_third)
    with pytest.raises(RuntimeError, match="disk full"):
        storage.store_event_batch(events)
    assert len(instance.all_logs(run_id)) == before  # the first two were rolled back with it

    monkeypatch.setattr(storage, "_store_asset_event", original)
    storage.store_event_batch(events)
    assert len(instance.all_logs(run_id)) == before + 4
