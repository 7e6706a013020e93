"""The Dagster Definitions object for cp_pipeline (`dagster dev -w workspace.yaml` loads it)."""

from cp_pipeline.orchestration.definitions import build_definitions

defs = build_definitions()
