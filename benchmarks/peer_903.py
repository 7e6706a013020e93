"""Times the public DfE-rules validator (csc-validator-be-903, `lac_validator`) on month folders.

Runs inside the peer's own venv (benchmarks/.peer-venv: it pins pandas < 2), never imports
cp_pipeline, and prints one JSON object on stdout. Called by benchmarks/run.py:

    .peer-venv/bin/python peer_903.py --collection-year 2027 --rules 142,148,... FOLDER [FOLDER ...]

Each FOLDER is one council's month (<LA_CODE>/<YYYY-MM>/). Files are read into memory before the
clock starts (as the validator's web front end hands it bytes); the clock covers the validator's
own CSV parsing, its datastore (postcode look-ups) and the selected rules.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import logging
import sys
import time
from pathlib import Path

# The 903 tables and the file names the generator gives them.
FILES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_adoption.csv",
    "PrevPerm": "prev_perm.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
}


def _upload(path: Path, columns: list[str]) -> tuple[dict, int]:
    """The file as the validator's front end uploads it, keeping only the DfE columns it knows."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    extra = [c for c in frame.columns if c not in columns]
    if extra:  # our Missing table carries local columns (times, return interview) the DfE file lacks
        buffer = io.StringIO()
        frame[[c for c in frame.columns if c in columns]].to_csv(buffer, index=False)
        content = buffer.getvalue().encode("utf-8")
    else:
        content = path.read_bytes()
    return {"name": path.name, "file_content": content, "description": "This year"}, len(frame)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--collection-year", type=int, required=True, help="the year the collection ends")
    parser.add_argument("--rules", default="", help="comma-separated rule codes (default: every rule)")
    parser.add_argument("--list-rules", action="store_true", help="print the ruleset's rule codes and stop")
    parser.add_argument("folders", nargs="*", type=Path)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the validator logs every rule at INFO

    from lac_validator import lac_validator
    from lac_validator.config import column_names

    ruleset = f"lac{args.collection_year - 1}_{str(args.collection_year)[2:]}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    if args.list_rules:
        print(json.dumps({"ruleset": ruleset, "rules": sorted(str(code) for code in registry)}))
        return 0
    selected = [c for c in args.rules.split(",") if c] or None
    seconds = 0.0
    cpu_seconds = 0.0
    rows = 0
    flagged = 0
    failed_rules: set[str] = set()
    for folder in args.folders:
        uploads = []
        for table, name in FILES.items():
            path = folder / name
            if path.exists():
                upload, count = _upload(path, column_names[table])
                uploads.append(upload)
                rows += count
        la_code = folder.parent.name
        start, cpu_start = time.perf_counter(), time.process_time()
        validator = lac_validator.LacValidator(
            metadata={"collectionYear": str(args.collection_year), "localAuthority": la_code},
            files=uploads,
            registry=registry,
            selected_rules=selected,
        )
        seconds += time.perf_counter() - start
        cpu_seconds += time.process_time() - cpu_start
        failed_rules |= set(validator.fails)
        for table, frame in validator.ds_results.items():
            if table == "metadata":
                continue
            errors = [c for c in frame.columns if str(c).startswith("ERR_")]
            if errors:
                flagged += int(frame[errors].fillna(False).astype(bool).any(axis=1).sum())
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "rows": rows,
                "councils": len(args.folders),
                "ruleset": ruleset,
                "rules_selected": len(selected) if selected else len(registry),
                "rules_that_raised": sorted(failed_rules),
                "rows_flagged": flagged,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
