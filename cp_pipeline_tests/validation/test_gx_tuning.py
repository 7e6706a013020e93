"""cp_pipeline.validation.gx_tuning changes how much work Great Expectations does, never what it
finds: the same messy synthetic council-month validated with GX's own methods and with the tuned
ones gives the same results, to the last stored field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from cp_pipeline.validation.expectations import build_data_docs, validate_staged_batch
from cp_pipeline.validation.gx_tuning import gx_as_shipped, is_tuned, tune
from cp_pipeline_tests.fixtures.landed import landed_month

# Keys of a stored GX result that differ between any two runs (ids, clocks, run names).
VOLATILE = {
    "id",
    "ge_load_time",
    "run_id",
    "validation_time",
    "run_time",
    "run_name",
    "batch_id",
    "active_batch_definition",
}


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> tuple[str, str, dict[str, pd.DataFrame], dict[str, int]]:
    """A messy council-month's staged tables, and previous counts that put some tables outside
    their drift bounds, so that every kind of check both passes and fails somewhere."""
    la, extract_month, tables = landed_month(tmp_path_factory.mktemp("gx_tuning"), seed=23)
    previous = {
        name: (len(frame) // 2 if i % 2 else len(frame)) for i, (name, frame) in enumerate(tables.items())
    }
    # Faults in every other table, so that each kind of check also passes somewhere.
    faulty = {name: _with_faults(name, f) if i % 2 else f for i, (name, f) in enumerate(tables.items())}
    return la, extract_month, faulty, previous


def _with_faults(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The staged frame with a fault for each of its checks (landing keeps such rows out of
    staging, so a landed month passes them all): a blank in a required column, a code not in its
    list, a value out of range, a repeated key."""
    from cp_pipeline.validation.expectations import batch_checks

    frame = frame.copy()
    if len(frame) < 4:
        return frame
    for check in batch_checks(name):
        column = check.kwargs.get("column")
        if check.kind == "not_null":
            frame.loc[frame.index[0], column] = None
        elif check.kind == "code_list" and frame[column].dtype != "datetime64[us]":
            frame[column] = frame[column].astype("string")
            frame.loc[frame.index[1], column] = "ZZZ"
        elif check.kind == "range":
            frame.loc[frame.index[2], column] = 10**6
    return pd.concat([frame, frame.iloc[[3]]], ignore_index=True)


def _stable(value):
    """A stored GX result without the keys that differ from run to run."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in sorted(value.items()) if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _pages(site: Path) -> dict[str, str]:
    """The site's HTML pages by path, with the run's times and ids blanked out (in both)."""
    volatile = re.compile(
        r"\d{8}T\d{6}\.\d{6}Z"  # run times in paths and links
        r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?"  # shown run times
        r"|\b\d{10}\.\d+\b"  # run times to sort by
        r"|[0-9a-f-]{32,}"  # GX's random ids of page elements
    )
    root = site / "gx" / "uncommitted" / "data_docs" / "local_site"
    pages = {
        volatile.sub("#", str(p.relative_to(root))): volatile.sub("#", p.read_text(encoding="utf-8"))
        for p in root.rglob("*.html")
    }
    assert len(pages) > 40, f"too few pages under {root}"
    return pages


def _stored_results(site: Path) -> list:
    files = sorted((site / "gx" / "uncommitted" / "validations").rglob("*.json"))
    assert files, f"no stored validation results under {site}"
    return sorted((_stable(json.loads(f.read_text(encoding="utf-8"))) for f in files), key=json.dumps)


def test_tuning_applies_to_the_installed_great_expectations():
    tune()
    assert is_tuned(), "GX's Expectation kwargs methods have changed: gx_tuning no longer applies"


def test_batch_results_are_the_same_with_and_without_the_tuning(month):
    la, extract_month, tables, previous = month
    tune()
    tuned = validate_staged_batch(tables, la, extract_month, previous).drop(columns="run_at")
    with gx_as_shipped():
        shipped = validate_staged_batch(tables, la, extract_month, previous).drop(columns="run_at")
    assert len(shipped) >= 100
    # Every kind of expectation passes somewhere and fails somewhere.
    outcomes = shipped.groupby("expectation_type")["success"].agg(lambda s: set(s.astype(bool)))
    assert len(outcomes) == 6 and all(o == {True, False} for o in outcomes), outcomes.to_dict()
    pd.testing.assert_frame_equal(tuned, shipped)


def test_data_docs_store_the_same_results_with_and_without_the_tuning(tmp_path, month):
    la, extract_month, tables, previous = month
    tune()
    tuned = build_data_docs(tmp_path / "tuned", tables, la, extract_month, previous)
    with gx_as_shipped():
        shipped = build_data_docs(tmp_path / "shipped", tables, la, extract_month, previous)
    pd.testing.assert_frame_equal(
        tuned.results.drop(columns="run_at"), shipped.results.drop(columns="run_at")
    )
    assert _stored_results(tmp_path / "tuned") == _stored_results(tmp_path / "shipped")
    tuned_pages, shipped_pages = _pages(tmp_path / "tuned"), _pages(tmp_path / "shipped")
    assert tuned_pages.keys() == shipped_pages.keys()
    for page, html in tuned_pages.items():
        assert html == shipped_pages[page], page


def test_a_second_site_renders_without_compiling_gx_templates_again(tmp_path, month, monkeypatch):
    import jinja2

    la, extract_month, tables, previous = month
    tune()
    build_data_docs(tmp_path / "first", tables, la, extract_month, previous)
    compiled: list[str] = []
    gx_compile = jinja2.Environment.compile

    def counting_compile(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return gx_compile(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting_compile)
    build_data_docs(tmp_path / "second", tables, la, extract_month, previous)
    # Only the new site's own file (its custom styles, kept in the site) is new to this process.
    assert compiled == ["data_docs_custom_styles.css"]
    with gx_as_shipped():
        build_data_docs(tmp_path / "third", tables, la, extract_month, previous)
    assert len(compiled) > 20  # GX's own way compiles its templates in every view
