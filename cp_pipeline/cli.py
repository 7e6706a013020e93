"""The `cp-pipeline` command: generate synthetic extracts, run the pipeline, write the scorecard."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def _fail(message: str) -> None:
    typer.echo(f"cp-pipeline: {message}", err=True)
    raise typer.Exit(code=1)


def _apply_overrides(
    extracts: Path | None, reference: Path | None, warehouse: str | None, publish: bool | None
):
    """Command-line options win over the environment; set them before Dagster code is imported."""
    for var, value in (
        ("CP_EXTRACTS_DIR", extracts),
        ("CP_REFERENCE_DIR", reference),
        ("CP_WAREHOUSE_URL", warehouse),
    ):
        if value is not None:
            os.environ[var] = str(value)
    if publish is not None:
        os.environ["CP_PUBLISH"] = "1" if publish else "0"


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="folder to write extracts/ and reference/ into")] = Path("data"),
    seed: Annotated[int, typer.Option(help="random seed: the same seed gives byte-identical files")] = 42,
    las: Annotated[int, typer.Option(help="number of councils")] = 1,
    months: Annotated[int, typer.Option(help="number of monthly extracts")] = 24,
    end_month: Annotated[str, typer.Option(help="last extract month, YYYY-MM")] = "2026-10",
    messy: Annotated[bool, typer.Option(help="add real-world mess and known invalid rows")] = False,
) -> None:
    """Write synthetic monthly extracts and reference data (no real child data)."""
    from cp_pipeline.synthetic.generate import generate as run_generator

    summary = run_generator(out, seed=seed, las=las, months=months, end_month=end_month, messy=messy)
    typer.echo(f"generated {summary}")


@app.command()
def run(
    from_month: Annotated[
        str | None, typer.Option("--from", help="first month YYYY-MM (default: earliest)")
    ] = None,
    to_month: Annotated[str | None, typer.Option("--to", help="last month YYYY-MM (default: latest)")] = None,
    extracts: Annotated[Path | None, typer.Option(help="extracts folder (CP_EXTRACTS_DIR)")] = None,
    reference: Annotated[Path | None, typer.Option(help="reference folder (CP_REFERENCE_DIR)")] = None,
    warehouse: Annotated[str | None, typer.Option(help="SQLAlchemy URL (CP_WAREHOUSE_URL)")] = None,
    publish: Annotated[bool | None, typer.Option(help="suppress small numbers (CP_PUBLISH)")] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="print every Dagster event, not just the pipeline's messages"),
    ] = False,
) -> None:
    """Materialise every asset for a range of months through Dagster, as one run."""
    _apply_overrides(extracts, reference, warehouse, publish)
    from cp_pipeline.orchestration.runs import run_months

    try:
        outcome = run_months(from_month, to_month, log_level="DEBUG" if verbose else "INFO")
    except Exception as exc:  # one line for the operator; the full trace is in the Dagster run
        _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    typer.echo(outcome)


@app.command()
def report(
    month: Annotated[str, typer.Option(help="the month to report, YYYY-MM")],
    la: Annotated[str | None, typer.Option(help="council code (default: every council)")] = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("data/reports"),
    warehouse: Annotated[str | None, typer.Option(help="SQLAlchemy URL (CP_WAREHOUSE_URL)")] = None,
) -> None:
    """Write the board scorecard for a month (HTML and XLSX)."""
    _apply_overrides(None, None, warehouse, None)
    from cp_pipeline.reporting.report import write_reports

    try:
        written = write_reports(month, la_code=la, out_dir=out)
    except Exception as exc:
        _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    for path in written:
        typer.echo(f"wrote {path}")


@app.command("create-roles")
def create_roles(
    admin_url: Annotated[
        str, typer.Option(envvar="CP_ADMIN_URL", help="SQLAlchemy URL of a role allowed to create roles")
    ],
    pipeline_role: Annotated[
        str, typer.Option(help="the role that runs the pipeline and owns the schemas")
    ] = ("cp_pipeline"),
    bi_role: Annotated[
        str, typer.Option(help="the read-only role for BI tools (bi and mart only)")
    ] = "cp_bi",
) -> None:
    """Create or update the PostgreSQL pipeline and read-only BI roles (passwords from
    CP_PIPELINE_ROLE_PASSWORD / CP_BI_ROLE_PASSWORD or their _FILE variants)."""
    from cp_pipeline.settings import redact_url
    from cp_pipeline.warehouse.roles import apply_roles

    try:
        readable = apply_roles(admin_url, pipeline_role, bi_role)
    except Exception as exc:
        _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    typer.echo(
        f"roles {pipeline_role} and {bi_role} ready on {redact_url(admin_url)}; {bi_role} reads {', '.join(readable)}"
    )


def main() -> None:  # pragma: no cover - console entry point
    """The console script. Once a command has finished (its engines disposed, its output
    written), the process leaves without Python's module teardown: unloading Dagster, Great
    Expectations and Altair takes about a second and does nothing a finished run needs."""
    import logging

    try:
        app()  # in standalone mode it always leaves through SystemExit
    except SystemExit as exit_:
        code = exit_.code
    else:
        code = 0
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))
