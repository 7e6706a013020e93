"""Day arithmetic for the generator: dates are whole days since 1970-01-01, held as integers."""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1)
# Blank dates are held as a large negative number so that "day > P" is never true for them.
NO_DATE = -(10**7)
_FIRST = dt.date(1960, 1, 1)
_LAST = dt.date(2199, 12, 31)  # far enough for the longest simulated tenure ending after 2060
_OFFSET = (_FIRST - EPOCH).days


def day(value: dt.date) -> int:
    return (value - EPOCH).days


def to_date(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


def add_years(days: int, years: int) -> int:
    """The same day and month `years` later; 29 February falls back to the 28th."""
    return add_months(days, 12 * years)


def add_months(days: int, months: int) -> int:
    """SQL-style month arithmetic: the same day number, clamped to the length of the month."""
    d = to_date(days)
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return day(dt.date(year, month, min(d.day, last)))


def month_end(year_month: str) -> int:
    year, month = (int(p) for p in year_month.split("-"))
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return day(nxt) - 1


def month_start(year_month: str) -> int:
    year, month = (int(p) for p in year_month.split("-"))
    return day(dt.date(year, month, 1))


def month_sequence(end_month: str, months: int) -> list[str]:
    year, month = (int(p) for p in end_month.split("-"))
    index = year * 12 + month - 1
    out = []
    for i in range(index - months + 1, index + 1):
        y, m = divmod(i, 12)
        out.append(f"{y:04d}-{m + 1:02d}")
    return out


def _lookup(fmt: str) -> np.ndarray:
    n = (_LAST - _FIRST).days + 1
    return np.array([(_FIRST + dt.timedelta(days=i)).strftime(fmt) for i in range(n)], dtype=object)


_DMY = _lookup("%d/%m/%Y")


def format_days(days: np.ndarray) -> np.ndarray:
    """dd/mm/yyyy strings for an integer day array; NO_DATE becomes an empty string."""
    days = np.asarray(days, dtype=np.int64)
    blank = days == NO_DATE
    out = _DMY[np.where(blank, 0, days - _OFFSET)]
    out[blank] = ""
    return out


def format_times(minutes: np.ndarray) -> np.ndarray:
    """HH:MM strings for minutes after midnight; negative values become empty strings."""
    minutes = np.asarray(minutes, dtype=np.int64)
    labels = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)], dtype=object)
    out = labels[np.clip(minutes, 0, 1439)]
    out[minutes < 0] = ""
    return out
