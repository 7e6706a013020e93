"""Commentary sentences for hand-made numbers: what the board reads must match the figures."""

from __future__ import annotations

from cp_pipeline.reporting.commentary import (
    TrendPoint,
    benchmark_sentence,
    extremes_sentence,
    indicator_commentary,
    last_month_sentence,
    section_summary,
    target_run_sentence,
    target_sentence,
    unavailable_sentence,
    year_ago_sentence,
)
from cp_pipeline.reporting.formatting import direction_of_change, format_value


def percent_row(**overrides) -> dict:
    row = {
        "indicator_code": "VISITS_6_WEEKS_PCT",
        "unit": "percent",
        "polarity": "up",
        "value": 80.0,
        "numerator": 400.0,
        "denominator": 500.0,
        "value_last_month": 75.0,
        "value_12_months_ago": 70.0,
        "target": 85.0,
        "rag": "amber",
        "england": 78.0,
        "region": 82.0,
        "stat_neighbours": 80.0,
        "suppressed": False,
        "missing_tables": None,
    }
    return row | overrides


def trend(values, target=None) -> list[TrendPoint]:
    months = [f"2024-{m:02d}" for m in range(2, 13)] + ["2025-01"]
    return [TrendPoint(m, v, target) for m, v in zip(months, values, strict=True)]


def test_a_rise_on_an_up_indicator_is_better():
    sentence = last_month_sentence(percent_row())
    assert "up from 75.0% last month" in sentence
    assert "5.0 percentage points" in sentence
    assert sentence.endswith("which is better.")


def test_a_rise_on_a_down_indicator_is_worse():
    sentence = last_month_sentence(percent_row(polarity="down", value=80.0, value_last_month=75.0))
    assert "up from 75.0% last month" in sentence and "worse" in sentence


def test_a_fall_on_a_down_indicator_is_better():
    sentence = last_month_sentence({"unit": "count", "polarity": "down", "value": 18, "value_last_month": 24})
    assert sentence == "This is down from 24 last month, a fall of 6, which is better."


def test_a_neutral_indicator_is_never_called_better_or_worse():
    sentence = last_month_sentence(
        {"unit": "count", "polarity": "neutral", "value": 617, "value_last_month": 602}
    )
    assert sentence == "This is up from 602 last month, a rise of 15."
    assert "better" not in sentence and "worse" not in sentence


def test_no_change_at_the_precision_the_board_sees():
    sentence = last_month_sentence(percent_row(value=80.01, value_last_month=79.99))
    assert sentence == "This is the same as last month (80.0%)."


def test_no_last_month_gives_no_sentence():
    assert last_month_sentence(percent_row(value_last_month=None)) is None


def test_change_on_twelve_months_ago():
    sentence = year_ago_sentence(percent_row())
    assert (
        sentence
        == "Twelve months ago it was 70.0%, so it is up 10.0 percentage points over the year, which is better."
    )


def test_missing_the_target_says_by_how_much_and_the_rag_word():
    assert target_sentence(percent_row()) == (
        "It is missing the target of 85.0% or more by 5.0 percentage points (Amber)."
    )


def test_meeting_a_lower_is_better_target():
    row = {"unit": "days", "polarity": "down", "value": 382.4, "target": 426.0, "rag": "green"}
    assert target_sentence(row) == "It is meeting the target of 426 days or less (Green)."


def test_a_run_of_months_on_target():
    points = trend([70, 72, 74, 71, 76, 78, 79, 77, 86, 87, 88, 90], target=85.0)
    assert (
        target_run_sentence(percent_row(value=90.0), points)
        == "It has met its target in each of the last 4 months."
    )


def test_best_and_worst_of_the_last_twelve_months():
    points = trend([70, 72, 74, 71, 76, 78, 79, 77, 81, 82, 78, 80])
    assert extremes_sentence(percent_row(), points) == (
        "Over the last 12 months the best figure was 82.0% in November 2024 and the worst 70.0% in February 2024."
    )
    best_now = trend([70, 72, 74, 71, 76, 78, 79, 77, 81, 82, 78, 85])
    assert extremes_sentence(percent_row(value=85.0), best_now).startswith(
        "This is the best figure of the last 12 months"
    )


def test_lowest_is_best_when_lower_is_better():
    points = [TrendPoint(f"2024-{m:02d}", v) for m, v in zip(range(1, 6), [30, 28, 25, 27, 21], strict=True)]
    row = {"unit": "count", "polarity": "down", "value": 21, "suppressed": False}
    assert extremes_sentence(row, points) == (
        "This is the best figure of the last 12 months; the worst was 30 in January 2024."
    )


def test_suppressed_months_do_not_count_as_best_or_worst():
    points = trend([70, 72, 74, 71, 76, 78, 79, 77, 81, 82, 78, 80])
    points[0] = TrendPoint(points[0].extract_month, None, suppressed=True)
    assert "worst 71.0% in May 2024" in extremes_sentence(percent_row(), points)


def test_position_against_benchmarks():
    assert benchmark_sentence(percent_row()) == (
        "It is better than England (78.0%), worse than the region (82.0%) "
        "and in line with statistical neighbours (80.0%)."
    )


def test_benchmarks_for_a_neutral_measure_say_higher_or_lower():
    row = {"unit": "rate_per_10k", "polarity": "neutral", "value": 52.8, "england": 60.0}
    assert benchmark_sentence(row) == "It is lower than England (60.0 per 10,000)."


def test_a_suppressed_figure_is_only_called_suppressed():
    row = percent_row(value=None, numerator=None, denominator=None, suppressed=True)
    sentences = indicator_commentary(row, trend([70] * 12), "2025-01")
    assert len(sentences) == 1
    assert "suppressed" in sentences[0]
    assert "0" not in sentences[0].replace("2025", "").replace("10", "")


def test_an_absent_extract_is_named_and_never_reported_as_zero():
    row = percent_row(value=None, numerator=None, denominator=None, missing_tables="Visits")
    assert unavailable_sentence(row, "2025-01") == (
        "There is no figure for January 2025: the Visits extract was not received this month."
    )


def test_whole_commentary_reads_in_order():
    sentences = indicator_commentary(
        percent_row(), trend([70, 72, 74, 71, 76, 78, 79, 77, 81, 82, 78, 80]), "2025-01"
    )
    assert sentences[0] == "80.0% in January 2025."
    assert "up from 75.0% last month" in sentences[1] and "better" in sentences[1]
    assert any("missing the target" in s for s in sentences)
    assert any("England" in s for s in sentences)


def test_commentary_never_offers_a_cause():
    sentences = indicator_commentary(
        percent_row(), trend([70, 72, 74, 71, 76, 78, 79, 77, 81, 82, 78, 80]), "2025-01"
    )
    text = " ".join(sentences).lower()
    for cause_word in ("because", "due to", "as a result", "caused"):
        assert cause_word not in text


def test_section_summary_counts_rag_and_movement():
    rows = [
        percent_row(),
        percent_row(rag="green", value=90.0, value_last_month=92.0),
        {"unit": "count", "polarity": "neutral", "value": 617, "value_last_month": 602, "rag": None},
        percent_row(value=None, suppressed=True, rag=None),
    ]
    assert section_summary(rows) == (
        "Of 4 indicators in this section, 2 have a RAG rating this month: 1 Green and 1 Amber. "
        "Compared with last month, 1 improved and 1 got worse. "
        "1 indicator has no published figure this month (suppressed or not available)."
    )


def test_values_are_formatted_by_unit():
    assert format_value(1234, "count") == "1,234"
    assert format_value(14.25, "count") == "14.2"  # a count that is a mean keeps a decimal
    assert format_value(80, "percent") == "80.0%"
    assert format_value(52.84, "rate_per_10k") == "52.8 per 10,000"
    assert format_value(382.4, "days") == "382 days"
    assert format_value(3.45, "weeks") == "3.5 weeks" or format_value(3.45, "weeks") == "3.4 weeks"
    assert format_value(49.0, "hours") == "49.0 hours"
    assert format_value(16.66, "ratio") == "16.7"
    assert format_value(215350, "gbp") == "£215,350"
    assert format_value(None, "percent") == "no figure"
    assert format_value(0, "count", suppressed=True) == "suppressed"


def test_direction_of_change_by_polarity():
    assert direction_of_change(80, 75, "up") == ("up", "better")
    assert direction_of_change(80, 75, "down") == ("up", "worse")
    assert direction_of_change(70, 75, "down") == ("down", "better")
    assert direction_of_change(70, 75, "neutral") == ("down", "neutral")
    assert direction_of_change(None, 75, "up") == ("unknown", "unknown")
