"""Configuration from the environment (a .env file is read when present), per outputs.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_WAREHOUSE_URL = "duckdb:///data/warehouse/cp.duckdb"
PSEUDONYMISATION_KEY_MIN = 32  # characters, e.g. `python -c "import secrets; print(secrets.token_hex(32))"`


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


class Secret:
    """A secret value (a key, a password) that never shows itself in a repr, a log or an f-string."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def read_secret(env: dict[str, str], name: str, *, min_length: int = 1) -> Secret | None:
    """A secret from the variable `name`, or from the file named by `name`_FILE (a Docker or
    Kubernetes secret); None when neither is set. Setting both is refused: two sources could
    silently disagree. Errors name the variable, never the value."""
    value, path = env.get(name, "").strip(), env.get(f"{name}_FILE", "").strip()
    if value and path:
        raise ValueError(f"set {name} or {name}_FILE, not both")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(f"{name}_FILE names a file that cannot be read ({exc.strerror})") from None
    if not value:
        return None
    if len(value) < min_length:
        raise ValueError(f"{name} is too short: use at least {min_length} characters")
    return Secret(value)


@dataclass(frozen=True)
class Settings:
    extracts_dir: Path
    reference_dir: Path
    warehouse_url: str
    publish: bool = False
    reports_dir: Path = Path("data/reports")
    data_docs_dir: Path = Path("data/dq/data_docs")
    # Helper processes for Great Expectations (cp_pipeline.validation.gx_worker): None = one
    # per core (at most two); 0 = none, GX runs in the run's own process.
    gx_processes: int | None = None
    # Set: child ids and UPNs are pseudonymised at landing (cp_pipeline.extracts.pseudonymise).
    pseudonymisation_key: Secret | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> Settings:
        env = {**_read_dotenv(), **os.environ}
        return cls(
            extracts_dir=Path(env.get("CP_EXTRACTS_DIR", "data/extracts")),
            reference_dir=Path(env.get("CP_REFERENCE_DIR", "data/reference")),
            warehouse_url=env.get("CP_WAREHOUSE_URL", DEFAULT_WAREHOUSE_URL),
            publish=env.get("CP_PUBLISH", "0").strip() in {"1", "true", "yes"},
            reports_dir=Path(env.get("CP_REPORTS_DIR", "data/reports")),
            data_docs_dir=Path(env.get("CP_DATA_DOCS_DIR", "data/dq/data_docs")),
            gx_processes=int(env["CP_GX_PROCESSES"]) if env.get("CP_GX_PROCESSES", "").strip() else None,
            pseudonymisation_key=read_secret(
                env, "CP_PSEUDONYMISATION_KEY", min_length=PSEUDONYMISATION_KEY_MIN
            ),
        )


def redact_url(url: str) -> str:
    """A connection string safe to print: the password is never shown."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable warehouse url>"
