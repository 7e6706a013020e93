"""Lands one council's month folder: raw rows, typed staging rows, quarantine and manifest, atomically."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cp_pipeline.extracts.specs import table_specs
from cp_pipeline.extracts.table_types import (
    LANDING_LOG_TYPES,
    MANIFEST_TYPES,
    PRESENCE_TYPES,
    QUARANTINE_COLUMNS,
    QUARANTINE_TYPES,
    raw_types,
    staging_types,
)
from cp_pipeline.warehouse.engine import Warehouse

log = logging.getLogger(__name__)

# Folders sent to each helper ahead of the writer, and the most prepared council-months stored
# in one transaction: while the single writer stores, the helpers keep preparing, and what they
# have finished by then is written together (fewer, larger inserts: see store_months).
IN_FLIGHT_PER_HELPER = 8
STORE_TOGETHER = 16

# Matched with fullmatch: `$` alone would also accept a name ending in a newline.
LA_CODE = re.compile(r"[EWSN]\d{8}")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def council_months(extracts_dir: Path) -> dict[str, list[str]]:
    """Every `<LA_CODE>/<YYYY-MM>` folder under the extracts directory; anything else is ignored.

    A council or month folder that is a symbolic link is ignored with a warning: it could lead
    anywhere, and a month's files must be the council's own, kept where they were delivered.
    """
    found: dict[str, list[str]] = {}
    if not extracts_dir.is_dir():
        return found
    for la_dir in sorted(extracts_dir.iterdir()):
        if not LA_CODE.fullmatch(la_dir.name):
            continue
        if la_dir.is_symlink():
            log.warning("Ignored %s: a symbolic link, not a council folder", la_dir.name)
            continue
        if not la_dir.is_dir():
            continue
        months = []
        for month_dir in sorted(la_dir.iterdir()):
            if not MONTH.fullmatch(month_dir.name):
                continue
            if month_dir.is_symlink():
                log.warning("Ignored %s/%s: a symbolic link, not a month folder", la_dir.name, month_dir.name)
            elif month_dir.is_dir():
                months.append(month_dir.name)
        if months:
            found[la_dir.name] = months
    return found


@dataclass
class LandingResult:
    la_code: str
    extract_month: str
    action: str  # landed | replaced | unchanged
    files: int = 0
    rows_raw: dict[str, int] = field(default_factory=dict)
    rows_staged: dict[str, int] = field(default_factory=dict)
    rows_rejected: dict[str, int] = field(default_factory=dict)
    rows_flagged: int = 0
    children: int = 0  # distinct children in the Header table (a count, never an identifier)
    tables_absent: list[str] = field(default_factory=list)
    file_hashes: dict[str, str] = field(default_factory=dict)


def _stored_hashes(warehouse: Warehouse, la_code: str, extract_month: str) -> dict[str, str]:
    with warehouse.engine.connect() as conn:
        if not warehouse.table_exists(conn, "dq", "file_manifest"):
            return {}
        frame = warehouse.read_frame(
            "SELECT source_file, file_sha256 FROM dq.file_manifest WHERE la_code = :la AND extract_month = :m",
            {"la": la_code, "m": extract_month},
            conn,
        )
    return dict(zip(frame["source_file"], frame["file_sha256"], strict=True))


@dataclass(eq=False)
class PreparedMonth:
    """A council's month folder read, normalised and pseudonymised, ready to store: the part of
    landing that needs no warehouse, so a helper process can do it while the run stores another
    month. `tables` is empty when the files are the ones already landed (`unchanged`)."""

    la_code: str
    extract_month: str
    file_records: list
    tables: dict  # table name -> NormalisedTable, for the tables the folder holds
    unchanged: bool = False

    @property
    def hashes(self) -> dict[str, str]:
        return {r.source_file: r.sha256 for r in self.file_records}


def prepare_month(
    month_dir: Path, la_code: str, extract_month: str, previous: dict[str, str], key=None
) -> PreparedMonth:
    """Read and normalise one month folder (no warehouse: runs in a helper process or here).
    `previous` is the file hashes already landed for it; `key` the pseudonymisation key, if any."""
    from cp_pipeline.extracts.normalise import normalise_table
    from cp_pipeline.extracts.pseudonymise import pseudonymise_table
    from cp_pipeline.extracts.readers import UnreadableFileError, read_month_folder

    for linked in (Path(month_dir), Path(month_dir).parent):
        if linked.is_symlink():  # as council_months: only folders kept in the extracts directory
            raise UnreadableFileError(linked.name, "a symbolic link, not a folder of the extracts directory")
    folder = read_month_folder(month_dir)
    prepared = PreparedMonth(la_code, extract_month, folder.file_records, {})
    if previous and previous == prepared.hashes:
        prepared.unchanged = True
        return prepared
    for name in table_specs():
        reads = folder.tables.get(name)
        if reads:
            table = normalise_table(reads, la_code, extract_month)
            # keyed pseudonyms when a key is configured
            prepared.tables[name] = pseudonymise_table(table, key) if key is not None else table
    return prepared


def land_month(warehouse: Warehouse, month_dir: Path, la_code: str, extract_month: str) -> LandingResult:
    """Read, normalise and store one month folder; unchanged files are not landed again."""
    from cp_pipeline.extracts.pseudonymise import configured_key

    previous = _stored_hashes(warehouse, la_code, extract_month)
    return store_month(
        warehouse, prepare_month(month_dir, la_code, extract_month, previous, configured_key()), previous
    )


def land_months(
    warehouse: Warehouse, extracts_dir: Path, todo: list[tuple[str, str]], helpers=None
) -> Iterator[LandingResult]:
    """Land many (council, month) folders, each once, yielding each result as it is stored (with
    helpers, not necessarily in the order given).

    With `helpers` (a pool of helper processes: `GxWorker`), folders are read and normalised in
    the helpers while this process stores the ones already prepared (the warehouse has one
    writer); while the helpers are still starting, or all busy, this process prepares the next
    folder itself, so a helper never makes the run wait. Council-months prepared by the time
    the writer is free are stored together (`store_months`). Without helpers: `land_month` in
    turn."""
    from cp_pipeline.extracts.pseudonymise import configured_key

    key = configured_key()

    def job(la_code: str, month: str) -> tuple[dict[str, str], tuple]:
        previous = _stored_hashes(warehouse, la_code, month)
        return previous, (extracts_dir / la_code / month, la_code, month, previous, key)

    waiting = deque(todo)
    sent: deque = deque()  # (previous hashes, HelperCall of prepare_month), oldest first

    def take() -> tuple[PreparedMonth, dict[str, str]]:
        previous, call = sent.popleft()
        return call.result(), previous

    while waiting or sent:
        if helpers is not None and helpers.ready():
            while waiting and len(sent) < IN_FLIGHT_PER_HELPER * helpers.processes:
                previous, args = job(*waiting.popleft())
                sent.append((previous, helpers.call(prepare_month, *args)))
        if sent and (sent[0][1].done() or not waiting):
            ready = [take()]
        else:
            previous, args = job(*waiting.popleft())
            ready = [(prepare_month(*args), previous)]
        # Whatever else the helpers have finished is stored with it, in one transaction.
        while sent and sent[0][1].done() and len(ready) < STORE_TOGETHER:
            ready.append(take())
        yield from store_months(warehouse, ready)


def store_month(warehouse: Warehouse, prepared: PreparedMonth, previous: dict[str, str]) -> LandingResult:
    """Store a prepared month (raw, staging, quarantine, manifest, presence, log) in one
    transaction, replacing what the council's month held before."""
    return store_months(warehouse, [(prepared, previous)])[0]


def store_months(
    warehouse: Warehouse, items: list[tuple[PreparedMonth, dict[str, str]]]
) -> list[LandingResult]:
    """Store several prepared council-months (each with the file hashes landed for it before) in
    one transaction, each replacing what its council-month held before; a result for each.

    Each table is written once for them all: in a national month, one insert per table per
    council was most of the single writer's time (DuckDB writes a large insert straight to the
    database file, and logs and later re-writes a small one)."""
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    results: list[LandingResult] = []
    stored: list[tuple[PreparedMonth, LandingResult]] = []
    frames: dict[tuple[str, str], list[pd.DataFrame]] = {}  # (schema, table) -> frames to write
    quarantine_frames: list[pd.DataFrame] = []
    presence: list[tuple] = []
    for prepared, previous in items:
        la_code, extract_month, hashes = prepared.la_code, prepared.extract_month, prepared.hashes
        if prepared.unchanged:
            results.append(
                LandingResult(la_code, extract_month, "unchanged", files=len(hashes), file_hashes=hashes)
            )
            continue
        result = LandingResult(
            la_code,
            extract_month,
            "replaced" if previous else "landed",
            files=len(hashes),
            file_hashes=hashes,
        )
        results.append(result)
        stored.append((prepared, result))
        for name, spec in table_specs().items():
            table = prepared.tables.get(name)
            if table is None:
                # An absent table is not an empty one: its month is cleared (every key's rows
                # are replaced below) and the absence recorded.
                result.tables_absent.append(name)
                presence.append((la_code, extract_month, name, False, 0, 0, 0))
                continue
            raw = table.raw.copy()
            raw["file_sha256"] = raw["source_file"].map(hashes)
            raw["loaded_at"] = loaded_at
            frames.setdefault(("raw", spec.staging_name), []).append(raw)
            frames.setdefault(("staging", spec.staging_name), []).append(table.staged)
            rejected_rows = int(table.rejected[["source_file", "source_line"]].drop_duplicates().shape[0])
            if name == "Header":
                result.children = int(table.staged["child"].nunique())
            result.rows_raw[name] = len(raw)
            result.rows_staged[name] = len(table.staged)
            result.rows_rejected[name] = rejected_rows
            result.rows_flagged += len(table.flags)
            presence.append((la_code, extract_month, name, True, len(raw), len(table.staged), rejected_rows))
            quarantine_frames += [table.rejected, table.flags]
    if not stored:
        return results

    keys = [{"la_code": p.la_code, "extract_month": p.extract_month} for p, _ in stored]
    manifest = pd.DataFrame(
        [
            {
                "la_code": prepared.la_code,
                "extract_month": prepared.extract_month,
                "source_file": r.source_file,
                "file_sha256": r.sha256,
                "size_bytes": r.size_bytes,
                "encoding": r.encoding,
                "tables": ",".join(r.tables),
                "loaded_at": loaded_at,
            }
            for prepared, _ in stored
            for r in prepared.file_records
        ],
        columns=list(MANIFEST_TYPES),
    )
    quarantine = (
        pd.concat([f for f in quarantine_frames if len(f)], ignore_index=True)
        if any(len(f) for f in quarantine_frames)
        else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    quarantine = quarantine.reindex(columns=QUARANTINE_COLUMNS)
    quarantine["stage"] = "ingest"
    presence_frame = pd.DataFrame(presence, columns=list(PRESENCE_TYPES))
    # History of landings (never replaced): when a month was first landed, and each time a
    # changed file replaced it.
    log_rows = pd.DataFrame(
        [
            (p.la_code, p.extract_month, r.action, r.files, sum(r.rows_raw.values()), loaded_at)
            for p, r in stored
        ],
        columns=list(LANDING_LOG_TYPES),
    )
    # Every table written goes through the warehouse's DDL helpers, so the catalogue can be cached.
    with warehouse.transaction(catalogue_cache=True) as conn:
        warehouse.ensure_schemas(conn)
        for spec in table_specs().values():
            for schema, types in (("raw", raw_types(spec)), ("staging", staging_types(spec))):
                parts = frames.get((schema, spec.staging_name))
                if parts is None:  # no council of these sent the table: the tables still exist,
                    # so models reading them work when no council sent one
                    warehouse.create_table(conn, schema, spec.staging_name, types)
                    warehouse.delete_where(conn, schema, spec.staging_name, keys)
                    continue
                frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
                warehouse.replace_rows(conn, schema, spec.staging_name, frame, where=keys, column_types=types)
        warehouse.replace_rows(
            conn,
            "dq",
            "quarantine",
            quarantine,
            where=[k | {"stage": "ingest"} for k in keys],
            column_types=QUARANTINE_TYPES,
        )
        warehouse.replace_rows(conn, "dq", "file_manifest", manifest, where=keys, column_types=MANIFEST_TYPES)
        warehouse.replace_rows(
            conn, "dq", "extract_tables", presence_frame, where=keys, column_types=PRESENCE_TYPES
        )
        warehouse.create_table(conn, "dq", "landing_log", LANDING_LOG_TYPES)
        warehouse.insert_frame(conn, "dq", "landing_log", log_rows, LANDING_LOG_TYPES)
    return results
