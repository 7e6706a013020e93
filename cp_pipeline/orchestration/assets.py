"""Dagster assets: landing and staging of extracts, reference data, one asset per SQL model, the scorecard."""

import time
import warnings
from collections import Counter

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BetaWarning,
    MaterializeResult,
    MetadataValue,
    MonthlyPartitionsDefinition,
    PreviewWarning,
    TableColumn,
    TableSchema,
    asset,
    multi_asset,
)

from cp_pipeline.extracts.landing import council_months, land_months
from cp_pipeline.extracts.reference import load_reference
from cp_pipeline.extracts.specs import table_specs
from cp_pipeline.indicators.scorecard import write_catalogue, write_scorecard
from cp_pipeline.orchestration.partitions import RETRY, SINGLE_RUN
from cp_pipeline.orchestration.resources import ExtractsResource, GxWorkerResource, WarehouseResource
from cp_pipeline.warehouse.calendar import load_dim_date
from cp_pipeline.warehouse.models import (
    SqlModel,
    build_models,
    load_models,
    refresh_source_statistics,
)

# Single-run backfills are "beta" in Dagster 1.13 but are the documented way to run a range as one run.
warnings.filterwarnings("ignore", category=BetaWarning)
# Partitioned asset checks (a check result per month on single-month runs) are a preview feature.
warnings.filterwarnings("ignore", category=PreviewWarning)

LAYER_GROUPS = {"staging": "staging", "warehouse": "warehouse", "mart": "marts", "bi": "bi"}
OWNERS = ["team:cp-data-engineering"]


def _months(context: AssetExecutionContext) -> list[str]:
    return (
        list(context.partition_keys) if context.has_partition_key_range or context.has_partition_key else []
    )


def _scorecard_preview(frame) -> str:
    """The newest month's figures as a small Markdown table: aggregates only, never a child."""
    councils = sorted(frame["la_code"].unique())[:3]
    lines = ["| indicator | " + " | ".join(councils) + " |", "|---|" + "---|" * len(councils)]
    for code, rows in frame.groupby("indicator_code", sort=True):
        by_la = dict(zip(rows["la_code"], rows["value"], strict=True))
        cells = []
        for la in councils:
            value = by_la.get(la)
            cells.append("" if value is None or pd.isna(value) else f"{float(value):,.1f}")
        lines.append(f"| {code} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def build_assets(monthly: MonthlyPartitionsDefinition) -> list:
    """Every asset of the project, sharing the monthly partitions (which start at the earliest
    extract month of the configured extracts folder)."""
    # ---- landing and staging -------------------------------------------------------------

    INGEST_SPECS = [
        spec
        for table in table_specs().values()
        for spec in (
            AssetSpec(
                AssetKey(["raw", table.staging_name]),
                group_name="landing",
                description=f"{table.name} rows exactly as read from the council's files, with file and line.",
                kinds={"python"},
                owners=OWNERS,
            ),
            AssetSpec(
                AssetKey(["staging", table.staging_name]),
                deps=[AssetKey(["raw", table.staging_name])],
                group_name="staging",
                description=f"{table.name}: typed, normalised rows that passed the row-level rules.",
                kinds={"pandera"},
                owners=OWNERS,
                metadata={
                    "dagster/column_schema": TableSchema(
                        columns=[TableColumn(c.staging_name, c.type) for c in table.columns]
                    )
                },
            ),
        )
    ] + [
        AssetSpec(
            AssetKey(["dq", "file_manifest"]),
            group_name="landing",
            kinds={"python"},
            owners=OWNERS,
            description="Every landed file: SHA-256, size, encoding, tables detected, load time.",
        ),
        AssetSpec(
            AssetKey(["dq", "extract_tables"]),
            group_name="landing",
            kinds={"python"},
            owners=OWNERS,
            description="Which tables each council sent each month (absent is not empty).",
        ),
        AssetSpec(
            AssetKey(["dq", "quarantine"]),
            group_name="staging",
            kinds={"pandera"},
            owners=OWNERS,
            description="Rejected and flagged rows with table, file, line, column, rule and message.",
        ),
    ]

    @multi_asset(
        retry_policy=RETRY,
        specs=INGEST_SPECS,
        partitions_def=monthly,
        backfill_policy=SINGLE_RUN,
        can_subset=False,
        name="land_and_stage_extracts",
        check_specs=[
            AssetCheckSpec(
                "rejected_rows_are_quarantined",
                asset=AssetKey(["dq", "quarantine"]),
                description="raw rows = staging rows + rejected rows, for every table and council",
                partitions_def=monthly,
            ),
        ],
    )
    def land_and_stage_extracts(
        context: AssetExecutionContext,
        warehouse: WarehouseResource,
        extracts: ExtractsResource,
        gx: GxWorkerResource,
    ):
        """Land every council's extract folder for the month(s), then normalise and validate it."""
        wh = warehouse.get()
        available = council_months(extracts.extracts_path)
        totals: Counter = Counter()
        hashes: dict[str, str] = {}
        actions: Counter = Counter()
        balanced = True
        started = time.monotonic()
        todo = []
        for month in _months(context):
            councils = [la for la, months in available.items() if month in months]
            if not councils:
                context.log.warning(f"No council has an extract folder for {month}")
            todo += [(la_code, month) for la_code in councils]
        # Folders are read and normalised in the helper processes once they have started.
        for result in land_months(wh, extracts.extracts_path, todo, helpers=gx.get()):
            la_code, month = result.la_code, result.extract_month
            actions[result.action] += 1
            context.log.info(
                f"{la_code} {month}: {result.action}, {result.files} files, "
                f"{sum(result.rows_rejected.values())} rows rejected, {result.rows_flagged} flagged"
                + (f"; absent tables: {', '.join(result.tables_absent)}" if result.tables_absent else "")
            )
            totals["rows_raw"] += sum(result.rows_raw.values())
            totals["rows_staged"] += sum(result.rows_staged.values())
            totals["rows_rejected"] += sum(result.rows_rejected.values())
            totals["rows_flagged"] += result.rows_flagged
            totals["distinct_children"] += result.children
            for name, raw_rows in result.rows_raw.items():
                balanced &= raw_rows == result.rows_staged[name] + result.rows_rejected[name]
            hashes.update({f"{la_code}/{month}/{f}": h[:16] for f, h in result.file_hashes.items()})
        metadata = {
            **{k: MetadataValue.int(v) for k, v in totals.items()},
            "councils_landed": MetadataValue.int(actions["landed"] + actions["replaced"]),
            "councils_unchanged": MetadataValue.int(actions["unchanged"]),
            "duration_seconds": MetadataValue.float(round(time.monotonic() - started, 2)),
        }
        for spec in INGEST_SPECS:
            extra = (
                {"file_sha256_prefixes": MetadataValue.json(hashes)}
                if spec.key == AssetKey(["dq", "file_manifest"])
                else {}
            )
            yield MaterializeResult(asset_key=spec.key, metadata={**metadata, **extra})
        yield AssetCheckResult(
            check_name="rejected_rows_are_quarantined",
            asset_key=AssetKey(["dq", "quarantine"]),
            passed=balanced,
            severity=AssetCheckSeverity.ERROR,
            metadata={
                "rows_raw": totals["rows_raw"],
                "rows_staged": totals["rows_staged"],
                "rows_rejected": totals["rows_rejected"],
            },
        )

    @asset(
        retry_policy=RETRY,
        key=AssetKey(["dq", "validation_result"]),
        deps=[AssetKey(["staging", t.staging_name]) for t in table_specs().values()]
        + [AssetKey(["dq", "extract_tables"])],
        group_name="staging",
        partitions_def=monthly,
        backfill_policy=SINGLE_RUN,
        kinds={"pandas", "great_expectations"},
        owners=OWNERS,
        description="Cross-table DfE 903 rules (rows flagged into dq.quarantine, kept in staging) and Great "
        "Expectations batch suites, one result row per check per council and month.",
        check_specs=[
            AssetCheckSpec(
                "dfe_903_rules",
                asset=AssetKey(["dq", "validation_result"]),
                description="DfE 903 rules: a failure flags rows for the council to correct in its CMS",
                partitions_def=monthly,
            ),
            AssetCheckSpec(
                "gx_batch_suite",
                asset=AssetKey(["dq", "validation_result"]),
                description="Great Expectations batch suites: completeness, keys, drift, distributions",
                partitions_def=monthly,
            ),
        ],
    )
    def validation_result(
        context: AssetExecutionContext,
        warehouse: WarehouseResource,
        extracts: ExtractsResource,
        gx: GxWorkerResource,
    ):
        from cp_pipeline.validation.run import CouncilMonth, validate_months

        available = council_months(extracts.extracts_path)
        months = _months(context)
        todo = [
            # Data Docs show the newest month of the run (a site per council keeps its history).
            CouncilMonth(la_code, month, extracts.data_docs_path if month == months[-1] else None)
            for month in months
            for la_code in [la for la, la_months in available.items() if month in la_months]
        ]
        outcomes = []
        for outcome in validate_months(warehouse.get(), todo, gx_worker=gx.get()):
            context.log.info(
                f"{outcome.la_code} {outcome.extract_month}: {outcome.dfe_rules_failed} DfE rules failed "
                f"({outcome.dfe_rows_flagged} rows flagged); GX {outcome.batch_errors} errors, "
                f"{outcome.batch_warnings} warnings"
            )
            outcomes.append(outcome)
        flagged = sum(o.dfe_rows_flagged for o in outcomes)
        errors = sum(o.batch_errors for o in outcomes)
        warnings = sum(o.batch_warnings for o in outcomes)
        docs = {o.la_code: MetadataValue.path(str(o.data_docs.resolve())) for o in outcomes if o.data_docs}
        yield MaterializeResult(
            metadata={
                **{f"data_docs_{la}": path for la, path in docs.items()},
                "dfe_rows_flagged": MetadataValue.int(flagged),
                "dfe_rules_failed": MetadataValue.int(sum(o.dfe_rules_failed for o in outcomes)),
                "gx_errors": MetadataValue.int(errors),
                "gx_warnings": MetadataValue.int(warnings),
            }
        )
        yield AssetCheckResult(
            check_name="dfe_903_rules",
            passed=flagged == 0,
            severity=AssetCheckSeverity.WARN,
            metadata={"rows_flagged": flagged},
        )
        yield AssetCheckResult(
            check_name="gx_batch_suite",
            passed=errors == 0,
            severity=AssetCheckSeverity.ERROR if errors else AssetCheckSeverity.WARN,
            metadata={"errors": errors, "warnings": warnings},
        )

    @asset(
        retry_policy=RETRY,
        key=AssetKey(["staging", "reference_data"]),
        group_name="landing",
        kinds={"python"},
        owners=OWNERS,
        description="Population, benchmarks, targets, placement costs, postcode districts, school ratings and councils "
        "from the reference folder, as staging.ref_* tables.",
    )
    def reference_data(warehouse: WarehouseResource, extracts: ExtractsResource) -> MaterializeResult:
        counts = load_reference(warehouse.get(), extracts.reference_path)
        return MaterializeResult(metadata={k: MetadataValue.int(v) for k, v in counts.items()})

    @asset(
        retry_policy=RETRY,
        key=AssetKey(["warehouse", "dim_date"]),
        group_name="warehouse",
        kinds={"python"},
        owners=OWNERS,
        description="Every day 1990-2040 with weekends, England & Wales bank holidays and a running working-day number.",
    )
    def dim_date(warehouse: WarehouseResource) -> MaterializeResult:
        return MaterializeResult(metadata={"rows": MetadataValue.int(load_dim_date(warehouse.get()))})

    # ---- SQL models ----------------------------------------------------------------------

    def _model_deps(model: SqlModel, models: dict[str, SqlModel]) -> list[AssetKey]:
        python_sources = {("staging", "reference_data")}
        deps = [AssetKey([models[r].schema, r]) for r in model.refs]
        for schema, table in model.sources:
            if table.startswith("ref_"):
                deps.append(AssetKey(["staging", "reference_data"]))
            elif (schema, table) not in python_sources:
                deps.append(AssetKey([schema, table]))
        return list(dict.fromkeys(deps))

    def model_spec(model: SqlModel, models: dict[str, SqlModel]) -> AssetSpec:
        """The asset of one SQL model file: its table, description, columns and code version."""
        return AssetSpec(
            AssetKey([model.schema, model.name]),
            deps=_model_deps(model, models),
            group_name=LAYER_GROUPS[model.layer],
            description=model.description or None,
            code_version=model.code_version,
            kinds={"sql"},
            owners=OWNERS,
            metadata={
                "dagster/table_name": f"{model.schema}.{model.name}",
                "sql_file": str(model.path.relative_to(model.path.parents[2])),
                **(
                    {
                        "dagster/column_schema": TableSchema(
                            columns=[TableColumn(c, description=d) for c, d in model.columns.items()]
                        )
                    }
                    if model.columns
                    else {}
                ),
            },
        )

    def model_check(model: SqlModel) -> AssetCheckSpec | None:
        """The model header's declared tests (unique key, not-null columns) as an asset check."""
        if not (model.unique_key or model.not_null) or model.is_plain_view:
            return None
        return AssetCheckSpec(
            f"{model.name}_tests",
            asset=AssetKey([model.schema, model.name]),
            description="unique key and not-null columns from the model header",
            partitions_def=monthly if model.partitioned else None,
        )

    def models_asset(name: str, description: str, models: dict[str, SqlModel], chosen: list[SqlModel]):
        """One Dagster step for many SQL models, as dagster-dbt does for a dbt project: every
        model keeps its own asset (lineage, metadata, checks, its own materialisation), but the
        run pays Dagster's per-step cost once, not once per model. Selecting some of the models
        builds only those, still in dependency order."""
        partitioned = chosen[0].partitioned
        checks = {m.name: check for m in chosen if (check := model_check(m)) is not None}

        @multi_asset(
            name=name,
            description=description,
            specs=[model_spec(m, models) for m in chosen],
            check_specs=list(checks.values()),
            can_subset=True,
            retry_policy=RETRY,
            partitions_def=monthly if partitioned else None,
            backfill_policy=SINGLE_RUN if partitioned else None,
        )
        def _models(context: AssetExecutionContext, warehouse: WarehouseResource):
            wh = warehouse.get()
            months = _months(context) if partitioned else [None]
            selected = context.selected_asset_keys
            refresh_source_statistics(wh, chosen)
            # `chosen` is in dependency order. Each model: one transaction over every month of the
            # run, then its tests; models that do not depend on each other are built side by side.
            todo = [m for m in chosen if AssetKey([m.schema, m.name]) in selected]
            for built in build_models(wh, todo, months, models):
                model, failures = built.model, built.failures
                key = AssetKey([model.schema, model.name])
                rows = sum(r.rows for r in built.results)
                # A view writes no rows: the UI says it is a view rather than "0 rows written".
                written = (
                    {"materialized": MetadataValue.text("view")}
                    if model.materialized == "view"
                    else {"rows_written": MetadataValue.int(rows)}
                )
                yield MaterializeResult(
                    asset_key=key,
                    metadata={**written, "months": MetadataValue.int(len(months))},
                )
                check = checks.get(model.name)
                if check is not None and check.key in context.selected_asset_check_keys:
                    yield AssetCheckResult(
                        asset_key=key,
                        check_name=check.name,
                        passed=not any(failures.values()),
                        severity=AssetCheckSeverity.ERROR,
                        metadata={k: MetadataValue.int(v) for k, v in failures.items()},
                    )

        return _models

    MODELS = load_models()
    MODEL_ASSETS = [
        models_asset(
            "sql_reference_models",
            "SQL models built from reference data alone (not partitioned).",
            MODELS,
            [m for m in MODELS.values() if m.materialized == "table" and not m.partitioned],
        ),
        models_asset(
            "sql_monthly_models",
            "Every monthly SQL model: staging views, conformed warehouse tables and marts, month by month.",
            MODELS,
            [m for m in MODELS.values() if m.partitioned],
        ),
        models_asset(
            "sql_bi_views",
            "The bi views that BI tools read (no data of their own).",
            MODELS,
            [m for m in MODELS.values() if m.is_plain_view],
        ),
    ]

    # ---- scorecard -----------------------------------------------------------------------

    def _indicator_deps() -> list[AssetKey]:
        from cp_pipeline.indicators.catalogue import catalogue
        from cp_pipeline.warehouse.models import _REF, _SOURCE

        deps = []
        for indicator in catalogue().values():
            deps += [AssetKey([MODELS[r].schema, r]) for r in _REF.findall(indicator.sql)]
            deps += [
                AssetKey(["staging", "reference_data"]) if t.startswith("ref_") else AssetKey([s, t])
                for s, t in _SOURCE.findall(indicator.sql)
            ]
        return list(
            dict.fromkeys(
                deps + [AssetKey(["dq", "extract_tables"]), AssetKey(["mart", "indicator_catalogue"])]
            )
        )

    @asset(
        retry_policy=RETRY,
        key=AssetKey(["mart", "indicator_catalogue"]),
        group_name="marts",
        kinds={"python"},
        owners=OWNERS,
        description="The indicator catalogue (cp_pipeline/indicators/catalogue.yaml) as a table for BI tools.",
    )
    def indicator_catalogue(warehouse: WarehouseResource) -> MaterializeResult:
        return MaterializeResult(metadata={"indicators": MetadataValue.int(write_catalogue(warehouse.get()))})

    @asset(
        retry_policy=RETRY,
        key=AssetKey(["mart", "scorecard_indicator"]),
        deps=_indicator_deps() + [AssetKey(["staging", "reference_data"])],
        group_name="marts",
        partitions_def=monthly,
        backfill_policy=SINGLE_RUN,
        kinds={"python", "sql"},
        owners=OWNERS,
        description="One row per council, period end and indicator code: value, target, RAG, benchmarks, trend.",
        check_specs=[
            AssetCheckSpec(
                "one_row_per_council_month_code",
                asset=AssetKey(["mart", "scorecard_indicator"]),
                partitions_def=monthly,
            ),
            AssetCheckSpec(
                "gx_warehouse_suite",
                asset=AssetKey(["mart", "scorecard_indicator"]),
                description="Great Expectations on the conformed tables and the scorecard, through "
                "GX's SQL datasource",
                partitions_def=monthly,
            ),
        ],
    )
    def scorecard_indicator(
        context: AssetExecutionContext,
        warehouse: WarehouseResource,
        extracts: ExtractsResource,
        gx: GxWorkerResource,
    ):
        from cp_pipeline.validation.run import validate_warehouse_months

        wh = warehouse.get()
        preview = {}
        tally: Counter = Counter()
        newest: dict[str, pd.DataFrame] = {}

        def scored_months():
            for month in _months(context):
                frame = write_scorecard(wh, month, publish=extracts.publish)
                tally["rows"] += len(frame)
                tally["duplicates"] += int(frame.duplicated(["la_code", "indicator_code"]).sum())
                newest["frame"] = frame
                cla = frame[frame["indicator_code"] == "CLA_COUNT"]
                preview[month] = {
                    la: (None if v is None or pd.isna(v) else float(v))
                    for la, v in zip(cla["la_code"], cla["value"], strict=True)
                }
                yield month

        # The warehouse suite of a month runs in a GX helper while the next month is scored.
        gx_failures = 0
        for _month, results in validate_warehouse_months(wh, scored_months(), gx_worker=gx.get()):
            gx_failures += int((results["success"] == False).sum())  # noqa: E712 - null means skipped
        rows, duplicates, latest = tally["rows"], tally["duplicates"], newest.get("frame")
        yield MaterializeResult(
            metadata={
                "rows_written": MetadataValue.int(rows),
                "cla_count_by_council": MetadataValue.json(preview),
                **(
                    {"latest_month": MetadataValue.md(_scorecard_preview(latest))}
                    if latest is not None
                    else {}
                ),
            }
        )
        yield AssetCheckResult(
            check_name="one_row_per_council_month_code",
            passed=duplicates == 0,
            metadata={"duplicate_rows": duplicates},
        )
        yield AssetCheckResult(
            check_name="gx_warehouse_suite",
            passed=gx_failures == 0,
            metadata={"failed_expectations": gx_failures},
        )

    @asset(
        retry_policy=RETRY,
        key=AssetKey(["reports", "board_scorecard"]),
        deps=[AssetKey(["mart", "scorecard_indicator"]), AssetKey(["dq", "validation_result"])],
        group_name="reports",
        partitions_def=monthly,
        backfill_policy=SINGLE_RUN,
        kinds={"html", "excel"},
        owners=OWNERS,
        description="The board scorecard for each council: a self-contained HTML page and an XLSX workbook.",
    )
    def board_scorecard(
        context: AssetExecutionContext,
        warehouse: WarehouseResource,
        extracts: ExtractsResource,
        gx: GxWorkerResource,
    ):
        from cp_pipeline.reporting.report import write_reports_for_months

        # Drawn in the run's helper processes (warm, on the other core): in a backfill, the next
        # month's figures are read while the last month's reports are drawn.
        written = write_reports_for_months(
            _months(context), out_dir=extracts.reports_path, warehouse=warehouse.get(), helpers=gx.get()
        )
        latest = [p for p in written if p.suffix == ".html"][-1:]
        return MaterializeResult(
            metadata={
                "files_written": MetadataValue.int(len(written)),
                **({"latest_report": MetadataValue.path(str(latest[0].resolve()))} if latest else {}),
            }
        )

    return [
        land_and_stage_extracts,
        validation_result,
        reference_data,
        dim_date,
        *MODEL_ASSETS,
        indicator_catalogue,
        scorecard_indicator,
        board_scorecard,
    ]
