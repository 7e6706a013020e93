"""Writes the reference files of extracts.md: population, benchmarks, targets, costs, geography, schools."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .councils import Council, council_index, reference_councils
from .dates import format_days

# Indicator codes of indicators.md with a plausible England value, how the region and
# statistical neighbours usually sit against England, and the direction a target pushes.
# Counts are per month (or rolling 12 months where the indicator says so); England counts
# are national totals, region totals and the statistical-neighbour mean of one council.
INDICATORS: dict[str, tuple[float, str, float, float, str]] = {
    # code: (england, unit, region_factor, stat_neighbour_factor, polarity)
    "CLA_COUNT": (83840, "count", 0.06, 0.0085, "neutral"),
    "CLA_RATE_10K": (70, "rate", 1.45, 1.3, "down"),
    "CLA_STARTED": (2750, "count", 0.06, 0.009, "neutral"),
    "CLA_CEASED": (2650, "count", 0.06, 0.009, "neutral"),
    "START_CEASE_RATIO": (1.04, "ratio", 1.02, 1.0, "down"),
    "AVG_WEEKS_IN_CARE_CEASED": (118, "weeks", 1.05, 1.08, "down"),
    "STARTERS_ABUSE_NEGLECT": (64, "percent", 1.03, 1.0, "neutral"),
    "UASC_COUNT": (7380, "count", 0.05, 0.006, "neutral"),
    "EDGE_OF_CARE_DIVERTED": (70, "percent", 0.98, 1.0, "up"),
    "PLACED_WITH_PARENTS": (5100, "count", 0.07, 0.008, "down"),
    "CONNECTED_CARERS_PCT": (19, "percent", 1.05, 1.02, "up"),
    "IN_HOUSE_FOSTER_PCT": (35, "percent", 1.08, 1.04, "up"),
    "OUT_OF_AREA_PCT": (42, "percent", 0.85, 0.8, "down"),
    "UASC_OUT_OF_AREA_PCT": (55, "percent", 0.9, 0.95, "down"),
    "STABILITY_3PLUS": (10, "percent", 1.0, 1.05, "down"),
    "STABILITY_LONG_TERM": (70, "percent", 0.98, 0.97, "up"),
    "PLACEMENT_WEEKLY_COST": (1250000, "gbp", 1.05, 1.1, "down"),
    "SPEND_PER_HEAD_0_17": (680, "gbp", 1.15, 1.2, "down"),
    "PERMANENCE_PLAN_PCT": (85, "percent", 1.0, 1.02, "up"),
    "CEASED_ADOPTED_PCT": (9, "percent", 1.1, 1.05, "up"),
    "CEASED_SGO_PCT": (12, "percent", 1.05, 1.0, "up"),
    "ADOPTIONS": (2960, "count", 0.06, 0.01, "up"),
    "ADOPTION_ENTRY_TO_PLACED_DAYS": (450, "days", 0.97, 1.02, "down"),
    "ADOPTION_ORDER_TO_MATCH_DAYS": (185, "days", 0.95, 1.05, "down"),
    "ADOPTION_UNDER_14_MONTHS_PCT": (60, "percent", 1.03, 0.98, "up"),
    "VISITS_6_WEEKS_PCT": (88, "percent", 1.0, 1.01, "up"),
    "VISITS_ON_TIME_PCT": (86, "percent", 1.0, 1.0, "up"),
    "REVIEWS_ON_TIME_PCT": (88, "percent", 1.01, 1.0, "up"),
    "SUPERVISION_IN_MONTH_PCT": (85, "percent", 1.0, 1.0, "up"),
    "PEP_6_MONTHS_PCT": (90, "percent", 1.0, 0.99, "up"),
    "GOOD_SCHOOL_PCT": (82, "percent", 0.97, 0.98, "up"),
    "IHA_20_WORKING_DAYS_PCT": (55, "percent", 1.05, 1.0, "up"),
    "HEALTH_ASSESSMENT_PCT": (89, "percent", 1.01, 1.0, "up"),
    "DENTAL_CHECK_PCT": (79, "percent", 1.0, 0.98, "up"),
    "SDQ_AVERAGE": (14.2, "score", 1.02, 1.03, "down"),
    "MISSING_CHILDREN": (1800, "count", 0.07, 0.011, "down"),
    "MISSING_INCIDENTS": (6100, "count", 0.07, 0.012, "down"),
    "MISSING_AVG_HOURS": (30, "hours", 0.95, 1.0, "down"),
    "MISSING_RHI_PCT": (62, "percent", 1.05, 1.0, "up"),
    "EXPLOITATION_RISK": (3100, "count", 0.07, 0.01, "down"),
    "CARE_LEAVERS_EET_PCT": (56, "percent", 0.95, 0.97, "up"),
    "CARE_LEAVERS_SUITABLE_ACCOM_PCT": (88, "percent", 1.0, 0.99, "up"),
    "CARE_LEAVERS_IN_TOUCH_PCT": (92, "percent", 1.0, 1.0, "up"),
    "PATHWAY_PLAN_PCT": (85, "percent", 1.0, 1.01, "up"),
    "SW_AVG_CASELOAD": (16.5, "ratio", 1.04, 1.05, "down"),
    "SW_CASELOAD_15_20_PCT": (45, "percent", 1.0, 1.02, "up"),
    "PA_AVG_CASELOAD": (17, "ratio", 1.05, 1.0, "down"),
    "VACANCY_PCT": (17.6, "percent", 0.9, 0.95, "down"),
    "AGENCY_PCT": (17, "percent", 0.85, 0.9, "down"),
    "FOSTER_CARERS_APPROVED": (3500, "count", 0.07, 0.009, "up"),
    "ADOPTERS_APPROVED": (2300, "count", 0.07, 0.006, "up"),
}

PLACEMENT_GROUP_COSTS = {
    "connected-person foster": 360.0,
    "in-house foster": 470.0,
    "agency (IFA) foster": 960.0,
    "placed with parents": 150.0,
    "placed for adoption": 310.0,
    "in-house residential": 4600.0,
    "external residential": 6300.0,
    "residential school": 5200.0,
    "secure": 8600.0,
    "supported / independent living": 1650.0,
    "other": 1250.0,
}


@dataclass(frozen=True)
class CouncilFacts:
    """What the reference files need to know about a generated council."""

    council: Council
    target_cla: float
    school_ratings: pd.DataFrame


def _value_text(value: float, unit: str) -> str:
    return f"{round(value):d}" if unit == "count" else f"{value:.1f}" if unit != "ratio" else f"{value:.2f}"


def _population(facts: CouncilFacts, years: range, rng: np.random.Generator) -> list[tuple]:
    rate = rng.uniform(75, 115)
    base = facts.target_cla / rate * 10000
    return [(facts.council.la_code, y, int(round(base * (1 + 0.004 * (y - years[0]))))) for y in years]


def _targets(facts: CouncilFacts, months: list[str], rng: np.random.Generator) -> list[dict]:
    out = []
    first = months[0]
    later_april = next((m for m in months[1:] if m.endswith("-04")), months[len(months) // 2])
    for code, (england, unit, _region, _sn, polarity) in INDICATORS.items():
        if polarity == "neutral" or unit == "count" or rng.random() < 0.15:
            continue
        stretch = 1.0 + (0.05 if polarity == "up" else -0.05) * rng.uniform(0, 1)
        base = england * stretch
        if code == "CLA_RATE_10K":
            base = rng.uniform(80, 100)
        if unit == "percent":
            base = min(base, 99.0)
        entry = {
            "la_code": facts.council.la_code,
            "indicator_code": code,
            "target": round(float(base), 1),
            "from_month": first,
        }
        if rng.random() < 0.5:
            entry["amber_tolerance"] = round(
                float(rng.choice([2.0, 3.0, 5.0]) if unit == "percent" else base * 0.05), 1
            )
        out.append(entry)
        if rng.random() < 0.35:
            improved = base * (1.02 if polarity == "up" else 0.98)
            if unit == "percent":
                improved = min(improved, 99.0)
            out.append({"la_code": facts.council.la_code, "indicator_code": code, "target": round(float(improved), 1),
                        "from_month": later_april})  # fmt: skip
    return out


def write_reference(
    folder: Path, facts: list[CouncilFacts], months: list[str], seed: int, messy: bool
) -> list[Path]:
    """Writes every reference file; returns their paths. Messy mode adds thousands separators to costs."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 424242])
    first_year, last_year = int(months[0][:4]), int(months[-1][:4])
    years = range(first_year - 8, last_year + 1)
    written = []

    def save(name: str, frame: pd.DataFrame) -> None:
        path = folder / name
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        written.append(path)

    population = [
        row for f in facts for row in _population(f, years, np.random.default_rng([seed, 7, _index(f)]))
    ]
    save("population.csv", pd.DataFrame(population, columns=["la_code", "year", "population_0_17"]))

    rows = []
    for code, (england, unit, region, sn, _polarity) in INDICATORS.items():
        for year in range(first_year - 3, last_year + 1):
            drift = 1 + 0.01 * (year - first_year) * (1 if rng.random() < 0.5 else -1)
            value_e = england * drift
            for comparator, value in (
                ("ENGLAND", value_e),
                ("REGION", value_e * region),
                ("STAT_NEIGHBOURS", value_e * sn),
            ):
                value *= rng.uniform(0.97, 1.03)
                if unit == "percent":
                    value = min(value, 99.5)
                rows.append((code, comparator, year, _value_text(value, unit)))
    save("benchmarks.csv", pd.DataFrame(rows, columns=["indicator_code", "comparator", "year", "value"]))

    targets = [t for f in facts for t in _targets(f, months, np.random.default_rng([seed, 11, _index(f)]))]
    path = folder / "targets.yaml"
    path.write_text(
        "# Council targets: a later from_month replaces an earlier one for the same la_code and indicator_code.\n"
        + yaml.safe_dump({"targets": targets}, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    written.append(path)

    cost_rows = []
    aprils = sorted({f"{y}-04" for y in range(first_year - 1, last_year + 1) if f"{y}-04" <= months[-1]})
    for f in facts:
        local = np.random.default_rng([seed, 13, _index(f)]).uniform(0.9, 1.1)
        for i, from_month in enumerate(aprils):
            for group, cost in PLACEMENT_GROUP_COSTS.items():
                weekly = cost * local * 1.04**i
                cost_rows.append(
                    (f.council.la_code, group, f"{weekly:,.2f}" if messy else f"{weekly:.2f}", from_month)
                )
    save(
        "placement_costs.csv",
        pd.DataFrame(cost_rows, columns=["la_code", "placement_group", "weekly_cost", "from_month"]),
    )

    listed = reference_councils(len(facts))
    districts = [(d, c.la_code) for c in listed for d in c.postcode_districts]
    save("postcode_districts.csv", pd.DataFrame(districts, columns=["postcode_district", "la_code"]))

    ratings = pd.concat([f.school_ratings for f in facts], ignore_index=True)
    ratings = ratings.sort_values(["urn", "inspected_date"], kind="stable")
    save("school_ratings.csv", pd.DataFrame({"URN": ratings["urn"].to_numpy(), "ofsted_rating": ratings["ofsted_rating"].to_numpy(),
                                             "inspected_date": format_days(ratings["inspected_date"].to_numpy())}))  # fmt: skip
    las = [(c.la_code, c.la_name, c.region_code, c.region_name) for c in listed]
    save("las.csv", pd.DataFrame(las, columns=["la_code", "la_name", "region_code", "region_name"]))
    return written


def _index(facts: CouncilFacts) -> int:
    return council_index(facts.council)
