"""Least privilege on a real PostgreSQL server: the pipeline runs as a role that owns the
warehouse schemas; the BI role reads bi and mart, and is refused everything else.

The test server trusts local connections; for the roles under test the test puts a
scram-sha-256 line first in pg_hba.conf, so their passwords are really checked.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cp_pipeline.orchestration.runs import run_months
from cp_pipeline.settings import Secret, Settings
from cp_pipeline.synthetic.generate import generate
from cp_pipeline.warehouse.roles import (
    BI_SCHEMAS,
    RESTRICTED_SCHEMAS,
    apply_roles,
    role_statements,
    scram_verifier,
)

pytestmark = pytest.mark.postgres
MONTH = "2025-06"


@dataclass
class Roles:
    database: str
    pipeline: str
    bi: str
    pipeline_password: str
    bi_password: str


@pytest.fixture
def roles(postgres_server, postgres_url, monkeypatch) -> Iterator[Roles]:
    suffix = uuid.uuid4().hex[:8]
    found = Roles(
        database=make_url(postgres_url).database,
        pipeline=f"cp_pipeline_{suffix}",
        bi=f"cp_bi_{suffix}",
        pipeline_password=secrets.token_urlsafe(24),
        bi_password=secrets.token_urlsafe(24),
    )
    hba = Path(postgres_server.datadir) / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(f"host all {found.pipeline},{found.bi} 127.0.0.1/32 scram-sha-256\n" + original)
    postgres_server.psql("SELECT pg_reload_conf()")
    monkeypatch.setenv("CP_PIPELINE_ROLE_PASSWORD", found.pipeline_password)
    monkeypatch.setenv("CP_BI_ROLE_PASSWORD", found.bi_password)
    try:
        yield found
    finally:
        hba.write_text(original)
        postgres_server.psql("SELECT pg_reload_conf()")
        for role in (found.pipeline, found.bi):
            postgres_server.psql(
                f"REASSIGN OWNED BY {role} TO postgres; DROP OWNED BY {role}", database=found.database
            )
            postgres_server.psql(f"DROP ROLE IF EXISTS {role}")


def _connect(postgres_server, roles: Roles, user: str, password: str) -> sa.Engine:
    return sa.create_engine(postgres_server.url(roles.database, user=user, password=password))


def _relations(postgres_server, database: str, schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    listed = ", ".join(f"'{s}'" for s in schemas)
    out = postgres_server.psql(
        f"SELECT table_schema || '.' || table_name FROM information_schema.tables "
        f"WHERE table_schema IN ({listed}) ORDER BY 1",
        database=database,
    )
    return [tuple(line.split(".", 1)) for line in out.split()]


def test_the_bi_role_reads_bi_and_mart_and_nothing_else(
    postgres_server, postgres_url, roles, tmp_path, monkeypatch, capfd, caplog
):
    caplog.set_level(logging.DEBUG)
    apply_roles(postgres_url, roles.pipeline, roles.bi)
    apply_roles(postgres_url, roles.pipeline, roles.bi)  # idempotent

    # The pipeline runs as its own role, its password in PGPASSWORD as the README advises.
    generate(tmp_path / "data", seed=3, las=1, months=1, end_month=MONTH)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("CP_PSEUDONYMISATION_KEY", raising=False)
    monkeypatch.setenv("PGPASSWORD", roles.pipeline_password)
    monkeypatch.setenv("CP_EXTRACTS_DIR", str(tmp_path / "data" / "extracts"))
    monkeypatch.setenv("CP_REFERENCE_DIR", str(tmp_path / "data" / "reference"))
    monkeypatch.setenv("CP_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("CP_DATA_DOCS_DIR", str(tmp_path / "data_docs"))
    monkeypatch.setenv("CP_WAREHOUSE_URL", postgres_server.url(roles.database, user=roles.pipeline))
    run_months(MONTH, MONTH, Settings.from_env())
    monkeypatch.delenv("PGPASSWORD")

    owners = postgres_server.psql(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN "
        "('raw', 'staging', 'dq', 'warehouse', 'mart')",
        database=roles.database,
    ).split()
    assert owners == [roles.pipeline]
    schema_owners = postgres_server.psql(
        "SELECT DISTINCT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname IN "
        "('raw', 'staging', 'dq', 'warehouse', 'mart', 'bi')",
        database=roles.database,
    ).split()
    assert schema_owners == [roles.pipeline]

    readable = _relations(postgres_server, roles.database, BI_SCHEMAS)
    restricted = _relations(postgres_server, roles.database, RESTRICTED_SCHEMAS)
    assert {t for _, t in readable} >= {
        "children_looked_after",
        "placements",
        "scorecard",
        "scorecard_indicator",
    }
    assert {s for s, _ in restricted} == set(RESTRICTED_SCHEMAS)

    bi = _connect(postgres_server, roles, roles.bi, roles.bi_password)
    try:
        with bi.connect() as conn:
            for schema, table in readable:
                # bi views read warehouse tables the BI role cannot: views run as their owner.
                rows = conn.execute(sa.text(f'SELECT COUNT(*) FROM {schema}."{table}"')).scalar_one()
                if schema == "bi" or table == "scorecard_indicator":
                    assert rows > 0, f"{schema}.{table} is empty"
        refused = []
        for schema, table in restricted:
            with bi.connect() as conn:
                try:
                    conn.execute(sa.text(f'SELECT 1 FROM {schema}."{table}" LIMIT 1'))
                except sa.exc.ProgrammingError as exc:
                    assert "permission denied" in str(exc.orig)
                    refused.append((schema, table))
        assert refused == restricted
        for statement in (
            "DELETE FROM mart.scorecard_indicator",
            "CREATE TABLE mart.mine (x int)",
            "CREATE VIEW bi.mine AS SELECT 1 AS x",
            "CREATE TABLE public.mine (x int)",
            "CREATE SCHEMA mine",
        ):
            with bi.connect() as conn, pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                conn.execute(sa.text(statement))
    finally:
        bi.dispose()

    # Re-applying after the run keeps every grant (the run replaced views and tables).
    apply_roles(postgres_url, roles.pipeline, roles.bi)
    bi = _connect(postgres_server, roles, roles.bi, roles.bi_password)
    try:
        with bi.connect() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM bi.scorecard")).scalar_one() > 0
    finally:
        bi.dispose()

    # Passwords are checked for these roles, and none was printed or logged.
    wrong = _connect(postgres_server, roles, roles.bi, "not-the-password")
    try:
        with pytest.raises(sa.exc.OperationalError, match="password authentication failed"):
            wrong.connect()
    finally:
        wrong.dispose()
    captured = capfd.readouterr()
    printed = captured.out + captured.err + caplog.text
    assert roles.pipeline_password not in printed and roles.bi_password not in printed


def test_passwords_reach_the_server_only_as_scram_verifiers():
    password = Secret("correct horse battery staple")
    sql = "\n".join(role_statements("cp", "cp_pipeline", "cp_bi", password, password))
    assert password.reveal() not in sql
    assert sql.count("PASSWORD 'SCRAM-SHA-256$4096:") == 2
    assert scram_verifier(password) != scram_verifier(password)  # salted
    assert "**" in repr(password) and password.reveal() not in f"{password} {password!r}"


def test_role_names_are_checked_and_roles_need_postgresql():
    with pytest.raises(ValueError, match="role name"):
        role_statements("cp", "cp_pipeline; DROP TABLE x", "cp_bi")
    with pytest.raises(ValueError, match="must differ"):
        role_statements("cp", "cp_same", "cp_same")
    with pytest.raises(ValueError, match="PostgreSQL"):
        apply_roles("duckdb:///x.duckdb")
