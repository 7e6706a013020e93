"""Extract freshness: flags a council whose monthly extract is late, checked every working morning."""

import datetime as dt

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetSelection,
    DefaultScheduleStatus,
    MetadataValue,
    ScheduleDefinition,
    asset_check,
    define_asset_job,
)

from cp_pipeline.extracts.landing import council_months
from cp_pipeline.orchestration.resources import ExtractsResource
from cp_pipeline.orchestration.schedules import nth_working_day, previous_month

# A month's extract is due by the end of the second working day of the next month, so the
# scheduled run on the third working day has it.
DUE_BY_WORKING_DAY = 2


def expected_month(today: dt.date) -> str:
    """The newest month every council should have sent by `today`."""
    due = nth_working_day(today.year, today.month, DUE_BY_WORKING_DAY)
    month = previous_month(today)
    if today <= due:
        first = dt.date.fromisoformat(month + "-01")
        month = previous_month(first)
    return month


def late_councils(latest_by_council: dict[str, str], today: dt.date) -> dict[str, str]:
    """Council -> newest month received, for every council behind the expected month."""
    expected = expected_month(today)
    return {la: latest for la, latest in sorted(latest_by_council.items()) if latest < expected}


@asset_check(
    asset=AssetKey(["dq", "file_manifest"]),
    name="extract_freshness",
    description="Every council has sent the extract for the month just ended by the second working day.",
)
def extract_freshness(extracts: ExtractsResource) -> AssetCheckResult:
    latest = {la: months[-1] for la, months in council_months(extracts.extracts_path).items()}
    today = dt.date.today()
    late = late_councils(latest, today)
    return AssetCheckResult(
        passed=not late,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "expected_month": expected_month(today),
            "councils": MetadataValue.int(len(latest)),
            "late_councils": MetadataValue.json(late),
        },
    )


freshness_job = define_asset_job(
    "check_extract_freshness",
    selection=AssetSelection.checks(extract_freshness),
    description="Is any council's monthly extract late?",
)

freshness_schedule = ScheduleDefinition(
    job=freshness_job,
    cron_schedule="0 9 * * 1-5",
    execution_timezone="Europe/London",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every weekday at 09:00, check that no council's extract is late.",
)
