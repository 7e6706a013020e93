"""The new-extract sensor: starts a month's run when a council's complete month folder appears."""

import hashlib
import json

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from cp_pipeline.extracts.landing import council_months
from cp_pipeline.orchestration.jobs import JOB_NAME
from cp_pipeline.orchestration.partitions import first_extract_month, monthly_partitions
from cp_pipeline.settings import Settings


def folder_signature(folder) -> str:
    """Names, sizes and modification times of a folder's files: changes while files are copied in."""
    entries = sorted(
        (p.name, p.stat().st_size, int(p.stat().st_mtime))
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".")
    )
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16] if entries else ""


@sensor(
    job_name=JOB_NAME,
    minimum_interval_seconds=300,
    default_status=DefaultSensorStatus.RUNNING,
    description="Starts the month's run when a council's <LA_CODE>/<YYYY-MM> folder is new or changed "
    "and has stopped changing (same files, sizes and times on two evaluations in a row). Folders present "
    "when the sensor first runs are taken as already processed: backfill those with `cp-pipeline run`.",
)
def new_extract_sensor(context: SensorEvaluationContext):
    settings = Settings.from_env()
    known = set(monthly_partitions(first_extract_month(settings)).get_partition_keys())
    current = {
        f"{la_code}/{month}": folder_signature(settings.extracts_dir / la_code / month)
        for la_code, months in council_months(settings.extracts_dir).items()
        for month in months
    }
    if not context.cursor:
        context.update_cursor(json.dumps({"seen": current, "done": current}, sort_keys=True))
        return SkipReason(f"first look: {len(current)} existing folders taken as the baseline")
    state = json.loads(context.cursor)
    seen, done = state["seen"], state["done"]
    requests = []
    for key, signature in sorted(current.items()):
        la_code, month = key.split("/")
        settled = signature and seen.get(key) == signature
        if settled and done.get(key) != signature and month in known:
            requests.append(
                RunRequest(
                    run_key=f"{key}:{signature}",
                    partition_key=month,
                    tags={
                        "cp_pipeline/month": month,
                        "cp_pipeline/la_code": la_code,
                        "cp_pipeline/trigger": "new_extract",
                    },
                )
            )
            done[key] = signature
    context.update_cursor(json.dumps({"seen": current, "done": done}, sort_keys=True))
    return requests or SkipReason("no new, settled extract folder")
