"""A real `dagster dev` (webserver, daemon and code server) on a free local port, for tests that
drive the project the way an engineer does in the Dagster UI: through its GraphQL API."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import requests
from dagster_graphql import DagsterGraphQLClient

REPO_ROOT = Path(__file__).parents[2]
POLL_SECONDS = 1.0
TERMINAL_RUN_STATUSES = {"SUCCESS", "FAILURE", "CANCELED"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float, what: str, interval: float = POLL_SECONDS):
    """Poll until condition() returns something truthy; fail with `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def _restore_default_interrupt() -> None:
    # Runs in the child before exec. A shell's background job (CI, `make test &`) starts with
    # SIGINT ignored, and an ignored signal stays ignored across exec; `dagster dev` shuts its
    # webserver, daemon and code server down cleanly only when SIGINT reaches it as Ctrl-C does.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _live_processes_in_group(group: int) -> int:
    """How many processes of the group are still alive (zombies awaiting their reaper excluded)."""
    alive = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, process_group = fields[0], int(fields[2])
        alive += process_group == group and state != "Z"
    return alive


class DagsterUI:
    """`dagster dev -w workspace.yaml` in its own process group, with the GraphQL client for it."""

    def __init__(self, env: Mapping[str, str], log_path: Path):
        self.env = dict(env)
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.client = DagsterGraphQLClient("127.0.0.1", port_number=self.port, timeout=120)
        self._process: subprocess.Popen | None = None

    # ---- lifecycle ---------------------------------------------------------------------------

    def start(self, timeout: float = 120) -> None:
        dagster = Path(sys.executable).with_name("dagster")
        command = [str(dagster)] if dagster.exists() else [sys.executable, "-m", "dagster"]
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [*command, "dev", "-w", "workspace.yaml", "-p", str(self.port), "-h", "127.0.0.1"],
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() signals every process in it
                preexec_fn=_restore_default_interrupt,
            )
        wait_for(self._answers, timeout, f"the Dagster webserver to answer (log: {self.log_path})")

    def _answers(self) -> bool:
        if self._process is None or self._process.poll() is not None:
            raise RuntimeError(f"`dagster dev` exited before the webserver answered (log: {self.log_path})")
        try:
            return requests.get(f"{self.url}/server_info", timeout=5).ok
        except requests.RequestException:
            return False

    def stop(self) -> None:
        """Ctrl-C for the whole process group (webserver, daemon, code server, run workers), then
        SIGTERM and SIGKILL for whatever is still alive; returns only when none of them is."""
        if self._process is None:
            return
        group = self._process.pid  # start_new_session: the group id is the leader's process id
        for sig, grace in ((signal.SIGINT, 40), (signal.SIGTERM, 15), (signal.SIGKILL, 15)):
            if not _live_processes_in_group(group):
                break
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and _live_processes_in_group(group):
                self._process.poll()  # reap the leader as soon as it exits
                time.sleep(0.5)
        try:
            self._process.wait(timeout=10)
        finally:
            self._process = None
        if _live_processes_in_group(group):
            raise RuntimeError("processes of the `dagster dev` group survived SIGKILL")

    # ---- GraphQL ---------------------------------------------------------------------------

    def query(self, document: str, variables: Mapping[str, object] | None = None) -> dict:
        return self.client._execute(document, dict(variables or {}))

    def run(self, run_id: str) -> dict:
        return self.query(RUN, {"runId": run_id})["runOrError"]

    def run_status(self, run_id: str) -> str:
        return self.run(run_id)["status"]

    def wait_for_run(self, run_id: str, timeout: float) -> dict:
        return wait_for(
            lambda: (run := self.run(run_id))["status"] in TERMINAL_RUN_STATUSES and run,
            timeout,
            "a run to finish",
        )

    def step_failures(self, run_id: str) -> list[str]:
        events = self.query(RUN_EVENTS, {"runId": run_id})["runOrError"]["eventConnection"]["events"]
        return [
            f"{e['stepKey']}: {(e.get('error') or {}).get('message', e['message']).strip()[:500]}"
            for e in events
            if e.get("__typename") == "ExecutionStepFailureEvent"
        ]

    def unfinished_runs(self) -> list[dict]:
        return self.query(UNFINISHED_RUNS)["runsOrError"].get("results", [])

    def terminate_unfinished_runs(self, timeout: float) -> None:
        """Ask every queued or running run to stop, as the UI's Terminate does, and wait until none
        is left. A cancelled run is not retried. Dagster interrupts a run worker once; when that
        interrupt lands in a garbage-collector callback Python drops it and the run carries on to
        its end, so the wait allows a whole run."""

        def all_stopped() -> bool:
            runs = self.unfinished_runs()
            to_terminate = [r["runId"] for r in runs if r["status"] != "CANCELING"]
            if to_terminate:
                self.query(TERMINATE_RUNS, {"runIds": to_terminate})
            return not runs

        wait_for(all_stopped, timeout, "queued and running runs to stop", interval=2)


RUN = """
query Run($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { runId status startTime endTime tags { key value } }
    ... on PythonError { message }
  }
}
"""

RUN_EVENTS = """
query RunEvents($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run {
      eventConnection(limit: 5000) {
        events {
          __typename
          ... on MessageEvent { message }
          ... on ExecutionStepFailureEvent { stepKey error { message } }
        }
      }
    }
  }
}
"""

UNFINISHED_RUNS = """
{
  runsOrError(filter: {statuses: [QUEUED, NOT_STARTED, STARTING, STARTED, CANCELING]}) {
    ... on Runs { results { runId status } }
  }
}
"""

TERMINATE_RUNS = """
mutation Terminate($runIds: [String!]!) {
  terminateRuns(runIds: $runIds) { __typename }
}
"""
