"""`cp-pipeline create-roles` is the documented command that sets up the PostgreSQL roles."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cp_pipeline.cli import app


@pytest.mark.postgres
def test_the_command_creates_both_roles_and_never_prints_the_password(
    postgres_server, postgres_url, monkeypatch
):
    monkeypatch.setenv("CP_PIPELINE_ROLE_PASSWORD", "pipeline-secret-value-1234567890")
    monkeypatch.setenv("CP_BI_ROLE_PASSWORD", "bi-secret-value-1234567890")
    result = CliRunner().invoke(
        app,
        ["create-roles", "--pipeline-role", "cp_cmd_pipeline", "--bi-role", "cp_cmd_bi"],
        env={"CP_ADMIN_URL": postgres_url},
    )
    assert result.exit_code == 0, result.output
    assert "secret-value" not in result.output
    roles = postgres_server.psql("SELECT rolname FROM pg_roles WHERE rolname LIKE 'cp_cmd_%' ORDER BY 1")
    assert roles.split() == ["cp_cmd_bi", "cp_cmd_pipeline"]
    assert "bi" in result.output and "mart" in result.output
