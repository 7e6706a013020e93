"""Real `cp-pipeline run` processes killed with SIGKILL leave every table's month as it was or as a
finished run leaves it, never half written; re-running the month gives the uninterrupted warehouse.

Each test builds a reference warehouse A with one uninterrupted run of both months, and a warehouse B
holding the first month only ("before"). It then starts runs of the second month into B and kills
each one a random moment into a chosen Dagster step (seen as STEP_START on the run's log), checks
B partition by partition against "before" and A ("after"), and finally re-runs the month to the end
and compares B with A table by table. Set CP_CRASH_SEED to replay the kill moments of a failure.
The PostgreSQL test does the same, leaner: one month, killed once while landing.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cp_pipeline.synthetic.generate import generate
from cp_pipeline.warehouse.engine import Warehouse, qualified, quote_ident

FIRST, SECOND = "2025-05", "2025-06"
SCHEMAS = ("raw", "staging", "dq", "warehouse", "mart")
# Columns that record when something ran, not what the data says.
VOLATILE = {"loaded_at", "run_at"}
# The unit one transaction replaces: a council's month, and within the shared dq tables the
# writer's share of it (landing writes quarantine stage 'ingest', validation stage 'dfe_rules';
# validation writes the dfe_903 and batch suites, the scorecard step the warehouse suite).
PARTITION_COLUMNS = ("la_code", "extract_month", "stage", "suite")
# Where runs are killed: a Dagster step, and the share of that step's usual duration to wait
# after it starts (drawn at random in the range). Landing and validation write at the end of
# long steps; the SQL models step writes one model-month after another throughout, and the
# scorecard for most of a short one.
KILL_POINTS = (
    ("land_and_stage_extracts", 0.3, 0.9),
    ("dq__validation_result", 0.5, 1.0),
    ("sql_monthly_models", 0.0, 1.0),
    ("mart__scorecard_indicator", 0.1, 0.9),
)
RUN_TIMEOUT = 240

_STEP_EVENT = re.compile(
    r" - (STEP_START|STEP_SUCCESS|STEP_FAILURE) - .*?step \"([\w]+)\"(?: in ([\d.]+)(ms|s))?"
)

Snapshot = dict[str, dict[tuple, object]]


# ---- running and killing the command line --------------------------------------------------------


def _cp_pipeline() -> list[str]:
    script = Path(sys.executable).with_name("cp-pipeline")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from cp_pipeline.cli import main; main()"]


@dataclass
class PipelineRun:
    """One `cp-pipeline run` process in its own process group, its log read line by line."""

    process: subprocess.Popen
    started_at: float
    lines: list[tuple[float, str]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    ended: bool = False
    reader: threading.Thread | None = None

    @classmethod
    def start(cls, env: dict[str, str], cwd: Path, first: str, last: str) -> PipelineRun:
        started_at = time.monotonic()
        process = subprocess.Popen(
            # --verbose: the kill points are Dagster's step events, which the console shows only then
            [*_cp_pipeline(), "run", "--verbose", "--from", first, "--to", last],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        run = cls(process, started_at)
        run.reader = threading.Thread(target=run._read, daemon=True)
        run.reader.start()
        return run

    def _read(self) -> None:
        for line in self.process.stdout:
            with self.changed:
                self.lines.append((time.monotonic(), line))
                self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def events(self) -> list[tuple[float, str, str, float | None]]:
        """(seen at, event, step, seconds) for every step start, success and failure so far."""
        found = []
        for seen, line in list(self.lines):
            match = _STEP_EVENT.search(line)
            if match:
                event, step, amount, unit = match.groups()
                seconds = None if amount is None else float(amount) / (1000 if unit == "ms" else 1)
                found.append((seen, event, step, seconds))
        return found

    def wait_for_start(self, step: str, timeout: float = RUN_TIMEOUT) -> float:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for seen, event, name, _ in self.events():
                    if event == "STEP_START" and name == step:
                        return seen
                if self.ended or time.monotonic() > deadline:
                    break
                self.changed.wait(timeout=1.0)
        raise AssertionError(f"the run never started step {step}:\n{self.tail()}")

    def wait_while_running(self, step: str, until: float) -> None:
        """Wait until the monotonic time `until`, but no longer than `step` runs: a step may run
        faster than it did in the run the delay was measured on, and the kill must still land."""
        with self.changed:
            while time.monotonic() < until and not self.ended:
                if any(event != "STEP_START" and name == step for _, event, name, _ in self.events()):
                    return
                self.changed.wait(timeout=max(0.0, until - time.monotonic()))

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def finish(self) -> str:
        try:
            self.process.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the run took over {RUN_TIMEOUT}s:\n{self.tail()}") from None
        self.reader.join(timeout=30)
        assert self.process.returncode == 0, f"the run failed:\n{self.tail()}"
        return "".join(line for _, line in self.lines)

    def tail(self, lines: int = 5) -> str:
        """The reason the run gave for failing, if any, and its last lines."""
        text = [line for _, line in self.lines]
        reasons = [line for line in text if line.startswith("cp-pipeline:") or "STEP_FAILURE" in line]
        return "".join(reasons[:5] + ["...\n"] + text[-lines:])


def _environment(root: Path, url: str, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CP_") and k != "DAGSTER_HOME"}
    # No DAGSTER_HOME: each run keeps its Dagster history in memory, so a killed run leaves no
    # run record behind that would be taken for a live one.
    env.update(
        CP_EXTRACTS_DIR=str(root / "data" / "extracts"),
        CP_REFERENCE_DIR=str(root / "data" / "reference"),
        CP_WAREHOUSE_URL=url,
        CP_REPORTS_DIR=str(root / f"reports_{name}"),
        CP_DATA_DOCS_DIR=str(root / f"data_docs_{name}"),
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass(frozen=True)
class Timing:
    """How long an uninterrupted one-month run took to start and to run each step."""

    startup: float
    steps: dict[str, float]

    @classmethod
    def of(cls, run: PipelineRun) -> Timing:
        events = run.events()
        steps = {step: seconds for _, event, step, seconds in events if event == "STEP_SUCCESS" and seconds}
        return cls(events[0][0] - run.started_at, steps)


def _kill_during(env: dict[str, str], cwd: Path, step: str, share: float, timing: Timing) -> str:
    """Run the second month and SIGKILL its process group `share` of the way through `step`, as
    long as the step took in the first month's run, scaled by how much slower or faster this run
    started up (the machine may be busier now). Should the step end sooner, the kill comes as
    its end is logged, which is still a moment in the middle of a run. Says where the run died."""
    run = PipelineRun.start(env, cwd, SECOND, SECOND)
    started = run.wait_for_start(step)
    pace = (run.events()[0][0] - run.started_at) / timing.startup
    delay = share * timing.steps.get(step, 1.0) * pace
    run.wait_while_running(step, started + delay)
    waited = time.monotonic() - started
    if run.process.poll() is not None:
        raise AssertionError(f"the run ended before it could be killed in {step}:\n{run.tail()}")
    run.kill()
    running = {}
    for _, event, name, _ in run.events():
        if event == "STEP_START":
            running[name] = True
        else:
            running.pop(name, None)
    return f"killed {waited:.2f}s into {step}, while running {list(running) or 'no step'}"


# ---- what the warehouse holds ---------------------------------------------------------------------


FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL", "DOUBLE PRECISION"}


@dataclass(frozen=True)
class Unit:
    """One unit's rows, as a count and a fingerprint of the multiset of its normalised rows."""

    rows: int
    fingerprint: str

    def __str__(self) -> str:
        return f"{self.rows} rows ({self.fingerprint[:8]})"


def _row_text(warehouse: Warehouse, columns: list[tuple[str, str]]) -> str:
    """SQL for one row as text: volatile columns left out, floats rounded to 1e-6, NULL marked."""
    parts = []
    for name, data_type in columns:
        if name in VOLATILE:
            continue
        value = quote_ident(name)
        if data_type.upper() in FLOAT_TYPES:
            # + 0.0 turns the -0.0 that rounding a tiny negative number gives into 0.0.
            rounded = (
                f"ROUND({value}, 6)"
                if warehouse.dialect == "duckdb"
                else f"ROUND(CAST({value} AS NUMERIC), 6)"
            )
            value = f"({rounded} + 0.0)"
        parts.append(f"COALESCE(CAST({value} AS VARCHAR), '<null>')")
    return " || '|' || ".join(parts) or "''"


def snapshot(url: str) -> Snapshot:
    """Every table, split into the units one transaction replaces, each fingerprinted in SQL.
    Key ("columns",) holds the table's column list, so a table created, dropped or widened on its
    own shows too; a bi view holds whether it still answers a query."""
    warehouse = Warehouse(url)
    state: Snapshot = {}
    try:
        columns = warehouse.read_frame(
            "SELECT c.table_schema, c.table_name, c.column_name, c.data_type "
            "FROM information_schema.columns AS c JOIN information_schema.tables AS t "
            "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            f"WHERE t.table_type = 'BASE TABLE' AND c.table_schema IN {SCHEMAS} "
            "ORDER BY c.table_schema, c.table_name, c.ordinal_position"
        )
        for (schema, table), described in columns.groupby(["table_schema", "table_name"], sort=True):
            names = list(described["column_name"])
            keys = [c for c in PARTITION_COLUMNS if c in names] if "extract_month" in names else []
            row = f"md5({_row_text(warehouse, list(zip(names, described['data_type'], strict=True)))})"
            key_list = ", ".join(quote_ident(k) for k in keys)
            units = warehouse.read_frame(
                f"SELECT {key_list + ', ' if keys else ''}COUNT(*) AS n, "
                f"md5(string_agg(row_hash, ',' ORDER BY row_hash)) AS fingerprint "
                f"FROM (SELECT *, {row} AS row_hash FROM {qualified(schema, table)}) AS hashed"
                + (f" GROUP BY {key_list}" if keys else "")
            )
            parts: dict[tuple, object] = {("columns",): tuple(names)}
            for record in units.itertuples(index=False):
                values = tuple(record)
                key = tuple("<null>" if v is None or v != v else str(v) for v in values[: len(keys)])
                parts[key or ("whole table",)] = Unit(int(values[-2]), str(values[-1]))
            state[f"{schema}.{table}"] = parts
        views = warehouse.read_frame(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'VIEW' AND table_schema = 'bi'"
        )
        for schema, view in zip(views["table_schema"], views["table_name"], strict=True):
            # A view is as good as the query it answers: it must still run over the tables.
            try:
                warehouse.read_frame(f"SELECT COUNT(*) AS n FROM {qualified(schema, view)}")
                answer = "queryable"
            except Exception as error:  # noqa: BLE001 - reported as the view's state
                answer = f"broken: {type(error).__name__}"
            state[f"{schema}.{view}"] = {("view",): answer}
    finally:
        warehouse.dispose()
    return state


def _describe(part: object) -> str:
    return "absent" if part is None else str(part)


def half_written(state: Snapshot, before: Snapshot, after: Snapshot) -> list[str]:
    """Every unit that is neither as it was before the run nor as the finished run leaves it."""
    problems = []
    for table in sorted(set(state) | set(before) | set(after)):
        now, was, will = state.get(table, {}), before.get(table, {}), after.get(table, {})
        for key in sorted(set(now) | set(was) | set(will)):
            part = now.get(key)
            if part != was.get(key) and part != will.get(key):
                problems.append(
                    f"{table} {key}: {_describe(part)}, before {_describe(was.get(key))}, "
                    f"after {_describe(will.get(key))}"
                )
    return problems


def _landed_by(table: str, key: tuple) -> str | None:
    """The step whose one transaction writes this unit, for the steps that write several tables."""
    schema, name = table.split(".")
    if schema == "raw" or (schema == "staging" and not name.startswith(("stg_", "ref_"))):
        return "landing"
    if table in ("dq.file_manifest", "dq.extract_tables", "dq.landing_log"):
        return "landing"
    if table == "dq.quarantine":
        return {"ingest": "landing", "dfe_rules": "validation"}.get(key[-1])
    if table == "dq.validation_result" and key[-1] in ("dfe_903", "batch"):
        return "validation"
    return None


def torn_steps(state: Snapshot, before: Snapshot, after: Snapshot, month: str) -> list[str]:
    """Landing and validation each write a council's month to several tables in ONE transaction:
    after a kill, those tables must all be as before or all as after, never some of each."""
    seen: dict[str, dict[str, list[str]]] = {}
    for table in set(state) | set(before) | set(after):
        now, was, will = state.get(table, {}), before.get(table, {}), after.get(table, {})
        for key in set(now) | set(was) | set(will):
            step = _landed_by(table, key) if month in key else None
            if step is None or was.get(key) == will.get(key):
                continue
            side = (
                "before"
                if now.get(key) == was.get(key)
                else "after"
                if now.get(key) == will.get(key)
                else None
            )
            if side:
                seen.setdefault(step, {}).setdefault(side, []).append(f"{table} {key}")
    return [
        f"{step}: as before {sides['before'][:3]}..., as after {sides['after'][:3]}..."
        for step, sides in sorted(seen.items())
        if len(sides) == 2
    ]


def differences(state: Snapshot, expected: Snapshot) -> list[str]:
    problems = []
    for table in sorted(set(state) | set(expected)):
        now, want = state.get(table, {}), expected.get(table, {})
        for key in sorted(set(now) | set(want)):
            if now.get(key) != want.get(key):
                problems.append(
                    f"{table} {key}: {_describe(now.get(key))}, expected {_describe(want.get(key))}"
                )
    return problems


# ---- the scenario ---------------------------------------------------------------------------------


def _seed() -> int:
    return int(os.environ.get("CP_CRASH_SEED") or random.SystemRandom().randrange(1 << 30))


def _prepare(root: Path, url_a: str, url_b: str) -> tuple[dict[str, str], Snapshot, Snapshot, Timing]:
    """Generate two months; run both into A and the first into B, side by side."""
    generate(root / "data", seed=9, las=1, months=2, end_month=SECOND)
    env_b = _environment(root, url_b, "b")
    reference = PipelineRun.start(_environment(root, url_a, "a"), root, FIRST, SECOND)
    first_month = PipelineRun.start(env_b, root, FIRST, FIRST)
    reference.finish()
    first_month.finish()
    after, before = snapshot(url_a), snapshot(url_b)
    assert any(SECOND in key for key in after["mart.scorecard_indicator"])
    assert not any(SECOND in key for key in before["mart.scorecard_indicator"])
    # The first month's units must agree, or A would not be what B should become.
    for table, parts in before.items():
        for key, part in parts.items():
            if FIRST in key:
                assert part == after[table].get(key), f"{table} {key} differs between A and B"
    return env_b, before, after, Timing.of(first_month)


def _kill_and_check(
    env_b: dict[str, str],
    root: Path,
    url_b: str,
    kill_points: tuple[tuple[str, float, float], ...],
    before: Snapshot,
    after: Snapshot,
    timing: Timing,
    seed: int,
) -> None:
    """Kill a run of the second month at each point, checking B after each; then re-run it to the
    end and check that B is A."""
    rng = random.Random(seed)
    for step, low, high in kill_points:
        where = _kill_during(env_b, root, step, rng.uniform(low, high), timing)
        print(f"{where} (seed {seed})")  # kept by pytest, shown when the test fails
        state = snapshot(url_b)
        problems = half_written(state, before, after) + torn_steps(state, before, after, SECOND)
        assert not problems, f"{where} (seed {seed}): half-written units:\n" + "\n".join(problems[:20])
    PipelineRun.start(env_b, root, SECOND, SECOND).finish()
    problems = differences(snapshot(url_b), after)
    assert not problems, f"seed {seed}: after the re-run, B differs from A:\n" + "\n".join(problems[:20])


def test_a_run_killed_at_any_step_leaves_whole_months_and_a_rerun_repairs_it(tmp_path):
    url_a, url_b = f"duckdb:///{tmp_path}/a.duckdb", f"duckdb:///{tmp_path}/b.duckdb"
    env_b, before, after, timing = _prepare(tmp_path, url_a, url_b)
    _kill_and_check(env_b, tmp_path, url_b, KILL_POINTS, before, after, timing, _seed())


@pytest.mark.postgres
def test_a_first_landing_killed_on_postgresql_leaves_no_half_tables(tmp_path, postgres_server):
    # Lean on purpose: one month into an empty database, so "before" is no tables at all and the
    # kill tests that PostgreSQL creates the tables, COPYs the rows and commits as one.
    databases = [f"cp_crash_{name}_{os.getpid()}" for name in ("a", "b")]
    for database in databases:
        postgres_server.psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        postgres_server.psql(f"CREATE DATABASE {database}")
    try:
        url_a, url_b = (postgres_server.url(d) for d in databases)
        generate(tmp_path / "data", seed=9, las=1, months=1, end_month=SECOND)
        reference = PipelineRun.start(_environment(tmp_path, url_a, "a"), tmp_path, SECOND, SECOND)
        reference.finish()
        before, after = snapshot(url_b), snapshot(url_a)
        assert not before and any(SECOND in key for key in after["mart.scorecard_indicator"])
        env_b = _environment(tmp_path, url_b, "b")
        _kill_and_check(env_b, tmp_path, url_b, KILL_POINTS[:1], before, after, Timing.of(reference), _seed())
    finally:
        for database in databases:
            postgres_server.psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
