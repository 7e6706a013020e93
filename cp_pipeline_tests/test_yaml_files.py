"""The project's YAML is read through libyaml's C parser, and gives exactly what PyYAML's
pure-Python safe loader gives, for every declarative file and SQL model header."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cp_pipeline.warehouse.models import _HEADER
from cp_pipeline.yaml_files import LOADER, load_yaml

ROOT = Path(__file__).resolve().parents[1]
DECLARATIVE = sorted((ROOT / "cp_pipeline").rglob("*.yaml"))
HEADERS = sorted((ROOT / "dbt_like_sql").rglob("*.sql"))


def test_the_c_parser_is_used():
    assert yaml.__with_libyaml__, "PyYAML without libyaml: the project's YAML is read 8-10x slower"
    assert LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", DECLARATIVE, ids=lambda p: p.name)
def test_declarative_files_read_as_with_the_python_parser(path):
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_sql_model_headers_read_as_with_the_python_parser():
    headers = [m.group(1) for p in HEADERS if (m := _HEADER.match(p.read_text(encoding="utf-8")))]
    assert len(headers) > 50
    assert [load_yaml(h) for h in headers] == [yaml.safe_load(h) for h in headers]


def test_only_safe_tags_are_read():
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")
