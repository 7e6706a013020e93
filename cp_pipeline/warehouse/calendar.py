"""warehouse.dim_date: every day with its working-day number (England & Wales bank holidays)."""

from __future__ import annotations

import datetime as dt

import holidays
import pandas as pd

from cp_pipeline.warehouse.engine import Warehouse

DIM_DATE_TYPES = {
    "date_day": "date",
    "year": "int",
    "month": "int",
    "month_start": "date",
    "is_weekend": "bool",
    "is_bank_holiday": "bool",
    "is_working_day": "bool",
    "working_day_number": "int",
    "collection_year": "int",
}


def build_dim_date(
    first: dt.date = dt.date(1990, 1, 1), last: dt.date = dt.date(2040, 12, 31)
) -> pd.DataFrame:
    """One row per day. `working_day_number` counts working days from `first`, so "the 20th working
    day after d" is the day whose number is d's number + 20 (a non-working d takes the number of
    the working day before it, which is how "d itself not counted" reads on a weekend)."""
    days = pd.date_range(first, last, freq="D")
    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
    is_bank = days.map(lambda d: d.date() in bank).to_numpy(dtype=bool)
    is_weekend = days.dayofweek.to_numpy() >= 5
    working = ~is_weekend & ~is_bank
    return pd.DataFrame(
        {
            "date_day": days.date,
            "year": days.year.astype("int64"),
            "month": days.month.astype("int64"),
            "month_start": days.to_period("M").to_timestamp().date,
            "is_weekend": is_weekend,
            "is_bank_holiday": is_bank,
            "is_working_day": working,
            "working_day_number": working.cumsum().astype("int64"),
            "collection_year": (days.year + (days.month >= 4)).astype("int64"),
        }
    )


def load_dim_date(warehouse: Warehouse) -> int:
    frame = build_dim_date()
    with warehouse.transaction() as conn:
        warehouse.ensure_schemas(conn)
        return warehouse.replace_all_rows(conn, "warehouse", "dim_date", frame, DIM_DATE_TYPES)
