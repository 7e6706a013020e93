"""Public entry point: writes synthetic monthly extracts and reference data for a set of councils."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cp_pipeline.extracts.specs import table_specs

from .councils import Council, councils
from .dates import month_sequence
from .histories import simulate_council
from .messy import MessyWriter
from .reference import CouncilFacts, write_reference
from .tables import Snapshots, file_name


@dataclass(frozen=True)
class GenerationSummary:
    councils: tuple[str, ...]
    months: tuple[str, ...]
    files_written: int
    rows_per_table: dict[str, int] = field(default_factory=dict)
    messy: bool = False
    invalid_rows: int = 0


def write_table(path: Path, columns: list[str], lines: np.ndarray) -> int:
    """A clean extract file: UTF-8 without BOM, "\\n" line ends, header row first."""
    body = "\n".join(lines.tolist())
    text = ",".join(columns) + "\n" + (body + "\n" if len(lines) else "")
    path.write_bytes(text.encode("utf-8"))
    return len(lines)


def write_council(
    out_dir: Path, council: Council, index: int, seed: int, month_list: list[str], end_month: str
) -> tuple[CouncilFacts, dict[str, int], int]:
    """One council's clean month folders; returns its reference facts, rows per table and files written."""
    history = simulate_council(council, index, seed, month_list[0], end_month)
    snapshots = Snapshots(history, seed)
    rows: dict[str, int] = {}
    files = 0
    for year_month in month_list:
        folder = out_dir / "extracts" / council.la_code / year_month
        folder.mkdir(parents=True, exist_ok=True)
        for name, (columns, lines) in snapshots.month(year_month).items():
            write_table(folder / file_name(name), columns, lines)
            files += 1
            rows[name] = rows.get(name, 0) + len(lines)
    return CouncilFacts(council, history.target_cla, history.urns), rows, files


def generate(
    out_dir: Path,
    *,
    seed: int = 42,
    las: int = 1,
    months: int = 24,
    end_month: str = "2026-10",
    messy: bool = False,
    workers: int = 1,
) -> GenerationSummary:
    """Simulates each council once, then writes its cumulative extract as at each month's end.

    Writes `out_dir/extracts/<LA_CODE>/<YYYY-MM>/*.csv` and `out_dir/reference/`; in messy mode
    also `out_dir/messy_manifest.json`, listing every injected invalid row and every tolerated
    transformation. The same arguments always give byte-identical files, whatever `workers`: each
    council has its own random streams, so clean councils can be simulated in parallel processes
    (the messy writer plans across councils, so messy mode always runs in one).
    """
    out_dir = Path(out_dir)
    month_list = month_sequence(end_month, months)
    chosen = councils(las)
    rows = {name: 0 for name in table_specs()}
    files = 0
    facts = []
    writer = MessyWriter(seed) if messy else None
    if writer is None:
        jobs = [
            (out_dir, council, index, seed, month_list, end_month) for index, council in enumerate(chosen)
        ]
        if workers > 1 and len(chosen) > 1:
            with ProcessPoolExecutor(max_workers=min(workers, len(chosen))) as pool:
                done = list(pool.map(write_council, *zip(*jobs, strict=True)))
        else:
            done = [write_council(*job) for job in jobs]
        for council_facts, council_rows, council_files in done:
            facts.append(council_facts)
            files += council_files
            for name, count in council_rows.items():
                rows[name] += count
    for index, council in enumerate(chosen if writer is not None else ()):
        history = simulate_council(council, index, seed, month_list[0], end_month)
        snapshots = Snapshots(history, seed)
        facts.append(CouncilFacts(council, history.target_cla, history.urns))
        writer.plan_council(council.la_code, index, month_list)
        for year_month in month_list:
            folder = out_dir / "extracts" / council.la_code / year_month
            folder.mkdir(parents=True, exist_ok=True)
            tables = snapshots.month(year_month)
            files += writer.write_month(folder, council.la_code, year_month, tables)
            for name, (_, lines) in tables.items():
                rows[name] += len(lines)
    files += len(write_reference(out_dir / "reference", facts, month_list, seed, messy))
    invalid = 0
    if writer is not None:
        manifest = writer.manifest()
        invalid = len(manifest["invalid_rows"])
        (out_dir / "messy_manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        files += 1
    return GenerationSummary(
        councils=tuple(c.la_code for c in chosen),
        months=tuple(month_list),
        files_written=files,
        rows_per_table=rows,
        messy=messy,
        invalid_rows=invalid,
    )
