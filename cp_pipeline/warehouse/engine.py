"""One warehouse, two engines: writes frames and runs SQL on DuckDB or PostgreSQL through SQLAlchemy."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url

from cp_pipeline.settings import redact_url

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

SCHEMAS = ("raw", "staging", "dq", "warehouse", "mart", "bi")

# PostgreSQL type OIDs `_copy_out` types a column by (anything else is read as text).
_PG_KINDS = {
    16: "bool",
    20: "int",
    21: "int",
    23: "int",
    700: "float",
    701: "float",
    1082: "date",
    1114: "timestamp",
}

# What COPY writes for NULL (a value equal to it is read back as NULL too): a private-use
# character, where the usual \N is text that messy extracts (MySQL dumps) really contain.
_COPY_NULL = "\ue000"

# Logical column types used across the project, and what each engine calls them.
SQL_TYPES = {
    "duckdb": {
        "text": "VARCHAR",
        "int": "BIGINT",
        "float": "DOUBLE",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "bool": "BOOLEAN",
    },
    "postgresql": {
        "text": "TEXT",
        "int": "BIGINT",
        "float": "DOUBLE PRECISION",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "bool": "BOOLEAN",
    },
}

# A table's columns in order. DuckDB's information_schema.columns is a view that renames
# duckdb_columns(); asking the table function directly takes half the time, and landing a
# month asks once per table written.
COLUMNS_SQL = {
    "duckdb": "SELECT column_name FROM duckdb_columns() "
    "WHERE schema_name = :s AND table_name = :t ORDER BY column_index",
    "postgresql": "SELECT column_name FROM information_schema.columns "
    "WHERE table_schema = :s AND table_name = :t ORDER BY ordinal_position",
}
# Every table's columns in a schema at once, for a transaction that caches the catalogue.
SCHEMA_COLUMNS_SQL = {
    "duckdb": "SELECT table_name, column_name FROM duckdb_columns() "
    "WHERE schema_name = :s ORDER BY table_name, column_index",
    "postgresql": "SELECT table_name, column_name FROM information_schema.columns "
    "WHERE table_schema = :s ORDER BY table_name, ordinal_position",
}
# The rows a write replaces: one key (column -> value, all must match), or several keys.
Where = Mapping[str, object] | Sequence[Mapping[str, object]]

# Where a transaction opened with `catalogue_cache=True` keeps the columns it knows (conn.info).
_CATALOGUE = "cp_pipeline_catalogue"


def _where_keys(where: Where) -> list[Mapping[str, object]]:
    """`where` as a list of keys (one key given alone is a list of one)."""
    return [where] if isinstance(where, Mapping) else list(where)


def quote_ident(name: str) -> str:
    """Quote one SQL identifier; names that come from files never reach SQL any other way."""
    return '"' + str(name).replace('"', '""') + '"'


def qualified(schema: str, table: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(table)}"


def logical_type(series: pd.Series) -> str:
    """The logical type of a frame column, for creating a table that will hold it."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp"
    if pd.api.types.is_object_dtype(dtype):
        sample = series.dropna().head(50)
        if len(sample) and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in sample):
            return "date"
    return "text"


# DuckDB folds its write-ahead log into the database file once the log passes 16 MB by default:
# a council-month's landing (raw and staging rows) passes that, so every landing commit paid for
# a checkpoint (0.4 s of a 1 s store). Past this size instead; the file is complete whenever the
# run closes it, and a crash leaves a log that DuckDB replays on the next open.
DUCKDB_CHECKPOINT_THRESHOLD = "1GB"


# PostgreSQL's JIT compiler (on by default since PostgreSQL 12) compiles a query whose plan
# cost passes `jit_above_cost`: the scorecard's one UNION ALL of every indicator spent 17 s of
# a 20-council month compiling 2,000 functions for a query that runs in 1.5 s without it. None
# of the pipeline's queries gained from it (the SQL models took as long either way).
POSTGRES_SESSION_OPTIONS = "-c jit=off"


def _duckdb_settings(dbapi_connection, _record) -> None:
    dbapi_connection.execute(f"SET checkpoint_threshold = '{DUCKDB_CHECKPOINT_THRESHOLD}'")


class Warehouse:
    """A SQLAlchemy engine on the warehouse URL, with the few operations the pipeline needs."""

    def __init__(self, url: str):
        self.url = url
        parsed = make_url(url)
        self.dialect = "duckdb" if parsed.get_backend_name() == "duckdb" else "postgresql"
        if self.dialect == "duckdb" and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"Warehouse({redact_url(self.url)})"

    @cached_property
    def engine(self) -> sa.Engine:
        if self.dialect == "postgresql":
            # pool_pre_ping replaces connections the server dropped between runs. JIT off for
            # the pipeline's sessions (see POSTGRES_SESSION_OPTIONS); options given in the URL
            # come after, so they still apply and win.
            given = make_url(self.url).query.get("options")
            options = " ".join(o for o in (POSTGRES_SESSION_OPTIONS, given) if isinstance(o, str) and o)
            return sa.create_engine(
                self.url, pool_pre_ping=True, future=True, connect_args={"options": options}
            )
        engine = sa.create_engine(self.url, future=True)
        sa.event.listen(engine, "connect", _duckdb_settings)
        return engine

    def dispose(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
            del self.__dict__["engine"]

    def checkpoint(self) -> None:
        """DuckDB: fold the write-ahead log into the database file now rather than when the run
        closes the file (a council month's log takes about a second). PostgreSQL: nothing to do."""
        if self.dialect == "duckdb" and "engine" in self.__dict__:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("CHECKPOINT")

    def sql_type(self, logical: str) -> str:
        return SQL_TYPES[self.dialect][logical]

    @contextmanager
    def transaction(self, *, catalogue_cache: bool = False) -> Iterator[Connection]:
        """One atomic unit of work: everything inside is committed together or not at all.

        With `catalogue_cache`, the tables' columns are looked up once per schema for the whole
        transaction (a council-month's landing writes ~50 tables: one catalogue query each was
        0.1 s of every landing). Only for work whose DDL goes through `create_table`,
        `add_missing_columns` and `drop_table`, which keep the cache up to date; it ends with the
        transaction, so a rollback cannot leave it wrong."""
        with self.engine.begin() as conn:
            if catalogue_cache:
                conn.info[_CATALOGUE] = {}
            try:
                yield conn
            finally:
                conn.info.pop(_CATALOGUE, None)

    def ensure_schemas(self, conn: Connection | None = None) -> None:
        if conn is None:
            with self.transaction() as c:
                self.ensure_schemas(c)
            return
        for schema in SCHEMAS:
            conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}"))

    # ---- introspection -------------------------------------------------------------
    def table_columns(self, conn: Connection, schema: str, table: str) -> list[str]:
        """A table's (or view's) column names in order; empty when there is no such table."""
        cached = self._cached_schema(conn, schema)
        if cached is not None:
            return list(cached.get(table, []))
        rows = conn.execute(sa.text(COLUMNS_SQL[self.dialect]), {"s": schema, "t": table}).fetchall()
        return [r[0] for r in rows]

    def _cached_schema(self, conn: Connection, schema: str) -> dict[str, list[str]] | None:
        """The columns of every table in `schema`, when the transaction caches the catalogue."""
        cache = conn.info.get(_CATALOGUE)
        if cache is None:
            return None
        if schema not in cache:
            tables: dict[str, list[str]] = {}
            for table, column in conn.execute(sa.text(SCHEMA_COLUMNS_SQL[self.dialect]), {"s": schema}):
                tables.setdefault(table, []).append(column)
            cache[schema] = tables
        return cache[schema]

    def table_exists(self, conn: Connection, schema: str, table: str) -> bool:
        return bool(self.table_columns(conn, schema, table))

    def base_table_exists(self, conn: Connection, schema: str, table: str) -> bool:
        """Whether `schema.table` is a table (not a view)."""
        return bool(
            conn.execute(
                sa.text(
                    "SELECT COUNT(*) FROM information_schema.tables "
                    "WHERE table_schema = :s AND table_name = :t AND table_type = 'BASE TABLE'"
                ),
                {"s": schema, "t": table},
            ).scalar_one()
        )

    def read_frame(
        self, sql: str, params: Mapping | None = None, conn: Connection | None = None
    ) -> pd.DataFrame:
        if conn is not None:
            result = conn.execute(sa.text(sql), dict(params or {}))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        with self.engine.connect() as c:
            return self.read_frame(sql, params, c)

    def read_columnar(self, sql: str, params: Mapping | None = None) -> pd.DataFrame:
        """Like read_frame, but fetched in bulk (many times faster for large reads): column-wise
        on DuckDB, through `COPY ... TO STDOUT` and pandas' CSV reader on PostgreSQL. Dates and
        timestamps come back as datetime64, not Python dates."""
        if self.dialect == "postgresql":
            return self._copy_out(sql, params)
        if self.dialect != "duckdb":
            return self.read_frame(sql, params)
        params = dict(params or {})
        for name in params:
            sql = re.sub(rf":{name}\b", f"${name}", sql)
        with self.engine.connect() as conn:
            return conn.connection.driver_connection.execute(sql, params).df()

    def _copy_out(self, sql: str, params: Mapping | None) -> pd.DataFrame:
        """A PostgreSQL query's rows through COPY (CSV, NULL as _COPY_NULL), typed by the result's
        column types, as read_frame's frames are once their dates are converted: integers as int64
        (float64 when some are NULL), floats as float64, booleans as objects, dates as
        datetime64[s], timestamps as datetime64[us], text as pandas strings (objects, all None,
        when every value is NULL)."""
        params = dict(params or {})
        query = sql.replace("%", "%%")
        for name in params:
            query = re.sub(rf":{name}\b", f"%({name})s", query)
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            with driver.cursor() as cursor:
                cursor.execute(f"SELECT * FROM ({query}) AS q LIMIT 0", params)
                columns = [(d.name, d.type_code) for d in cursor.description]
                buffer = io.BytesIO()
                with cursor.copy(
                    f"COPY ({query}) TO STDOUT (FORMAT csv, NULL '{_COPY_NULL}')", params
                ) as copy:
                    for chunk in copy:
                        buffer.write(chunk)
        buffer.seek(0)
        names = [name for name, _ in columns]
        if not buffer.getbuffer().nbytes:
            return pd.DataFrame({name: pd.Series(dtype=object) for name in names})
        frame = pd.read_csv(
            buffer, names=names, header=None, dtype=object, na_values=[_COPY_NULL], keep_default_na=False
        )
        for name, oid in columns:
            kind = _PG_KINDS.get(oid, "text")
            values = frame[name]
            if kind == "int":
                number = pd.to_numeric(values)
                frame[name] = number.astype("int64") if number.notna().all() else number.astype("float64")
            elif kind == "float":
                frame[name] = pd.to_numeric(values).astype("float64")
            elif kind == "date":
                frame[name] = pd.to_datetime(values, format="%Y-%m-%d").astype("datetime64[s]")
            elif kind == "timestamp":
                frame[name] = pd.to_datetime(values, format="ISO8601").astype("datetime64[us]")
            elif kind == "bool":
                frame[name] = values.map({"t": True, "f": False}).astype(object)
            elif values.notna().any():
                frame[name] = values.astype("str")
            else:
                frame[name] = pd.Series([None] * len(values), index=values.index, dtype=object)
        return frame

    # ---- writing -------------------------------------------------------------------
    def create_table(
        self, conn: Connection, schema: str, table: str, column_types: Mapping[str, str]
    ) -> None:
        cached = self._cached_schema(conn, schema)
        if cached is not None and table in cached:
            return
        cols = ", ".join(f"{quote_ident(c)} {self.sql_type(t)}" for c, t in column_types.items())
        conn.execute(sa.text(f"CREATE TABLE IF NOT EXISTS {qualified(schema, table)} ({cols})"))
        if cached is not None:
            cached[table] = list(column_types)

    def add_missing_columns(
        self, conn: Connection, schema: str, table: str, column_types: Mapping[str, str]
    ) -> None:
        existing = set(self.table_columns(conn, schema, table))
        cached = self._cached_schema(conn, schema)
        for col, logical in column_types.items():
            if col not in existing:
                conn.execute(
                    sa.text(
                        f"ALTER TABLE {qualified(schema, table)} ADD COLUMN {quote_ident(col)} "
                        f"{self.sql_type(logical)}"
                    )
                )
                if cached is not None:
                    cached.setdefault(table, []).append(col)

    def delete_where(self, conn: Connection, schema: str, table: str, where: Where) -> None:
        if self.table_exists(conn, schema, table):
            self._delete_rows(conn, schema, table, where)

    def _delete_rows(self, conn: Connection, schema: str, table: str, where: Where) -> None:
        """DELETE … WHERE on a table known to exist (no catalogue look-up). `where` is one key
        (column -> value, all must match) or several keys with the same columns (any may match)."""
        keys = _where_keys(where)
        if not keys:
            return
        clauses, params = [], {}
        for n, key in enumerate(keys):
            clauses.append(" AND ".join(f"{quote_ident(k)} = :w{n}_{i}" for i, k in enumerate(key)))
            params.update({f"w{n}_{i}": v for i, v in enumerate(key.values())})
        clause = " OR ".join(f"({c})" for c in clauses) if len(clauses) > 1 else clauses[0]
        conn.execute(sa.text(f"DELETE FROM {qualified(schema, table)} WHERE {clause}"), params)

    def replace_rows(
        self,
        conn: Connection,
        schema: str,
        table: str,
        frame: pd.DataFrame,
        *,
        where: Where,
        column_types: Mapping[str, str] | None = None,
    ) -> int:
        """Replace the rows matching `where` (one key, or several: see `_delete_rows`) with
        `frame`, inside the caller's transaction.

        The table is created (or widened) to fit the frame, so a new month or a new
        optional column never needs a migration step.
        """
        types = {c: logical_type(frame[c]) for c in frame.columns}
        types.update({c: t for c, t in (column_types or {}).items() if c in frame.columns})
        self.create_table(conn, schema, table, types)
        self.add_missing_columns(conn, schema, table, types)
        self._ensure_where_index(conn, schema, table, list(next(iter(_where_keys(where)), {})))
        # The table exists now, so the delete needs no second catalogue look-up.
        self._delete_rows(conn, schema, table, where)
        return self.insert_frame(conn, schema, table, frame, types)

    def _ensure_where_index(self, conn: Connection, schema: str, table: str, columns: list[str]) -> None:
        """PostgreSQL only: an index on the columns a council-month is replaced by (la_code,
        extract_month, ...), so replacing one does not scan every council and month stored
        (a national month landed 150 councils into tables that grew with each). DuckDB scans
        its compressed columns fast enough, and keeps no such index."""
        if self.dialect != "postgresql" or not columns:
            return
        # The month first: SQL models read a staged table's month for every council (a staging
        # view's month, its tests), which an index led by la_code cannot find without reading
        # every month stored; a council-month's replacement uses either order.
        ordered = sorted(columns, key=lambda c: c != "extract_month")
        name = f"{table}_by_{'_'.join(ordered)}"[:63]
        cols = ", ".join(quote_ident(c) for c in ordered)
        conn.execute(
            sa.text(f"CREATE INDEX IF NOT EXISTS {quote_ident(name)} ON {qualified(schema, table)} ({cols})")
        )
        if ordered != columns:  # the index warehouses made before, led by la_code
            old = f"{table}_by_{'_'.join(columns)}"[:63]
            conn.execute(sa.text(f"DROP INDEX IF EXISTS {quote_ident(schema)}.{quote_ident(old)}"))

    def replace_all_rows(
        self, conn: Connection, schema: str, table: str, frame: pd.DataFrame, types: Mapping[str, str]
    ) -> int:
        """Replace a whole (unpartitioned) table's rows without dropping it, so views over it
        survive (PostgreSQL refuses to drop a table a view depends on)."""
        self.create_table(conn, schema, table, types)
        self.add_missing_columns(conn, schema, table, types)
        conn.execute(sa.text(f"DELETE FROM {qualified(schema, table)}"))
        return self.insert_frame(conn, schema, table, frame, types)

    def drop_table(self, conn: Connection, schema: str, table: str) -> None:
        """Drop a table and the views over it (rebuilt by their own assets later in the run)."""
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {qualified(schema, table)} CASCADE"))
        if (cache := conn.info.get(_CATALOGUE)) is not None:
            cache.clear()  # CASCADE may have dropped views of other schemas too

    def insert_frame(
        self, conn: Connection, schema: str, table: str, frame: pd.DataFrame, types: Mapping[str, str]
    ) -> int:
        if frame.empty:
            return 0
        columns = list(frame.columns)
        col_list = ", ".join(quote_ident(c) for c in columns)
        if self.dialect == "duckdb":
            raw = conn.connection.driver_connection
            view = "_cp_insert_frame"
            raw.register(view, frame)
            try:
                select = ", ".join(f"CAST({quote_ident(c)} AS {self.sql_type(types[c])})" for c in columns)
                raw.execute(
                    f"INSERT INTO {qualified(schema, table)} ({col_list}) SELECT {select} FROM {view}"
                )
            finally:
                raw.unregister(view)
        else:
            _copy_in(conn.connection.driver_connection, qualified(schema, table), col_list, frame)
        return len(frame)


@cache
def _csv_writer() -> tuple[duckdb.DuckDBPyConnection, threading.Lock]:
    """This process's in-memory DuckDB that writes frames as CSV for COPY (connecting takes ~15 ms,
    and a landing writes ~50 tables), with the lock its users take turns by."""
    import duckdb

    return duckdb.connect(config={"threads": 1}), threading.Lock()


def _copy_in(driver: Any, target: str, col_list: str, frame: pd.DataFrame) -> None:
    """PostgreSQL: COPY a frame into `target` as CSV. DuckDB writes the CSV (in C++, about three
    times faster than pandas' `to_csv`, which was half of the single writer's time in a national
    month's landing) to a scratch file streamed to the server. An empty string stays an empty
    string (DuckDB quotes it; only a missing value is written as PostgreSQL's NULL), so a raw
    extract's blank cells are stored as on DuckDB."""
    # Python objects (not typed columns) are written as their text, as to_csv wrote them.
    objects = [c for c in frame.columns if frame[c].dtype == object]
    if objects:
        frame = frame.assign(**{c: frame[c].astype("string") for c in objects})
    writer, lock = _csv_writer()
    with tempfile.TemporaryDirectory(prefix="cp-copy-") as scratch_dir:
        path = Path(scratch_dir) / "frame.csv"
        with lock:
            writer.register("frame", frame)
            try:
                writer.execute(
                    f"COPY frame TO '{path}' (FORMAT csv, HEADER false, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')"
                )
            finally:
                writer.unregister("frame")
        copy_sql = f"COPY {target} ({col_list}) FROM STDIN (FORMAT csv, ENCODING 'UTF8')"
        with (
            path.open("rb") as csv,
            driver.cursor() as cursor,
            cursor.copy(copy_sql) as copy,
        ):
            while chunk := csv.read(1 << 20):
                copy.write(chunk)
