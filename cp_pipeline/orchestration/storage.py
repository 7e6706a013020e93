"""Dagster's SQLite event log, made cheap per event: the instance's default storage, two changes.

Dagster's `SqliteEventLogStorage` builds a new SQLAlchemy engine for every event it writes or
reads (a council month writes ~500 events and reads its inputs' versions ~80 times), opens and
closes a connection each time, and writes a batch of events (the planned materialisations of a
run, a partition range's materialisations) one transaction at a time. Here each shard keeps its
engine and a small pool of connections (idle ones hold no transaction or lock, so other
processes, the webserver, see every commit as before), and `store_event_batch`
writes a batch in one transaction per shard, through the same code as single events. Dagster
hands over batches when `DAGSTER_EVENT_BATCH_SIZE` is set, which the CLI does.

Its connections also run with `PRAGMA synchronous=NORMAL`, SQLite's recommended setting for a WAL
database: a commit is written to the WAL but not fsynced (the WAL is synced at each checkpoint), which
takes a council month's ~450 commits from ~0.3 ms to ~0.05 ms each. A process that crashes or is
killed loses nothing (the operating system still writes what it was given); only a power cut or
kernel panic can lose the last commits before a checkpoint, never corrupt the file. What it would
lose is run history, and a month re-runs idempotently.

The files, tables and schema are Dagster's own: an instance written by this class reads with the
default one and back. `dagster.yaml` selects it (and falls back to the default if removed).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

from dagster import Field, StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import event
from sqlalchemy.pool import QueuePool

# Events a run stores together when Dagster batches them (the run's planned materialisations,
# a partition range's materialisations of one asset); a batch this size is one transaction.
EVENT_BATCH_SIZE = "10000"


def _synchronous_normal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with one engine per shard and one transaction per event batch.

    Selected in `dagster.yaml` (the project's copy is what `make dev` / `make demo` install):

        event_log_storage:
          module: cp_pipeline.orchestration.storage
          class: BatchingSqliteEventLogStorage

    `base_dir` may be given as for the default class; without it the event logs live where
    Dagster keeps them, `$DAGSTER_HOME/history/runs/`.
    """

    def __init__(self, base_dir: str | None = None, inst_data=None):
        # Dagster's own default place for run event logs in the instance folder.
        base_dir = base_dir or os.path.join(os.environ["DAGSTER_HOME"], "history", "runs", "")
        # Dagster hands batches to store_event_batch only when this is set (read on every event).
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
        self._engines: dict = {}
        self._schema_has: set[tuple[str, str]] = set()  # schema features known to be present
        self._batch: dict | None = None  # shard -> open connection, while a batch is written
        self._batch_thread: int | None = None
        self._batch_stack: ExitStack | None = None  # closes the batch's transactions, committing them
        super().__init__(base_dir, inst_data=inst_data)
        self._db_lock = threading.RLock()  # a batch holds it while its events re-enter _connect

    @classmethod
    def config_type(cls):
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> BatchingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str):
        engine = self._engines.get(shard)
        if engine is None:
            # A small pool keeps the shard's connection open between uses: opening one costs
            # little, but closing the last connection to a WAL database checkpoints it and
            # deletes its WAL file (~0.3 ms a use, every event). An idle pooled connection holds
            # no transaction and no lock, so other processes see each commit as before.
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                pool_size=2,
                max_overflow=8,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _synchronous_normal)
            self._engines[shard] = engine
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator:
        with self._db_lock:
            if self._batch is not None and self._batch_thread == threading.get_ident():
                if shard not in self._batch:
                    self._batch[shard] = self._batch_stack.enter_context(self._transaction(shard))
                yield self._batch[shard]
                return
            with self._transaction(shard) as conn:
                yield conn

    @contextmanager
    def _transaction(self, shard: str) -> Iterator:
        engine = self._engine(shard)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        with engine.connect() as conn, conn.begin():
            yield conn

    # Dagster asks the database, on every asset event, whether its schema has a table, column or
    # migrated index (reflection through a fresh connection each time). Migrations only ever add
    # them, so a "yes" is remembered for the life of this process; a "no" is asked again.

    def _remember(self, feature: tuple[str, str], ask) -> bool:
        if feature in self._schema_has:
            return True
        present = bool(ask())
        if present:
            self._schema_has.add(feature)
        return present

    def has_table(self, table_name: str) -> bool:
        return self._remember(
            ("table", table_name), lambda: super(BatchingSqliteEventLogStorage, self).has_table(table_name)
        )

    def has_secondary_index(self, name: str) -> bool:
        return self._remember(
            ("index", name), lambda: super(BatchingSqliteEventLogStorage, self).has_secondary_index(name)
        )

    def _has_asset_key_col_on_connection(self, conn, column_name: str) -> bool:
        parent = super()._has_asset_key_col_on_connection
        return self._remember(("asset_keys column", column_name), lambda: parent(conn, column_name))

    def store_event_batch(self, events: Sequence) -> None:
        if len(events) < 2:
            for event in events:
                self.store_event(event)
            return
        with self._db_lock:
            self._batch, self._batch_thread = {}, threading.get_ident()
            try:
                with ExitStack() as stack:
                    self._batch_stack = stack
                    for event in events:
                        self.store_event(event)
            finally:
                self._batch, self._batch_thread = None, None

    def delete_events(self, run_id: str) -> None:
        super().delete_events(run_id)
        engine = self._engines.pop(run_id, None)
        if engine is not None:
            engine.dispose()

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()
