"""Writes the board scorecard for a month, one self-contained HTML file and one XLSX per council.

Reads mart.scorecard_indicator (the month and the eleven before it), mart.scorecard_breakdown and
the dq tables; every table other than mart.scorecard_indicator may be absent. Callable from a
Dagster asset: `write_reports(month, warehouse=...)` returns the paths it wrote.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cp_pipeline.indicators.catalogue import Indicator, catalogue
from cp_pipeline.reporting import charts
from cp_pipeline.reporting.commentary import (
    TrendPoint,
    breakdown_sentence,
    indicator_commentary,
    section_summary,
)
from cp_pipeline.reporting.formatting import (
    as_float,
    direction_of_change,
    format_difference,
    format_number,
    format_value,
    is_missing,
    month_label,
    months_ending,
    rag_label,
    short_month_label,
)
from cp_pipeline.settings import Settings
from cp_pipeline.warehouse.engine import Warehouse, qualified

log = logging.getLogger(__name__)

# openpyxl (the workbook) is imported where a report is drawn, not here: a run's main process only
# reads the figures and hands them to its helpers, which import it while the run lands its files
# (`warm_up`).

TEMPLATES_DIR = Path(__file__).with_name("templates")
# From this many councils a month, reports are drawn in up to REPORT_PROCESSES processes when a
# run's helpers are not there to draw them (one council's report takes ~0.14 s since its charts
# are drawn without vl-convert, starting two processes ~1 s: 10 councils took 1.4 s in turn and
# 1.7 s in two processes, 20 took 2.8 s and 2.4 s).
PARALLEL_FROM_COUNCILS = 16
REPORT_PROCESSES = 2

# The seeds' order of sections; a section the catalogue names otherwise goes after these.
SECTION_ORDER = (
    ("demand", "Demand and population"),
    ("placement", "Placements and stability"),
    ("permanence", "Permanence and adoption"),
    ("practice", "Practice standards"),
    ("health", "Health"),
    ("missing", "Missing from care and exploitation"),
    ("care leaver", "Care leavers"),
    ("workforce", "Workforce and caseloads"),
)
OTHER_SECTION = "Other indicators"

# Breakdown dimensions in the order the seeds show demographics, with their board titles.
DIMENSION_TITLES = {
    "sex": "Sex",
    "ethnicity": "Ethnic group",
    "ethnic_group": "Ethnic group",
    "age": "Age",
    "age_band": "Age",
    "legal_status": "Legal status",
    "length_in_care": "Length of time in care",
    "length_of_period": "Length of time in care",
    "period_length": "Length of time in care",
    "placement_group": "Placement type",
    "area": "Placed in or out of area",
    "in_out_area": "Placed in or out of area",
    "location": "Placed in or out of area",
    "sen": "Special educational needs",
    "sen_status": "Special educational needs",
}

UNIT_WORDS = {"rate_per_10k": "per 10,000 children", "days": "days", "weeks": "weeks", "hours": "hours"}
TABLE_COLUMNS = ("table_name", "present", "raw_rows", "staged_rows", "rejected_rows")
BENCHMARK_LABELS = (("england", "England"), ("region", "Region"), ("stat_neighbours", "Stat. neighbours"))


# ---- reading the warehouse ---------------------------------------------------------------


@dataclass
class DataQuality:
    """What the board needs to know to judge how far to trust the month's figures."""

    tables: pd.DataFrame = field(default_factory=pd.DataFrame)  # dq.extract_tables + flagged counts
    rules: pd.DataFrame = field(default_factory=pd.DataFrame)  # quarantine counts by table, rule, action
    failed_checks: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: pd.DataFrame = field(default_factory=pd.DataFrame)
    absent: list[dict] = field(default_factory=list)  # {"table", "indicators"}


@dataclass
class CouncilData:
    la_code: str
    la_name: str
    region_name: str | None
    month: str
    rows: pd.DataFrame
    trend: pd.DataFrame
    breakdowns: pd.DataFrame
    data_quality: DataQuality


def _exists(warehouse: Warehouse, conn, schema: str, table: str) -> bool:
    if conn is None:
        with warehouse.engine.connect() as own:
            return warehouse.table_exists(own, schema, table)
    return warehouse.table_exists(conn, schema, table)


def _la_filter(la_code: str | None, params: dict) -> str:
    if la_code:
        params["la"] = la_code
        return " AND la_code = :la"
    return ""


def load_scorecard(warehouse: Warehouse, month: str, la_code: str | None = None, conn=None) -> pd.DataFrame:
    params = {"m": month}
    sql = "SELECT * FROM mart.scorecard_indicator WHERE extract_month = :m" + _la_filter(la_code, params)
    return warehouse.read_frame(sql + " ORDER BY la_code, indicator_code", params, conn)


def load_trend(warehouse: Warehouse, month: str, la_code: str | None = None, conn=None) -> pd.DataFrame:
    """The 12 months ending `month` of every indicator, from mart.scorecard_indicator."""
    months = months_ending(month, 12)
    params = {f"m{i}": m for i, m in enumerate(months)}
    placeholders = ", ".join(f":m{i}" for i in range(len(months)))
    sql = (
        "SELECT la_code, extract_month, indicator_code, value, target, suppressed "
        f"FROM mart.scorecard_indicator WHERE extract_month IN ({placeholders})"
    ) + _la_filter(la_code, params)
    return warehouse.read_frame(sql, params, conn)


def load_breakdowns(warehouse: Warehouse, month: str, la_code: str | None = None, conn=None) -> pd.DataFrame:
    columns = ["la_code", "dimension", "category", "children", "percent", "suppressed"]
    if not _exists(warehouse, conn, "mart", "scorecard_breakdown"):
        return pd.DataFrame(columns=columns)
    params = {"m": month}
    sql = (
        "SELECT la_code, dimension, category, children, percent, suppressed FROM mart.scorecard_breakdown "
        "WHERE extract_month = :m" + _la_filter(la_code, params)
    )
    return warehouse.read_frame(sql, params, conn)


def _month_rows(
    warehouse: Warehouse, conn, schema: str, table: str, month: str, la_code: str | None
) -> pd.DataFrame:
    if not _exists(warehouse, conn, schema, table):
        return pd.DataFrame()
    params = {"m": month}
    sql = f"SELECT * FROM {qualified(schema, table)} WHERE extract_month = :m" + _la_filter(la_code, params)
    return warehouse.read_frame(sql, params, conn)


def load_data_quality(
    warehouse: Warehouse, month: str, la_code: str | None = None, conn=None
) -> dict[str, pd.DataFrame]:
    """The month's dq tables (each empty when absent), keyed by table name."""
    names = ("quarantine", "validation_result", "file_manifest", "extract_tables")
    return {name: _month_rows(warehouse, conn, "dq", name, month, la_code) for name in names}


def load_council_names(warehouse: Warehouse, conn=None) -> dict[str, tuple[str, str | None]]:
    if not _exists(warehouse, conn, "staging", "ref_las"):
        return {}
    frame = warehouse.read_frame("SELECT * FROM staging.ref_las", None, conn)
    return {
        str(r["la_code"]): (
            str(r.get("la_name") or r["la_code"]),
            None if is_missing(r.get("region_name")) else str(r["region_name"]),
        )
        for r in frame.to_dict("records")
    }


def load_catalogue(warehouse: Warehouse, conn=None) -> dict[str, Indicator]:
    """The catalogue as the package defines it; the warehouse copy if the package's is unreadable."""
    try:
        return dict(catalogue())
    except Exception as exc:  # a half-written catalogue must not stop the board report
        log.warning("catalogue unreadable (%s): using mart.indicator_catalogue", exc)
    if not _exists(warehouse, conn, "mart", "indicator_catalogue"):
        return {}
    frame = warehouse.read_frame("SELECT * FROM mart.indicator_catalogue", None, conn)
    entries = {}
    for r in frame.to_dict("records"):
        entries[r["indicator_code"]] = Indicator(
            code=r["indicator_code"],
            name=r.get("name") or r["indicator_code"],
            section=r.get("section") or OTHER_SECTION,
            description=r.get("description") or "",
            unit=r.get("unit") or "count",
            polarity=r.get("polarity") or "neutral",
            reads=tuple(t for t in str(r.get("reads") or "").split(",") if t),
            board_wording=r.get("board_wording") or "",
            choice=r.get("choice") or "",
        )
    return entries


# ---- shaping the data quality panel --------------------------------------------------------


def _personal_cells(quarantine: pd.DataFrame) -> pd.Series:
    from cp_pipeline.extracts.specs import table_specs
    from cp_pipeline.validation.quarantine import is_personal

    personal = {
        (table.name, column.name)
        for table in table_specs().values()
        for column in table.columns
        if is_personal(column)
    }
    if "column_name" not in quarantine.columns:
        return pd.Series(False, index=quarantine.index)
    keys = zip(quarantine["table_name"], quarantine["column_name"], strict=True)
    return pd.Series([key in personal for key in keys], index=quarantine.index)


def summarise_data_quality(
    dq: Mapping[str, pd.DataFrame], rows: pd.DataFrame, indicators: Mapping[str, Indicator]
) -> DataQuality:
    """One council's dq tables as the panel shows them (pure)."""
    quarantine = dq.get("quarantine", pd.DataFrame())
    if not quarantine.empty:
        actions = quarantine.assign(action=quarantine["action"].fillna("rejected"))
        # The board sees an example value only where it is not personal (a child id, a UPN, a date
        # of birth): dq.quarantine keeps it, with file and line, for the council's DQ team.
        actions["value"] = actions["value"].mask(_personal_cells(actions))
        rules = (
            actions.groupby(["table_name", "rule_id", "action"], dropna=False)
            .agg(rows=("action", "size"), message=("message", "first"), value=("value", "first"))
            .reset_index()
            .sort_values(["rows", "table_name"], ascending=[False, True])
        )
        by_table = actions.pivot_table(
            index="table_name", columns="action", values="rule_id", aggfunc="size", fill_value=0
        )
    else:
        rules = pd.DataFrame(columns=["table_name", "rule_id", "action", "rows", "message", "value"])
        by_table = pd.DataFrame()

    tables = dq.get("extract_tables", pd.DataFrame()).copy()
    if tables.empty and not by_table.empty:
        tables = pd.DataFrame({"table_name": by_table.index})
    tables = tables.reindex(columns=list(dict.fromkeys([*tables.columns, *TABLE_COLUMNS])))
    if not tables.empty:
        for action in ("rejected", "flagged"):
            counts = by_table[action] if action in getattr(by_table, "columns", []) else pd.Series(dtype=int)
            tables[f"{action}_in_quarantine"] = tables["table_name"].map(counts).fillna(0).astype(int)
        tables = tables.sort_values("table_name")

    checks = dq.get("validation_result", pd.DataFrame())
    if not checks.empty and "success" in checks.columns:
        checks = checks[~checks["success"].fillna(False).astype(bool)]

    files = dq.get("file_manifest", pd.DataFrame())
    if not files.empty:
        files = files.sort_values("source_file")

    # Which indicators an absent table blanks: as recorded on the rows, else from the catalogue.
    absent_tables = []
    if not tables.empty and "present" in tables.columns:
        absent_tables = sorted(tables.loc[~tables["present"].fillna(True).astype(bool), "table_name"])
    blanked: dict[str, set[str]] = {t: set() for t in absent_tables}
    for record in rows.to_dict("records"):
        missing = record.get("missing_tables")
        if not is_missing(missing):
            for table in str(missing).split(","):
                if table.strip():
                    blanked.setdefault(table.strip(), set()).add(record["indicator_code"])
    for code, indicator in indicators.items():
        for table in indicator.reads:
            if table in blanked:
                blanked[table].add(code)
    absent = [
        {"table": t, "indicators": sorted(indicators[c].name if c in indicators else c for c in codes)}
        for t, codes in sorted(blanked.items())
    ]
    return DataQuality(tables=tables, rules=rules, failed_checks=checks, files=files, absent=absent)


# ---- building the page ---------------------------------------------------------------------


def section_of(indicator: Indicator | None) -> str:
    if indicator is None or not indicator.section:
        return OTHER_SECTION
    lowered = indicator.section.lower()
    for key, title in SECTION_ORDER:
        if key in lowered:
            return title
    return indicator.section


def _section_rank(section: str) -> int:
    titles = [title for _, title in SECTION_ORDER]
    return titles.index(section) if section in titles else len(titles)


def _count_text(value: Any) -> str:
    number = as_float(value)
    if number is None:
        return ""
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def numerator_text(row: Mapping[str, Any]) -> str | None:
    """'451 of 456' for percents; the base of means, rates and ratios; nothing for counts."""
    if (
        row.get("suppressed") is True
        or as_float(row.get("denominator")) is None
        or as_float(row.get("numerator")) is None
    ):
        return None
    num, den, unit = _count_text(row["numerator"]), _count_text(row["denominator"]), row["unit"]
    if unit == "percent":
        return f"{num} of {den}"
    if unit == "rate_per_10k":
        return f"{num} children in a population of {den}"
    if unit in ("days", "weeks", "hours") or (unit == "count" and as_float(row["denominator"])):
        return f"average over {den}"
    return f"{num} over {den}"


def _arrow(row: Mapping[str, Any]) -> dict:
    if row.get("suppressed") is True:
        return {"symbol": "", "css": "neutral", "text": "no comparison (suppressed)"}
    unit, polarity = row["unit"], row.get("polarity") or "neutral"
    direction, judgement = direction_of_change(row.get("value"), row.get("value_last_month"), polarity, unit)
    if direction == "unknown":
        missing = "this month" if as_float(row.get("value")) is None else "last month"
        return {"symbol": "\u2013", "css": "neutral", "text": f"no figure {missing} to compare"}
    before = format_value(row.get("value_last_month"), unit)
    if direction == "same":
        return {"symbol": "\u25c6", "css": "neutral", "text": f"no change on last month ({before})"}
    size = format_difference(as_float(row["value"]) - as_float(row["value_last_month"]), unit)
    css = {"better": "good", "worse": "bad"}.get(judgement, "neutral")
    verdict = f" \u2013 {judgement}" if judgement in ("better", "worse") else ""
    return {
        "symbol": "\u25b2" if direction == "up" else "\u25bc",
        "css": css,
        "text": f"{direction} {size} from {before} last month{verdict}",
    }


def _trend_points(trend: pd.DataFrame, code: str, months: list[str]) -> list[TrendPoint]:
    by_month = {r["extract_month"]: r for r in trend[trend["indicator_code"] == code].to_dict("records")}
    points = []
    for month in months:
        record = by_month.get(month, {})
        suppressed = record.get("suppressed")
        points.append(
            TrendPoint(
                extract_month=month,
                value=as_float(record.get("value")),
                target=as_float(record.get("target")),
                suppressed=False if is_missing(suppressed) else bool(suppressed),
            )
        )
    return points


def _clean(record: Mapping[str, Any]) -> dict:
    """A row with NaN/NA as None and suppressed as a real bool, for templates and commentary."""
    row = {k: (None if is_missing(v) else v) for k, v in record.items()}
    row["suppressed"] = bool(row.get("suppressed")) if row.get("suppressed") is not None else False
    return row


def tile_for(row: dict, indicator: Indicator | None, points: list[TrendPoint], month: str) -> dict:
    unit = row["unit"]
    name = indicator.name if indicator else row["indicator_code"]
    suppressed = row["suppressed"]
    word, symbol = rag_label(row.get("rag"))
    if row.get("rag") is None and row.get("target") is not None:
        word = "Not rated"  # a target, but no figure (or a suppressed one) to rate against it
    has_trend = any(p.usable for p in points)
    trend_svg = None
    if has_trend:
        label = f"12-month trend of {name}" + (
            " with its target as a dashed line" if any(p.target is not None for p in points) else ""
        )
        trend_svg = charts.trend_svg(points, unit, label)
    return {
        "code": row["indicator_code"],
        "name": name,
        "description": indicator.description if indicator else "",
        "unit": unit,
        "value_text": format_value(row.get("value"), unit, suppressed=suppressed),
        # The big figure and its unit words apart, so '52.8 per 10,000 children' fits a tile.
        "value_unit": UNIT_WORDS.get(unit, "") if row.get("value") is not None and not suppressed else "",
        "value_number": None
        if row.get("value") is None or suppressed
        else format_number(row["value"], unit) + ("%" if unit == "percent" else ""),
        "suppressed": suppressed,
        "no_figure": not suppressed and row.get("value") is None,
        "missing_tables": row.get("missing_tables"),
        "rag": {"word": word, "symbol": symbol, "css": (row.get("rag") or "none").lower()},
        "target_text": None if row.get("target") is None else format_value(row["target"], unit),
        "polarity_text": {"up": "higher is better", "down": "lower is better"}.get(
            row.get("polarity"), "neither higher nor lower is better"
        ),
        "arrow": _arrow(row),
        "numerator_text": numerator_text(row),
        "benchmarks": [
            (label, format_value(row.get(column), unit) if row.get(column) is not None else "not published")
            for column, label in BENCHMARK_LABELS
        ],
        "trend_svg": trend_svg,
        "trend_rows": [
            (
                month_label(p.extract_month),
                "suppressed" if p.suppressed else format_value(p.value, unit),
                "" if p.target is None else format_value(p.target, unit),
            )
            for p in points
        ],
        "has_trend": has_trend,
        "commentary": indicator_commentary(row, points, month),
    }


def _breakdown_figures(breakdowns: pd.DataFrame) -> list[dict]:
    if breakdowns.empty:
        return []
    known = list(DIMENSION_TITLES)
    dims = sorted(
        breakdowns["dimension"].dropna().unique(),
        key=lambda d: (known.index(d) if d in known else len(known), str(d)),
    )
    figures = []
    for dimension in dims:
        part = breakdowns[breakdowns["dimension"] == dimension]
        title = DIMENSION_TITLES.get(dimension, str(dimension).replace("_", " ").capitalize())
        rows, categories, percents = [], [], []
        for r in part.to_dict("records"):
            suppressed = not is_missing(r.get("suppressed")) and bool(r.get("suppressed"))
            category = "not recorded" if is_missing(r.get("category")) else str(r["category"])
            percent = None if suppressed else as_float(r.get("percent"))
            categories.append(category)
            percents.append(percent)
            rows.append(
                (
                    category,
                    "suppressed" if suppressed else (_count_text(r.get("children")) or "no figure"),
                    "suppressed" if suppressed else format_value(percent, "percent"),
                )
            )
        svg = None
        if any(p is not None for p in percents):
            svg = charts.breakdown_svg(
                categories, percents, f"Children looked after by {title.lower()}, per cent"
            )
        figures.append(
            {
                "dimension": dimension,
                "title": title,
                "svg": svg,
                "rows": rows,
                "sentence": breakdown_sentence(title, part.to_dict("records")),
            }
        )
    return figures


def build_context(data: CouncilData, indicators: Mapping[str, Indicator]) -> dict:
    """Everything the template shows for one council (charts rendered here, text escaped there)."""
    months = months_ending(data.month, 12)
    sections: dict[str, list[dict]] = {}
    raw_rows: dict[str, list[dict]] = {}
    for record in data.rows.to_dict("records"):
        row = _clean(record)
        indicator = indicators.get(row["indicator_code"])
        row["unit"] = row.get("unit") or (indicator.unit if indicator else "count")
        row["polarity"] = row.get("polarity") or (indicator.polarity if indicator else "neutral")
        section = section_of(indicator)
        points = _trend_points(data.trend, row["indicator_code"], months)
        sections.setdefault(section, []).append(tile_for(row, indicator, points, data.month))
        raw_rows.setdefault(section, []).append(row)
    catalogue_order = {code: i for i, code in enumerate(indicators)}
    ordered = []
    for section in sorted(sections, key=lambda s: (_section_rank(s), s)):
        tiles = sorted(sections[section], key=lambda t: catalogue_order.get(t["code"], len(catalogue_order)))
        ordered.append(
            {
                "title": section,
                "anchor": "section-" + "".join(c if c.isalnum() else "-" for c in section.lower()),
                "summary": section_summary(raw_rows[section]),
                "tiles": tiles,
            }
        )
    breakdowns = _breakdown_figures(data.breakdowns)
    all_rows = [r for rows in raw_rows.values() for r in rows]
    rag_counts = {
        w: sum(1 for r in all_rows if (r.get("rag") or "").lower() == w) for w in ("green", "amber", "red")
    }
    dq = data.data_quality
    quarantine_totals = {
        action: int(dq.rules.loc[dq.rules["action"] == action, "rows"].sum()) if not dq.rules.empty else 0
        for action in ("rejected", "flagged")
    }
    raw_total = int(
        pd.to_numeric(dq.tables.get("raw_rows", pd.Series(dtype=float)), errors="coerce").fillna(0).sum()
    )
    loaded = pd.to_datetime(dq.files["loaded_at"], errors="coerce").max() if "loaded_at" in dq.files else None
    return {
        "la_code": data.la_code,
        "la_name": data.la_name,
        "region_name": data.region_name,
        "month": data.month,
        "month_label": month_label(data.month),
        "first_month_label": month_label(months[0]),
        "generated": dt.datetime.now().strftime("%d %B %Y %H:%M"),
        "sections": ordered,
        "rag_counts": rag_counts,
        "indicator_count": len(all_rows),
        "suppressed_count": sum(1 for r in all_rows if r["suppressed"]),
        "no_figure_count": sum(1 for r in all_rows if not r["suppressed"] and r.get("value") is None),
        "breakdowns": breakdowns,
        "dq": {
            "tables": _records(dq.tables),
            "rules": _records(dq.rules),
            "failed_checks": _records(dq.failed_checks),
            "files": _records(dq.files),
            "absent": dq.absent,
            "rejected": quarantine_totals["rejected"],
            "flagged": quarantine_totals["flagged"],
            "raw_rows": raw_total,
            "loaded_at": None if loaded is None or pd.isna(loaded) else loaded.strftime("%d %B %Y %H:%M"),
        },
        "format_number": format_number,
        "count_text": _count_text,
        "short_month": short_month_label,
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if is_missing(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


@cache
def _environment() -> Environment:
    """One Jinja environment per process, so each template is compiled once (it checks the
    template files' times on use, so an edited template is still picked up)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(context: dict) -> str:
    return _environment().get_template("scorecard.html.j2").render(**context)


def workbook_records(data: CouncilData, context: dict, indicators: Mapping[str, Indicator]) -> dict:
    months = months_ending(data.month, 12)
    trend = {}
    for r in data.trend.to_dict("records"):
        suppressed = not is_missing(r.get("suppressed")) and bool(r.get("suppressed"))
        trend.setdefault(r["indicator_code"], {})[month_label(r["extract_month"])] = (
            "suppressed" if suppressed else as_float(r.get("value"))
        )
    indicator_rows = []
    for section in context["sections"]:
        for tile in section["tiles"]:
            record = _clean(data.rows[data.rows["indicator_code"] == tile["code"]].iloc[0].to_dict())
            indicator_rows.append(
                record
                | {"section": section["title"], "name": tile["name"], "trend": trend.get(tile["code"], {})}
            )
    return {
        "indicator_rows": indicator_rows,
        "trend_months": [month_label(m) for m in months],
        "breakdown_rows": _records(data.breakdowns),
        "definitions": [
            {
                "code": i.code,
                "name": i.name,
                "section": section_of(i),
                "description": i.description,
                "unit": i.unit,
                "polarity": i.polarity,
                "reads": ", ".join(i.reads),
                "choice": i.choice,
            }
            for i in indicators.values()
        ],
        "data_quality_rows": _records(data.data_quality.rules),
    }


def _for_council(frame: pd.DataFrame, la_code: str) -> pd.DataFrame:
    if frame.empty or "la_code" not in frame.columns:
        return frame
    return frame[frame["la_code"] == la_code]


def _council_data(
    warehouse: Warehouse, month: str, la_code: str | None
) -> tuple[list[CouncilData], Mapping[str, Indicator]]:
    """Everything each council's report shows for the month, read from the warehouse at once."""
    with warehouse.engine.connect() as conn:
        if not warehouse.table_exists(conn, "mart", "scorecard_indicator"):
            raise RuntimeError("mart.scorecard_indicator does not exist: run the pipeline first")
        frame = load_scorecard(warehouse, month, la_code, conn)
        if frame.empty:
            raise RuntimeError(
                f"no scorecard rows for {month}" + (f" and {la_code}" if la_code else "") + ": run it first"
            )
        trend = load_trend(warehouse, month, la_code, conn)
        breakdowns = load_breakdowns(warehouse, month, la_code, conn)
        dq = load_data_quality(warehouse, month, la_code, conn)
        names = load_council_names(warehouse, conn)
        indicators = load_catalogue(warehouse, conn)

    councils = []
    for la, rows in frame.groupby("la_code", sort=True):
        council_dq = {name: _for_council(table, la) for name, table in dq.items()}
        la_name, region_name = names.get(la, (la, None))
        councils.append(
            CouncilData(
                la_code=la,
                la_name=la_name,
                region_name=region_name,
                month=month,
                rows=rows,
                trend=_for_council(trend, la),
                breakdowns=_for_council(breakdowns, la),
                data_quality=summarise_data_quality(council_dq, rows, indicators),
            )
        )
    return councils, indicators


def write_reports(
    month: str,
    la_code: str | None = None,
    out_dir: Path = Path("data/reports"),
    warehouse: Warehouse | None = None,
    helpers: Any = None,
) -> list[Path]:
    """Write scorecard_<la>_<month>.html and .xlsx for each council (or only `la_code`); return the
    paths. With `helpers` (a run's GxWorker, already warm), councils are drawn there."""
    return write_reports_for_months([month], la_code, out_dir, warehouse, helpers)


def write_reports_for_months(
    months: list[str],
    la_code: str | None = None,
    out_dir: Path = Path("data/reports"),
    warehouse: Warehouse | None = None,
    helpers: Any = None,
) -> list[Path]:
    """`write_reports` for several months (a backfill). With `helpers`, a month's councils are
    sent to be drawn as soon as they are read, and the next month is read while they draw."""
    warehouse = warehouse or Warehouse(Settings.from_env().warehouse_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    if helpers is not None:  # each call falls back to this process should the helpers break
        calls = []
        for month in months:
            councils, indicators = _council_data(warehouse, month, la_code)
            calls += [helpers.call(write_council_report, data, indicators, out_dir) for data in councils]
        # While the helpers draw on the other core, this one writes the run's log into the
        # warehouse file: closing the file at the end of the run would otherwise do it then.
        warehouse.checkpoint()
        return [path for call in calls for path in call.result()]
    written = []
    for month in months:
        councils, indicators = _council_data(warehouse, month, la_code)
        written += _draw_here(councils, indicators, out_dir)
    return written


def _draw_here(councils: list[CouncilData], indicators: Mapping[str, Indicator], out_dir: Path) -> list[Path]:
    """Draw reports without a run's helpers: in this process, or a few for many councils."""
    processes = min(REPORT_PROCESSES, os.cpu_count() or 1)
    if len(councils) < PARALLEL_FROM_COUNCILS or processes < 2:
        return [path for data in councils for path in write_council_report(data, indicators, out_dir)]
    # A regional or national run: each council's report is drawn in one of a few processes
    # (charts and templates are CPU-bound Python; the data was read above, in this process).
    try:
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
            done = pool.map(write_council_report, councils, repeat(indicators), repeat(out_dir), chunksize=4)
            return [path for paths in done for path in paths]
    except BrokenProcessPool:  # a helper died (e.g. a script without a __main__ guard): draw here
        log.warning("report processes failed; writing the reports in this process")
        return [path for data in councils for path in write_council_report(data, indicators, out_dir)]


def warm_up() -> None:
    """Make a helper process ready to draw reports: import the drawing half of this module."""
    from cp_pipeline.reporting import workbook  # noqa: F401 - imported now, used later


def write_council_report(data: CouncilData, indicators: Mapping[str, Indicator], out_dir: Path) -> list[Path]:
    """One council's HTML page and XLSX workbook, each written whole or not at all."""
    from cp_pipeline.reporting.workbook import write_workbook

    context = build_context(data, indicators)
    stem = out_dir / f"scorecard_{data.la_code}_{data.month}"
    html_path = stem.with_suffix(".html")
    partial = html_path.with_name(html_path.name + ".partial")
    partial.write_text(render_html(context), encoding="utf-8")
    os.replace(partial, html_path)  # whole or not at all, like the warehouse writes
    xlsx_path = write_workbook(stem.with_suffix(".xlsx"), **workbook_records(data, context, indicators))
    return [html_path, xlsx_path]
