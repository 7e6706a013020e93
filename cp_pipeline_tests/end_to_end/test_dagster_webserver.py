"""The project as an engineer operates it in the Dagster UI: a real `dagster dev` on this workspace,
driven through the webserver's GraphQL API with the official client. A month launched from the UI
materialises with its checks passing, the schedule and sensor are on, and the run queue in
dagster.yaml lets one run write the warehouse at a time."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from cp_pipeline.orchestration.jobs import JOB_NAME, WRITES_WAREHOUSE
from cp_pipeline.synthetic.generate import generate
from cp_pipeline_tests.end_to_end.dagster_ui import TERMINAL_RUN_STATUSES, DagsterUI, wait_for
from cp_pipeline_tests.fixtures.dagster_home import dagster_home

MONTH = "2025-06"
RUN_TIMEOUT = 360
PARTITION_TAG = {"dagster/partition": MONTH}
SCHEDULE = "monthly_scorecard_schedule"
SENSOR = "new_extract_sensor"


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    root = tmp_path_factory.mktemp("dagster_ui")
    generate(root / "data", seed=3, las=1, months=2, end_month=MONTH)
    home = dagster_home(root / "dagster_home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CP_", "DAGSTER_"))}
    env.update(
        CP_EXTRACTS_DIR=str(root / "data" / "extracts"),
        CP_REFERENCE_DIR=str(root / "data" / "reference"),
        CP_WAREHOUSE_URL=f"duckdb:///{root}/cp.duckdb",
        CP_REPORTS_DIR=str(root / "reports"),
        CP_DATA_DOCS_DIR=str(root / "data_docs"),
        DAGSTER_HOME=str(home),
        PYTHONUNBUFFERED="1",
    )
    server = DagsterUI(env, log_path=root / "dagster_dev.log")
    try:
        server.start(timeout=120)
        wait_for(lambda: _location_entry(server)["loadStatus"] == "LOADED", 120, "the code location to load")
        wait_for(lambda: _daemons_healthy(server), 120, "the Dagster daemons to report healthy")
        yield server
        server.terminate_unfinished_runs(timeout=RUN_TIMEOUT)
    finally:
        server.stop()


def _location_entry(ui: DagsterUI) -> dict:
    workspace = ui.query(WORKSPACE)["workspaceOrError"]
    assert workspace["__typename"] == "Workspace", workspace.get("message")
    (entry,) = [e for e in workspace["locationEntries"] if e["name"] == "cp_pipeline"]
    return entry


def _daemons_healthy(ui: DagsterUI) -> bool:
    statuses = ui.query(DAEMONS)["instance"]["daemonHealth"]["allDaemonStatuses"]
    healthy = {s["daemonType"] for s in statuses if s["healthy"]}
    return {"QUEUED_RUN_COORDINATOR", "SCHEDULER", "SENSOR"} <= healthy


def _repository(ui: DagsterUI) -> dict:
    repositories = ui.query(REPOSITORIES)["repositoriesOrError"]["nodes"]
    (repository,) = [r for r in repositories if any(j["name"] == JOB_NAME for j in r["jobs"])]
    return repository


def _launch_month(ui: DagsterUI) -> str:
    """What the UI's Launchpad does for one partition of the job: a run tagged with the partition."""
    return ui.client.submit_job_execution(JOB_NAME, tags=PARTITION_TAG)


def _assert_succeeded(ui: DagsterUI, run: dict) -> None:
    assert run["status"] == "SUCCESS", f"run ended {run['status']}: " + "; ".join(
        ui.step_failures(run["runId"]) or [f"no step failed (see {ui.log_path})"]
    )


@pytest.fixture(scope="module")
def two_runs(ui):
    """The month launched from the UI twice, back to back: the second launch comes while the first
    run is writing. Records what the second run was doing at each poll while the first ran, lets
    the first finish, then cancels the second once the queue has let it start."""
    first = _launch_month(ui)
    wait_for(lambda: ui.run_status(first) == "STARTED", RUN_TIMEOUT, "the first run to start")
    second = _launch_month(ui)
    while_first_ran = []
    deadline = time.monotonic() + RUN_TIMEOUT
    while (first_status := ui.run_status(first)) not in TERMINAL_RUN_STATUSES:
        while_first_ran.append((first_status, ui.run_status(second)))
        assert time.monotonic() < deadline, f"the first run was still {first_status} after {RUN_TIMEOUT} s"
        time.sleep(1)
    first_run = ui.wait_for_run(first, RUN_TIMEOUT)
    wait_for(
        lambda: ui.run_status(second) in {"STARTED", *TERMINAL_RUN_STATUSES},
        RUN_TIMEOUT,
        "the queue to start the second run",
    )
    second_started = ui.run(second)
    # A second full run would only repeat the first: cancel it.
    ui.terminate_unfinished_runs(timeout=RUN_TIMEOUT)
    return first_run, second_started, while_first_ran


@pytest.fixture(scope="module")
def month_run(ui, two_runs):
    """The first of the two runs, which had the month to itself."""
    run = two_runs[0]
    _assert_succeeded(ui, run)
    return run


def test_the_code_location_loads_without_errors(ui):
    entry = _location_entry(ui)
    location = entry["locationOrLoadError"]
    assert location["__typename"] == "RepositoryLocation", location.get("message")
    job = [j for j in _repository(ui)["jobs"] if j["name"] == JOB_NAME][0]
    assert job["isJob"] and job["isAssetJob"]


def test_the_instance_queues_runs_with_the_projects_tag_limit(ui):
    config = ui.query(DAEMONS)["instance"]["runQueueConfig"]
    assert config is not None, "the instance has no run queue: was dagster.yaml copied into DAGSTER_HOME?"
    limits = config["tagConcurrencyLimitsYaml"] or ""
    ((key, value),) = WRITES_WAREHOUSE.items()
    assert key in limits and value in limits and "limit: 1" in limits


def test_the_schedule_and_sensor_are_on_by_default(ui):
    repository = _repository(ui)
    schedules = {s["name"]: s for s in repository["schedules"]}
    sensors = {s["name"]: s for s in repository["sensors"]}
    assert schedules[SCHEDULE]["pipelineName"] == JOB_NAME
    assert schedules[SCHEDULE]["scheduleState"]["status"] == "RUNNING"
    assert schedules[SCHEDULE]["executionTimezone"] == "Europe/London"
    assert sensors[SENSOR]["targets"][0]["pipelineName"] == JOB_NAME
    assert sensors[SENSOR]["sensorState"]["status"] == "RUNNING"


def test_the_schedule_scores_the_month_just_ended_on_the_third_working_day(ui):
    """The UI's "Test schedule": 3 July 2025 is the third working day of July (Tue 1, Wed 2, Thu 3)."""
    selector = {
        "repositoryLocationName": "cp_pipeline",
        "repositoryName": _repository(ui)["name"],
        "scheduleName": SCHEDULE,
    }
    london = ZoneInfo("Europe/London")

    def evaluate(day: dt.date) -> dict:
        moment = dt.datetime(day.year, day.month, day.day, 7, tzinfo=london).timestamp()
        result = ui.query(SCHEDULE_DRY_RUN, {"selector": selector, "timestamp": moment})["scheduleDryRun"]
        assert result["__typename"] == "DryRunInstigationTick", result.get("message")
        evaluation = result["evaluationResult"]
        assert evaluation["error"] is None, evaluation["error"]["message"]
        return evaluation

    third = evaluate(dt.date(2025, 7, 3))
    (request,) = third["runRequests"]
    assert request["runKey"] == f"scheduled-{MONTH}"
    assert {"key": "cp_pipeline/month", "value": MONTH} in request["tags"]
    second = evaluate(dt.date(2025, 7, 2))
    assert not second["runRequests"] and "working day" in second["skipReason"]


def test_the_sensor_evaluates_in_the_daemon_without_error(ui):
    """Its first tick takes the folders already there as the baseline, and so launches nothing."""
    selector = {"repositoryLocationName": "cp_pipeline", "repositoryName": _repository(ui)["name"]}

    def ticks() -> list[dict]:
        variables = {"selector": {**selector, "sensorName": SENSOR}}
        sensor = ui.query(SENSOR_TICKS, variables)["sensorOrError"]
        assert sensor["__typename"] == "Sensor", sensor.get("message")
        return sensor["sensorState"]["ticks"]

    evaluated = wait_for(ticks, 120, "the sensor's first tick")
    for tick in evaluated:
        assert tick["status"] == "SKIPPED", (tick["error"] or {}).get("message", tick["status"])
        assert not tick["runIds"]
    assert "baseline" in evaluated[-1]["skipReason"]  # newest first: the last is the first tick


def test_a_month_launched_from_the_ui_materialises_every_layer(ui, month_run):
    tags = {t["key"]: t["value"] for t in month_run["tags"]}
    assert tags["dagster/partition"] == MONTH
    assert WRITES_WAREHOUSE.items() <= tags.items()
    for key in (
        ["raw", "episodes"],
        ["staging", "episodes"],
        ["dq", "quarantine"],
        ["warehouse", "fct_episode"],
        ["mart", "scorecard_indicator"],
        ["reports", "board_scorecard"],
    ):
        variables = {"key": {"path": key}, "partitions": [MONTH]}
        asset = ui.query(ASSET_MATERIALISATIONS, variables)["assetOrError"]
        assert asset["__typename"] == "Asset", "/".join(key)
        runs = {(m["runId"], m["partition"]) for m in asset["assetMaterializations"]}
        assert (month_run["runId"], MONTH) in runs, f"{'/'.join(key)} was not materialised for {MONTH}"


@pytest.mark.parametrize(
    ("asset_key", "check_name"),
    [
        (["mart", "scorecard_indicator"], "one_row_per_council_month_code"),
        (["dq", "quarantine"], "rejected_rows_are_quarantined"),
        (["warehouse", "fct_episode"], "fct_episode_tests"),
    ],
)
def test_the_months_asset_checks_pass(ui, month_run, asset_key, check_name):
    executions = ui.query(CHECK_EXECUTIONS, {"key": {"path": asset_key}, "check": check_name})
    evaluated = [
        e
        for e in executions["assetCheckExecutions"]
        if e["runId"] == month_run["runId"] and e["evaluation"] is not None
    ]
    assert evaluated, f"{check_name} did not run"
    # The check specs carry no partitions_def, so Dagster 1.13 stores the result unpartitioned
    # (beside a planned, never-evaluated execution for the month): accept either.
    assert {e["partition"] for e in evaluated} <= {MONTH, None}
    assert [e["status"] for e in evaluated] == ["SUCCEEDED"] * len(evaluated)
    assert all(e["evaluation"]["success"] for e in evaluated)


def test_a_second_run_for_the_month_waits_in_the_queue_while_the_first_writes(ui, two_runs):
    first_run, second_run, while_first_ran = two_runs
    held = sum(first == "STARTED" for first, _ in while_first_ran)
    assert held >= 3, "the first run finished before the queue could be seen holding the second"
    seen = Counter(second for _, second in while_first_ran)
    assert set(seen) == {"QUEUED"}, f"while the first run wrote, the second was {dict(seen)}"
    assert WRITES_WAREHOUSE.items() <= {t["key"]: t["value"] for t in second_run["tags"]}.items()
    assert second_run["startTime"] is not None, (
        f"the second run ended {second_run['status']} without starting"
    )
    assert second_run["startTime"] >= first_run["endTime"]


WORKSPACE = """
{
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message } }
      }
    }
    ... on PythonError { message }
  }
}
"""

DAEMONS = """
{
  instance {
    daemonHealth { allDaemonStatuses { daemonType healthy } }
    runQueueConfig { maxConcurrentRuns tagConcurrencyLimitsYaml }
  }
}
"""

REPOSITORIES = """
{
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        name
        jobs { name isJob isAssetJob }
        schedules { name pipelineName executionTimezone scheduleState { status } }
        sensors { name targets { pipelineName } sensorState { status } }
      }
    }
  }
}
"""

SCHEDULE_DRY_RUN = """
mutation Test($selector: ScheduleSelector!, $timestamp: Float) {
  scheduleDryRun(selectorData: $selector, timestamp: $timestamp) {
    __typename
    ... on DryRunInstigationTick {
      evaluationResult {
        runRequests { runKey tags { key value } }
        skipReason
        error { message }
      }
    }
    ... on PythonError { message }
    ... on ScheduleNotFoundError { message }
  }
}
"""

SENSOR_TICKS = """
query Ticks($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { sensorState { ticks(limit: 20) { status skipReason runIds error { message } } } }
    ... on PythonError { message }
    ... on SensorNotFoundError { message }
  }
}
"""

ASSET_MATERIALISATIONS = """
query Materialisations($key: AssetKeyInput!, $partitions: [String!]) {
  assetOrError(assetKey: $key) {
    __typename
    ... on Asset { assetMaterializations(partitions: $partitions) { runId partition } }
  }
}
"""

CHECK_EXECUTIONS = """
query Checks($key: AssetKeyInput!, $check: String!) {
  assetCheckExecutions(assetKey: $key, checkName: $check, limit: 20) {
    runId
    status
    partition
    evaluation { success }
  }
}
"""
