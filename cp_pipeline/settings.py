"""Configuration from the environment (a .env file is read when present), per outputs.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_WAREHOUSE_URL = "duckdb:///data/warehouse/cp.duckdb"


def _read_dotenv(path: Path = Path(".env")) -> dict[str, str]:
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


@dataclass(frozen=True)
class Settings:
    extracts_dir: Path
    reference_dir: Path
    warehouse_url: str
    publish: bool = False
    reports_dir: Path = Path("data/reports")

    @classmethod
    def from_env(cls) -> Settings:
        env = {**_read_dotenv(), **os.environ}
        return cls(
            extracts_dir=Path(env.get("CP_EXTRACTS_DIR", "data/extracts")),
            reference_dir=Path(env.get("CP_REFERENCE_DIR", "data/reference")),
            warehouse_url=env.get("CP_WAREHOUSE_URL", DEFAULT_WAREHOUSE_URL),
            publish=env.get("CP_PUBLISH", "0").strip() in {"1", "true", "yes"},
            reports_dir=Path(env.get("CP_REPORTS_DIR", "data/reports")),
        )

    def with_overrides(self, **overrides) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def redact_url(url: str) -> str:
    """A connection string safe to print: the password is never shown."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable warehouse url>"
