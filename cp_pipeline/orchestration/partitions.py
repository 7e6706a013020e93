"""The monthly partitions every asset shares: one partition per extract month ('YYYY-MM')."""

from __future__ import annotations

from dagster import BackfillPolicy, Backoff, MonthlyPartitionsDefinition, RetryPolicy

from cp_pipeline.extracts.landing import council_months
from cp_pipeline.settings import Settings

# Used when no extract has arrived yet, so the UI still loads on an empty machine.
DEFAULT_FIRST_MONTH = "2024-11"


def first_extract_month(settings: Settings | None = None) -> str:
    """The earliest month any council has sent, from the extracts folder."""
    settings = settings or Settings.from_env()
    months = [m for ms in council_months(settings.extracts_dir).values() for m in ms]
    return min(months) if months else DEFAULT_FIRST_MONTH


def monthly_partitions(first_month: str | None = None) -> MonthlyPartitionsDefinition:
    return MonthlyPartitionsDefinition(start_date=first_month or first_extract_month(), fmt="%Y-%m")


# A range of months is one run with one process, not one run per month.
SINGLE_RUN = BackfillPolicy.single_run()

# A step that fails (typically a PostgreSQL connection lost mid-write) is retried after 10 s,
# then 20 s. Every write is one transaction per month, so a retry starts from a clean state.
RETRY = RetryPolicy(max_retries=2, delay=10, backoff=Backoff.EXPONENTIAL)
