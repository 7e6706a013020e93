"""Plain-English commentary for the board, written from the numbers by templates (pure functions).

Every sentence states what the figures show: change on last month and on twelve months ago,
target met or missed, best and worst of the last twelve months, position against England,
the region and statistical neighbours. None gives a cause: causes are for officers to add.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cp_pipeline.reporting.formatting import (
    as_float,
    direction_of_change,
    format_difference,
    format_value,
    is_missing,
    month_label,
    rag_label,
)

BENCHMARK_NAMES = {
    "england": "England",
    "region": "the region",
    "stat_neighbours": "statistical neighbours",
}


@dataclass(frozen=True)
class TrendPoint:
    """One month of an indicator's history, as mart.scorecard_indicator holds it."""

    extract_month: str
    value: float | None
    target: float | None = None
    suppressed: bool = False

    @property
    def usable(self) -> bool:
        return not self.suppressed and self.value is not None


def _is_true(flag: Any) -> bool:
    return False if is_missing(flag) else bool(flag)


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _join(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _meets_target(value: float, target: float, polarity: str) -> bool:
    return value <= target if polarity == "down" else value >= target


def unavailable_sentence(row: Mapping[str, Any], month: str) -> str | None:
    """Why there is no figure, when there is none: suppressed, extract not received, or nothing to count."""
    when = month_label(month)
    if _is_true(row.get("suppressed")):
        return (
            f"The figure for {when} is suppressed: it is a small number (1 to 5 children, or a group "
            "under 10), published only as 'suppressed' so that no child can be identified."
        )
    if as_float(row.get("value")) is not None:
        return None
    missing = row.get("missing_tables")
    if not is_missing(missing) and str(missing).strip():
        tables = _join([t.strip() for t in str(missing).split(",") if t.strip()])
        noun = "extract was" if "," not in str(missing) else "extracts were"
        return f"There is no figure for {when}: the {tables} {noun} not received this month."
    if as_float(row.get("denominator")) == 0:
        return f"There is no figure for {when}: there were no children in the group this measure counts."
    return f"There is no figure for {when}."


def last_month_sentence(row: Mapping[str, Any]) -> str | None:
    """'This is up from 75.0% last month, a rise of 5.0 percentage points, which is better.'"""
    unit, polarity = row["unit"], row.get("polarity") or "neutral"
    value, previous = row.get("value"), row.get("value_last_month")
    direction, judgement = direction_of_change(value, previous, polarity, unit)
    if direction == "unknown":
        return None
    before = format_value(previous, unit)
    if direction == "same":
        return f"This is the same as last month ({before})."
    size = format_difference(as_float(value) - as_float(previous), unit)
    movement = "a rise" if direction == "up" else "a fall"
    verdict = f", which is {judgement}" if judgement in ("better", "worse") else ""
    return f"This is {direction} from {before} last month, {movement} of {size}{verdict}."


def year_ago_sentence(row: Mapping[str, Any]) -> str | None:
    """'Twelve months ago it was 70.0%, so it is up 10.0 percentage points over the year, which is better.'"""
    unit, polarity = row["unit"], row.get("polarity") or "neutral"
    value, previous = row.get("value"), row.get("value_12_months_ago")
    direction, judgement = direction_of_change(value, previous, polarity, unit)
    if direction == "unknown":
        return None
    before = format_value(previous, unit)
    if direction == "same":
        return f"It is the same as twelve months ago ({before})."
    size = format_difference(as_float(value) - as_float(previous), unit)
    verdict = f", which is {judgement}" if judgement in ("better", "worse") else ""
    return f"Twelve months ago it was {before}, so it is {direction} {size} over the year{verdict}."


def target_sentence(row: Mapping[str, Any]) -> str | None:
    """Meeting or missing the target, by how much, with the RAG word."""
    value, target = as_float(row.get("value")), as_float(row.get("target"))
    if value is None or target is None:
        return None
    unit, polarity = row["unit"], row.get("polarity") or "neutral"
    if polarity not in ("up", "down"):
        return f"The target is {format_value(target, unit)}."
    bound = "or more" if polarity == "up" else "or less"
    word, _ = rag_label(row.get("rag"))
    rag = f" ({word})" if word != "No target" else ""
    if _meets_target(value, target, polarity):
        return f"It is meeting the target of {format_value(target, unit)} {bound}{rag}."
    gap = format_difference(value - target, unit)
    return f"It is missing the target of {format_value(target, unit)} {bound} by {gap}{rag}."


def target_run_sentence(row: Mapping[str, Any], trend: Sequence[TrendPoint]) -> str | None:
    """'It has met its target in each of the last 6 months.' (a run of three months or more)."""
    polarity = row.get("polarity") or "neutral"
    if polarity not in ("up", "down"):
        return None
    run, met_now = 0, None
    for point in reversed(trend):
        if not point.usable or point.target is None:
            break
        met = _meets_target(point.value, point.target, polarity)
        if met_now is None:
            met_now = met
        if met != met_now:
            break
        run += 1
    if run < 3:
        return None
    if met_now:
        return f"It has met its target in each of the last {run} months."
    return f"It has missed its target in each of the last {run} months."


def extremes_sentence(row: Mapping[str, Any], trend: Sequence[TrendPoint]) -> str | None:
    """Best and worst (or highest and lowest, for neutral measures) of the last 12 months."""
    points = [p for p in trend if p.usable]
    value = as_float(row.get("value"))
    if len(points) < 3 or value is None or _is_true(row.get("suppressed")):
        return None
    unit, polarity = row["unit"], row.get("polarity") or "neutral"
    highest = max(points, key=lambda p: p.value)
    lowest = min(points, key=lambda p: p.value)
    if highest.value == lowest.value:
        return f"It has been {format_value(value, unit)} in every month of the last 12 with a figure."
    if polarity == "down":
        best, worst, good, bad = lowest, highest, "best", "worst"
    elif polarity == "up":
        best, worst, good, bad = highest, lowest, "best", "worst"
    else:
        best, worst, good, bad = highest, lowest, "highest", "lowest"

    def show(point: TrendPoint) -> str:
        return f"{format_value(point.value, unit)} in {month_label(point.extract_month)}"

    if value == best.value:
        return f"This is the {good} figure of the last 12 months; the {bad} was {show(worst)}."
    if value == worst.value:
        return f"This is the {bad} figure of the last 12 months; the {good} was {show(best)}."
    return f"Over the last 12 months the {good} figure was {show(best)} and the {bad} {show(worst)}."


def benchmark_sentence(row: Mapping[str, Any]) -> str | None:
    """Position against England, the region and statistical neighbours, where published."""
    value = as_float(row.get("value"))
    if value is None or _is_true(row.get("suppressed")):
        return None
    unit, polarity = row["unit"], row.get("polarity") or "neutral"
    phrases = []
    for column, name in BENCHMARK_NAMES.items():
        benchmark = as_float(row.get(column))
        if benchmark is None:
            continue
        direction, judgement = direction_of_change(value, benchmark, polarity, unit)
        if direction == "same":
            relation = "in line with"
        elif judgement in ("better", "worse"):
            relation = f"{judgement} than"
        else:
            relation = "higher than" if direction == "up" else "lower than"
        phrases.append(f"{relation} {name} ({format_value(benchmark, unit)})")
    if not phrases:
        return None
    return f"It is {_join(phrases)}."


def indicator_commentary(row: Mapping[str, Any], trend: Sequence[TrendPoint], month: str) -> list[str]:
    """The sentences the board reads under one indicator, in the order the seeds use."""
    unavailable = unavailable_sentence(row, month)
    if unavailable:
        return [unavailable]
    sentences = [
        f"{format_value(row.get('value'), row['unit'])} in {month_label(month)}.",
        last_month_sentence(row),
        year_ago_sentence(row),
        target_sentence(row),
        target_run_sentence(row, trend),
        extremes_sentence(row, trend),
        benchmark_sentence(row),
    ]
    return [s for s in sentences if s]


def section_summary(rows: Iterable[Mapping[str, Any]]) -> str:
    """One paragraph for a section: how many indicators are Green, Amber, Red, and how many
    improved or got worse on last month."""
    rows = list(rows)
    if not rows:
        return "No indicators in this section have figures this month."
    rag_counts = {"green": 0, "amber": 0, "red": 0}
    better = worse = same = unavailable = 0
    for row in rows:
        rag = row.get("rag")
        if not is_missing(rag) and str(rag).lower() in rag_counts:
            rag_counts[str(rag).lower()] += 1
        if as_float(row.get("value")) is None or _is_true(row.get("suppressed")):
            unavailable += 1
            continue
        _, judgement = direction_of_change(
            row.get("value"), row.get("value_last_month"), row.get("polarity") or "neutral", row["unit"]
        )
        better += judgement == "better"
        worse += judgement == "worse"
        same += judgement == "no change"

    sentences = []
    with_rag = sum(rag_counts.values())
    if with_rag:
        parts = [f"{n} {word.capitalize()}" for word, n in rag_counts.items() if n]
        sentences.append(
            f"Of {_plural(len(rows), 'indicator')} in this section, {with_rag} "
            f"{'has' if with_rag == 1 else 'have'} a RAG rating this month: {_join(parts)}."
        )
    else:
        sentences.append(
            f"This section has {_plural(len(rows), 'indicator')}, none with a RAG rating this month."
        )
    moves = []
    if better:
        moves.append(f"{better} improved")
    if worse:
        moves.append(f"{worse} got worse")
    if same:
        moves.append(f"{same} stayed the same")
    if moves:
        sentences.append(f"Compared with last month, {_join(moves)}.")
    if unavailable:
        sentences.append(
            f"{_plural(unavailable, 'indicator')} {'has' if unavailable == 1 else 'have'} no published figure "
            "this month (suppressed or not available)."
        )
    return " ".join(sentences)


def breakdown_sentence(title: str, rows: Iterable[Mapping[str, Any]]) -> str | None:
    """'The largest group by sex is Male: 680 children (54.6%).' Suppressed categories are never named
    as largest, since their size is withheld."""
    shown = [
        r
        for r in rows
        if not _is_true(r.get("suppressed"))
        and as_float(r.get("percent")) is not None
        and not is_missing(r.get("category"))
    ]
    if not shown:
        return None
    largest = max(shown, key=lambda r: as_float(r["percent"]))
    children = as_float(largest.get("children"))
    count = (
        ""
        if children is None
        else f"{format_value(children, 'count')} {'child' if children == 1 else 'children'} "
    )
    return (
        f"The largest group by {title.lower()} is {largest['category']}: "
        f"{count}({format_value(largest['percent'], 'percent')})."
    )
