"""The rule registry, the year rule sets, the runner's output, and what messages must never show."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cp_pipeline.extracts.specs import table_specs
from cp_pipeline.validation.dfe_rules import DfeRule, all_rules, rules_for_year, run_dfe_rules
from cp_pipeline.validation.quarantine import QUARANTINE_COLUMNS
from cp_pipeline_tests.validation.dfe_rules import test_cross_table_rules, test_episode_rules
from cp_pipeline_tests.validation.dfe_rules.builders import (
    CHILDREN,
    EXTRACT_MONTH,
    KIM,
    LA_CODE,
    LEO,
    Case,
    episode,
    frame,
    header,
    rule,
)

ALL_CASES = test_episode_rules.CASES + test_cross_table_rules.CASES


def test_registry_finds_at_least_forty_rules_with_unique_codes() -> None:
    codes = [r.code for r in all_rules()]
    assert len(codes) >= 40
    assert len(codes) == len(set(codes))
    assert all(r.message and r.tables and r.fields for r in all_rules())


def test_every_rule_is_exercised_by_a_hand_made_case() -> None:
    assert {r.code for r in all_rules()} <= {case.code for case in ALL_CASES}


def test_social_worker_rules_apply_from_2023_24_collection_onwards() -> None:
    assert "SW13" not in {r.code for r in rules_for_year(2023)}
    assert "SW13" in {r.code for r in rules_for_year(2024)}
    assert "501" in {r.code for r in rules_for_year(2019)}


def test_runner_writes_flagged_quarantine_rows_naming_file_line_and_rule() -> None:
    case = Case(
        "501",
        {"Episodes": [episode(KIM, "01/01/2020", "01/03/2020", "X1"), episode(KIM, "01/02/2020", rne="P")]},
        {3},
        {2},
    )
    results = run_dfe_rules(case.frames, LA_CODE, EXTRACT_MONTH, rules=[rule("501")])
    violations = results.violations
    assert list(violations.columns) == QUARANTINE_COLUMNS
    assert violations.to_dict("records") == [
        {
            "la_code": LA_CODE,
            "extract_month": EXTRACT_MONTH,
            "table_name": "Episodes",
            "source_file": "episodes.csv",
            "source_line": 3,
            "column_name": "DECOM",
            "rule_id": "DFE-501",
            "action": "flagged",
            "message": "episodes.csv line 3: the episode starts before the previous one ends (DfE rule 501)",
            "value": None,
        }
    ]
    summary = results.summary.set_index("rule_id").loc["DFE-501"]
    assert (summary["status"], summary["rows_checked"], summary["rows_failed"]) == ("failed", 2, 1)


def test_runner_survives_a_rule_that_raises_and_skips_rules_whose_tables_are_absent() -> None:
    def broken(tables):
        raise ZeroDivisionError("boom")

    raising = DfeRule(
        code="999", message="always breaks", tables=("Episodes",), fields=("DECOM",), check=broken
    )
    frames = Case(
        "142", {"Episodes": [episode(KIM, "01/01/2020"), episode(KIM, "01/02/2020", rne="P")]}, {2}, {3}
    ).frames
    results = run_dfe_rules(frames, LA_CODE, EXTRACT_MONTH, rules=[raising, rule("142"), rule("302")])
    status = results.summary.set_index("rule_id")
    assert status.loc["DFE-999", "status"] == "error"
    assert status.loc["DFE-999", "error"] == "ZeroDivisionError"
    assert status.loc["DFE-142", "status"] == "failed"
    assert status.loc["DFE-302", "status"] == "skipped"  # needs the Header, which was not sent
    assert results.violations["rule_id"].tolist() == ["DFE-142"]


def test_full_run_over_every_table_reports_one_summary_row_per_rule() -> None:
    frames = Case(
        "INT03",
        {
            "Header": header((KIM, "14/05/2012")),
            "Episodes": [episode(KIM, "01/01/2020"), episode(LEO, "01/01/2020")],
        },
        {3},
        {2},
    ).frames
    results = run_dfe_rules(frames, LA_CODE, EXTRACT_MONTH)
    assert len(results.summary) == len(rules_for_year(2025))
    assert set(results.summary["status"]) <= {"passed", "failed", "skipped"}
    assert "DFE-INT03" in set(results.violations["rule_id"])


def _personal_values(case: Case) -> set[str]:
    values = set(CHILDREN)
    for staged in case.frames.values():
        if "dob" in staged:
            for dob in pd.to_datetime(staged["dob"]).dropna():
                values |= {
                    dob.strftime("%d/%m/%Y"),
                    dob.strftime("%Y-%m-%d"),
                    dob.strftime("%d/%m/%y"),
                    dob.strftime("%-d/%-m/%Y"),
                }
    return values


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.id)
def test_messages_never_show_a_child_id_or_date_of_birth(case: Case) -> None:
    messages = run_dfe_rules(case.frames, LA_CODE, case.extract_month, rules=[rule(case.code)]).violations[
        "message"
    ]
    assert len(messages) == len(case.bad)
    for message in messages:
        assert re.fullmatch(r"\S+\.csv line \d+: .+ \(DfE rule \w+\)", message)
        for value in _personal_values(case):
            assert value not in message


def test_empty_tables_pass_every_rule() -> None:
    tables = {name: frame(name, []) for name, spec in table_specs().items() if spec.family == "ssda903"}
    results = run_dfe_rules(tables, LA_CODE, EXTRACT_MONTH)
    assert set(results.summary["status"]) == {"passed"}
    assert results.violations.empty
