"""Warehouse: SQL model loader, engine adapters (DuckDB, PostgreSQL) and partition writes."""
