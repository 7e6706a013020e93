"""Shared fixtures: a real PostgreSQL server, and generated synthetic councils."""

from __future__ import annotations

import uuid

import pytest

from cp_pipeline_tests.postgres_server import start_server


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the whole session (installed when absent, never mocked)."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh empty database on the session's server."""
    name = "cp_" + uuid.uuid4().hex[:12]
    postgres_server.psql(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    postgres_server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
