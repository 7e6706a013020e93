"""Least privilege on a PostgreSQL warehouse: a pipeline role that owns every schema, and a BI
role that reads `bi` and `mart` and nothing else.

`apply_roles` is idempotent: run it as an administrator once, and again whenever roles or
passwords change. Passwords come from the environment or secrets files
(`CP_PIPELINE_ROLE_PASSWORD[_FILE]`, `CP_BI_ROLE_PASSWORD[_FILE]`), are sent to the server
already hashed (SCRAM-SHA-256, as psql's \\password does), so no server log or statistics view
ever holds one, and are never printed. A bi view runs with its owner's privileges, so the BI
role reads bi views over warehouse tables it cannot read itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cp_pipeline.settings import Secret, _read_dotenv, read_secret, redact_url
from cp_pipeline.warehouse.engine import SCHEMAS, quote_ident

log = logging.getLogger(__name__)

BI_SCHEMAS = ("bi", "mart")
RESTRICTED_SCHEMAS = tuple(s for s in SCHEMAS if s not in BI_SCHEMAS)  # raw, staging, dq, warehouse
PIPELINE_PASSWORD = "CP_PIPELINE_ROLE_PASSWORD"
BI_PASSWORD = "CP_BI_ROLE_PASSWORD"
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
SCRAM_ITERATIONS = 4096  # PostgreSQL's default (scram_iterations)


def scram_verifier(password: Secret, iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677), computed here
    so the password itself never reaches the server."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.reveal().encode("utf-8"), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _role(name: str) -> str:
    if not ROLE_NAME.fullmatch(name):
        raise ValueError(f"role name {name!r} must be lower-case letters, digits and _ (at most 63)")
    return quote_ident(name)


def _ensure_role(name: str, password: Secret | None) -> list[str]:
    role = _role(name)
    statements = [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {_literal(name)}) "
        f"THEN CREATE ROLE {role} LOGIN; END IF; END $$",
        # Whatever the role was before: a login with no power beyond what is granted below.
        f"ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT",
    ]
    if password is not None:
        statements.append(f"ALTER ROLE {role} WITH PASSWORD {_literal(scram_verifier(password))}")
    return statements


def role_statements(
    database: str,
    pipeline_role: str,
    bi_role: str,
    pipeline_password: Secret | None = None,
    bi_password: Secret | None = None,
) -> list[str]:
    """The SQL `apply_roles` runs, in order; every statement can run again without harm."""
    pipeline, bi, db = _role(pipeline_role), _role(bi_role), quote_ident(database)
    if pipeline_role == bi_role:
        raise ValueError("the pipeline and BI roles must differ")
    statements = [*_ensure_role(pipeline_role, pipeline_password), *_ensure_role(bi_role, bi_password)]
    # The pipeline creates its schemas (CREATE SCHEMA IF NOT EXISTS needs CREATE on the database
    # even when they exist); BI users only connect.
    statements += [
        f"GRANT CONNECT, CREATE, TEMPORARY ON DATABASE {db} TO {pipeline}",
        f"GRANT CONNECT ON DATABASE {db} TO {bi}",
        # PostgreSQL before 15 lets every role create objects in `public`; a BI role writes nothing.
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    ]
    for schema in SCHEMAS:
        s = quote_ident(schema)
        statements += [
            f"CREATE SCHEMA IF NOT EXISTS {s} AUTHORIZATION {pipeline}",
            f"ALTER SCHEMA {s} OWNER TO {pipeline}",
            f"REVOKE ALL ON SCHEMA {s} FROM PUBLIC",
            # Tables and views an administrator created before the roles existed change hands too.
            "DO $$ DECLARE r record; BEGIN FOR r IN "
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE n.nspname = {_literal(schema)} AND c.relkind IN ('r', 'v', 'm', 'p', 'S', 'f') "
            f"AND pg_get_userbyid(c.relowner) <> {_literal(pipeline_role)} LOOP "
            "EXECUTE format('ALTER %s %I.%I OWNER TO %I', "
            "CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' "
            "WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, "
            f"{_literal(schema)}, r.relname, {_literal(pipeline_role)}); END LOOP; END $$",
        ]
        if schema in BI_SCHEMAS:
            statements += [
                f"GRANT USAGE ON SCHEMA {s} TO {bi}",
                f"REVOKE CREATE ON SCHEMA {s} FROM {bi}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {bi}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {bi}",
                # Every table and view the pipeline creates here later (each run replaces views).
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {pipeline} IN SCHEMA {s} GRANT SELECT ON TABLES TO {bi}",
            ]
        else:
            statements += [
                f"REVOKE ALL ON SCHEMA {s} FROM {bi}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {bi}",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {pipeline} IN SCHEMA {s} REVOKE ALL ON TABLES FROM {bi}",
            ]
    return statements


def role_passwords(env: Mapping[str, str] | None = None) -> tuple[Secret | None, Secret | None]:
    """The pipeline and BI role passwords from the environment (a .env file is read when
    present) or the secrets files it names; None for a role whose password is not set."""
    env = {**_read_dotenv(), **os.environ} if env is None else dict(env)
    return (
        read_secret(env, PIPELINE_PASSWORD, min_length=12),
        read_secret(env, BI_PASSWORD, min_length=12),
    )


def apply_roles(
    admin_url: str,
    pipeline_role: str = "cp_pipeline",
    bi_role: str = "cp_bi",
    *,
    pipeline_password: Secret | None = None,
    bi_password: Secret | None = None,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """Create or update the pipeline and BI roles on the database of `admin_url` (a role allowed
    to create roles, e.g. the database owner). Passwords not given are read from the
    environment (`role_passwords`); a role with no password keeps the one it has. Returns the
    names of the schemas the BI role can read."""
    url = make_url(admin_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError("roles apply to a PostgreSQL warehouse only (DuckDB is a single-user file)")
    if not url.database:
        raise ValueError(f"{redact_url(admin_url)} names no database")
    from_env = role_passwords(env) if pipeline_password is None or bi_password is None else (None, None)
    pipeline_password = pipeline_password or from_env[0]
    bi_password = bi_password or from_env[1]
    statements = role_statements(url.database, pipeline_role, bi_role, pipeline_password, bi_password)
    engine = sa.create_engine(admin_url, future=True)
    try:
        with engine.begin() as conn:
            # Two administrators applying roles at once would race on CREATE ROLE.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('cp_pipeline.apply_roles'))"))
            cursor = conn.connection.driver_connection.cursor()
            for statement in statements:
                cursor.execute(statement)  # no parameters: the % of format() is literal
    finally:
        engine.dispose()
    log.info(
        "roles %s (owns %s) and %s (reads %s) applied on %s",
        pipeline_role,
        ", ".join(SCHEMAS),
        bi_role,
        ", ".join(BI_SCHEMAS),
        redact_url(admin_url),
    )
    return list(BI_SCHEMAS)
