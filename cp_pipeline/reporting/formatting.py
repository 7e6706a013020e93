"""How numbers, months and RAG statuses are written on the board scorecard (pure functions)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

SUPPRESSED = "suppressed"
NO_FIGURE = "no figure"

# The words and symbols that carry RAG without colour (print, colour-blind readers).
RAG_LABELS = {
    "green": ("Green", "\u2714"),  # heavy check mark
    "amber": ("Amber", "\u25b2"),  # triangle
    "red": ("Red", "\u2716"),  # heavy cross
    None: ("No target", "\u2013"),  # en dash
}

UNIT_SUFFIX = {
    "percent": "%",
    "rate_per_10k": " per 10,000",
    "days": " days",
    "weeks": " weeks",
    "hours": " hours",
}


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas NA: a value the report must not print as a number."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_float(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def decimals_for(unit: str, value: float | None = None) -> int:
    """Decimal places by unit: counts whole (unless a mean), percents and rates 1 dp, days 0 dp,
    weeks and hours 1 dp, ratios 1 dp, money whole pounds."""
    if unit == "count":
        return 0 if value is None or float(value).is_integer() else 1
    if unit in ("days", "gbp"):
        return 0
    return 1


def format_number(value: Any, unit: str) -> str:
    """A value as the board reads it, without the unit for counts and ratios."""
    number = as_float(value)
    if number is None:
        return NO_FIGURE
    places = decimals_for(unit, number)
    text = f"{abs(number):,.{places}f}"
    sign = "-" if number < 0 and float(text.replace(",", "")) != 0 else ""
    if unit == "gbp":
        return f"{sign}\u00a3{text}"
    return f"{sign}{text}"


def format_value(value: Any, unit: str, *, suppressed: bool = False) -> str:
    """Value with its unit: '1,234', '80.0%', '52.8 per 10,000', '382 days', '\u00a3484'.

    A suppressed value is always the word 'suppressed', never 0 or a blank.
    """
    if suppressed:
        return SUPPRESSED
    if as_float(value) is None:
        return NO_FIGURE
    return format_number(value, unit) + UNIT_SUFFIX.get(unit, "")


def format_difference(difference: float, unit: str) -> str:
    """The size of a change, unsigned: '5.0 percentage points', '12 children', '\u00a31,200'."""
    size = abs(difference)
    if unit == "percent":
        return f"{size:,.1f} percentage points"
    if unit == "count":
        return format_number(size, unit)
    return format_number(size, unit) + UNIT_SUFFIX.get(unit, "")


def month_label(extract_month: str) -> str:
    """'2025-01' -> 'January 2025'."""
    return pd.Period(extract_month, freq="M").strftime("%B %Y")


def short_month_label(extract_month: str) -> str:
    """'2025-01' -> 'Jan 25', for chart axes."""
    return pd.Period(extract_month, freq="M").strftime("%b %y")


def shift_month(extract_month: str, months: int) -> str:
    return (pd.Period(extract_month, freq="M") + months).strftime("%Y-%m")


def months_ending(extract_month: str, count: int = 12) -> list[str]:
    """The `count` calendar months ending with `extract_month`, oldest first."""
    return [shift_month(extract_month, -offset) for offset in range(count - 1, -1, -1)]


def rag_label(rag: Any) -> tuple[str, str]:
    """(word, symbol) for a RAG status; null or unknown gives 'No target'."""
    key = None if is_missing(rag) else str(rag).lower()
    return RAG_LABELS.get(key, RAG_LABELS[None])


def direction_of_change(value: Any, previous: Any, polarity: str, unit: str | None = None) -> tuple[str, str]:
    """(direction, judgement) of a change: direction 'up' | 'down' | 'same' | 'unknown';
    judgement 'better' | 'worse' | 'no change' | 'neutral' | 'unknown'.

    A rise is better only for an up-polarity indicator; neutral indicators are never judged.
    With a unit, values equal at the precision the board sees count as the same.
    """
    now, before = as_float(value), as_float(previous)
    if now is None or before is None:
        return "unknown", "unknown"
    if unit is not None:
        places = max(decimals_for(unit, now), decimals_for(unit, before))
        now, before = round(now, places), round(before, places)
    if math.isclose(now, before, rel_tol=1e-9, abs_tol=1e-9):
        return "same", "no change"
    direction = "up" if now > before else "down"
    if polarity not in ("up", "down"):
        return direction, "neutral"
    return direction, "better" if direction == polarity else "worse"
