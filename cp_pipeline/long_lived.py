"""Keeps Python's cyclic garbage collector off the objects a process keeps for its whole life.

A pipeline process imports large libraries (Dagster, pandas, SQLAlchemy, DuckDB; GX in the
helpers) and builds its definitions once, then makes and drops millions of short-lived objects.
Every full collection walks everything still alive, the long-lived objects included: in a
council month's run process ~0.1 s each, six of them. `gc.freeze()` moves what is alive now
out of the collector's reach (it is never freed before the process ends, which it would not be
anyway), so later collections walk only what the run itself made.
"""

import gc


def freeze_long_lived() -> None:
    """Call once the process's imports and long-lived set-up are done."""
    gc.freeze()
