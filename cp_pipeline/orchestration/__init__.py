"""Orchestration: Dagster assets, partitions, schedules, sensors and resources."""
