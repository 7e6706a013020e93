"""The monthly schedule and the new-extract sensor request the right partitions."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

from dagster import DagsterInstance, RunRequest, SkipReason, build_schedule_context, build_sensor_context

from cp_pipeline.orchestration.definitions import build_definitions
from cp_pipeline.orchestration.schedules import monthly_scorecard_schedule, nth_working_day
from cp_pipeline.orchestration.sensors import new_extract_sensor
from cp_pipeline.settings import Settings


def _schedule_at(day: dt.date):
    context = build_schedule_context(
        scheduled_execution_time=dt.datetime(day.year, day.month, day.day, 7, tzinfo=dt.UTC)
    )
    return monthly_scorecard_schedule(context)


def test_third_working_day_skips_the_new_year_bank_holiday_and_weekend():
    # 1 Jan 2027 is a Friday and a bank holiday: working days are Mon 4, Tue 5, Wed 6.
    assert nth_working_day(2027, 1, 3) == dt.date(2027, 1, 6)
    # May 2026: Fri 1, Mon 4 is the Early May bank holiday, Tue 5.
    assert nth_working_day(2026, 5, 3) == dt.date(2026, 5, 6)


def test_the_schedule_runs_the_month_just_ended_on_the_third_working_day():
    request = _schedule_at(dt.date(2027, 1, 6))
    assert isinstance(request, RunRequest)
    assert request.partition_key == "2026-12"
    assert request.tags["cp_pipeline/month"] == "2026-12"


def test_the_schedule_skips_other_days():
    assert isinstance(_schedule_at(dt.date(2027, 1, 5)), SkipReason)
    assert isinstance(_schedule_at(dt.date(2027, 1, 7)), SkipReason)


def _sensor_tick(cursor: str | None):
    with DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(instance=instance, cursor=cursor)
        result = new_extract_sensor(context)
        return result, context.cursor


def _month_folder(root, la_code: str, month: str, body: str = "CHILD,SEX,DOB\n1,M,01/01/2015\n"):
    folder = root / la_code / month
    folder.mkdir(parents=True)
    (folder / "header.csv").write_text(body)
    return folder


def test_the_sensor_requests_a_new_month_once_its_folder_has_settled(tmp_path, monkeypatch):
    extracts = tmp_path / "extracts"
    _month_folder(extracts, "E06000002", "2025-01")
    monkeypatch.setenv("CP_EXTRACTS_DIR", str(extracts))

    first, cursor = _sensor_tick(None)
    assert isinstance(first, SkipReason)  # folders already there are the baseline

    _month_folder(extracts, "E06000002", "2025-02")
    second, cursor = _sensor_tick(cursor)
    assert isinstance(second, SkipReason)  # new, but not yet seen twice unchanged

    third, cursor = _sensor_tick(cursor)
    assert [r.partition_key for r in third] == ["2025-02"]
    assert third[0].tags["cp_pipeline/la_code"] == "E06000002"

    fourth, cursor = _sensor_tick(cursor)
    assert isinstance(fourth, SkipReason)  # requested once only

    time.sleep(1.1)  # a changed file (new mtime and size) is a new extract for that month
    (extracts / "E06000002" / "2025-02" / "header.csv").write_text(
        "CHILD,SEX,DOB\n1,M,01/01/2015\n2,F,02/02/2016\n"
    )
    fifth, cursor = _sensor_tick(cursor)
    assert isinstance(fifth, SkipReason)
    sixth, cursor = _sensor_tick(cursor)
    assert [r.partition_key for r in sixth] == ["2025-02"]
    assert json.loads(cursor)["done"]["E06000002/2025-02"]


def test_partitions_start_at_the_first_extract_month(tmp_path):
    _month_folder(tmp_path, "E06000002", "2023-07")
    settings = Settings(extracts_dir=tmp_path, reference_dir=tmp_path, warehouse_url="duckdb:///:memory:")
    job = build_definitions(settings).resolve_job_def("monthly_scorecard")
    keys = job.partitions_def.get_partition_keys()
    assert keys[0] == "2023-07"
    assert "2024-01" in keys
    assert os.environ.get("CP_EXTRACTS_DIR") != str(tmp_path)


def test_a_council_is_late_once_the_second_working_day_has_passed():
    from cp_pipeline.orchestration.freshness import expected_month, late_councils

    # October 2026's extract is due by the end of Tue 3 Nov (working days: Mon 2, Tue 3).
    assert expected_month(dt.date(2026, 11, 3)) == "2026-09"
    assert expected_month(dt.date(2026, 11, 4)) == "2026-10"
    latest = {"E06000002": "2026-10", "E06000003": "2026-09"}
    assert late_councils(latest, dt.date(2026, 11, 3)) == {}
    assert late_councils(latest, dt.date(2026, 11, 4)) == {"E06000003": "2026-09"}


def test_the_freshness_check_is_part_of_the_definitions(tmp_path):
    _month_folder(tmp_path, "E06000002", "2024-01")
    settings = Settings(extracts_dir=tmp_path, reference_dir=tmp_path, warehouse_url="duckdb:///:memory:")
    defs = build_definitions(settings)
    result = defs.resolve_job_def("check_extract_freshness").execute_in_process()
    checks = result.get_asset_check_evaluations()
    assert len(checks) == 1 and not checks[0].passed
    assert checks[0].metadata["late_councils"].value == {"E06000002": "2024-01"}
