"""The monthly schedule: on the third working day of each month, score the month just ended."""

import datetime as dt

import holidays
from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from cp_pipeline.orchestration.jobs import JOB_NAME

# CMS extracts are taken at (or just after) the month end; two working days give them time
# to arrive and the analysts time to check the files.
RUN_ON_WORKING_DAY = 3


def nth_working_day(year: int, month: int, n: int) -> dt.date:
    bank = holidays.country_holidays("GB", subdiv="ENG", years=[year])
    day = dt.date(year, month, 1)
    count = 0
    while True:
        if day.weekday() < 5 and day not in bank:
            count += 1
            if count == n:
                return day
        day += dt.timedelta(days=1)


def previous_month(day: dt.date) -> str:
    first = day.replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


@schedule(
    cron_schedule="0 7 1-10 * *",
    job_name=JOB_NAME,
    execution_timezone="Europe/London",
    default_status=DefaultScheduleStatus.RUNNING,
    description=f"At 07:00 on the {RUN_ON_WORKING_DAY}rd working day of each month (England & Wales), "
    "materialise the month just ended.",
)
def monthly_scorecard_schedule(context: ScheduleEvaluationContext):
    today = context.scheduled_execution_time.date()
    if today != nth_working_day(today.year, today.month, RUN_ON_WORKING_DAY):
        return SkipReason(f"{today} is not working day {RUN_ON_WORKING_DAY} of the month")
    month = previous_month(today)
    return RunRequest(
        run_key=f"scheduled-{month}",
        partition_key=month,
        tags={"cp_pipeline/month": month, "cp_pipeline/trigger": "schedule"},
    )
