"""DfE rules on the Episodes table alone: structure, continuity, placements, providers, short breaks."""

from __future__ import annotations

import datetime as dt

import pytest

from cp_pipeline.validation.dfe_rules import episode_sequence
from cp_pipeline_tests.validation.dfe_rules.builders import (
    KIM,
    LEO,
    MIA,
    NED,
    Case,
    episode,
    flagged_lines,
    frame,
    rule,
)

E = episode


def eps(*rows: dict) -> dict[str, list[dict]]:
    return {"Episodes": list(rows)}


CASES = [
    Case(
        "142",
        eps(
            E(KIM, "02/01/2020", line=2),
            E(KIM, "03/02/2020", rne="P", line=3),
            E(LEO, "01/01/2020", "01/02/2020", "E13", line=4),
        ),
        {2},
        {3, 4},
    ),
    Case(
        "148",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", None),
            E(LEO, "01/01/2020", "01/02/2020", "E13"),
            E(MIA, "01/01/2020"),
        ),
        {2},
        {3, 4},
    ),
    Case(
        "353",
        eps(E(KIM, "01/01/1990", "01/02/1990", "E13"), E(LEO, "01/01/2000", "01/02/2000", "E13")),
        {2},
        {3},
    ),
    Case(
        "354",
        eps(E(KIM, "01/01/2025", "15/06/2025", "E13"), E(LEO, "01/01/2025", "15/03/2025", "E13")),
        {2},
        {3},
    ),
    Case(
        "355",
        eps(E(KIM, "01/01/2020", "01/01/2020", "E13"), E(LEO, "01/01/2020", "02/01/2020", "E13")),
        {2},
        {3},
    ),
    Case("357", eps(E(KIM, "01/01/2020", rne="P"), E(LEO, "01/01/2020", rne="S")), {2}, {3}),
    Case(
        "501",
        eps(
            E(KIM, "01/01/2020", "01/03/2020", "X1"),
            E(KIM, "01/02/2020", rne="P"),
            E(LEO, "01/01/2020", "01/03/2020", "X1"),
            E(LEO, "01/03/2020", rne="P"),
        ),
        {3},
        {2, 4, 5},
    ),
    Case(
        "388",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1", line=2),  # X1 but the next starts later
            E(KIM, "05/02/2020", line=3),
            E(LEO, "01/01/2020", "01/02/2020", "E13", line=4),  # left care but the next starts that day
            E(LEO, "01/02/2020", line=5),
            E(MIA, "01/01/2020", "01/02/2020", "X1", line=6),  # last episode ends X1
            E(NED, "01/01/2020", "01/02/2020", "X1", line=7),
            E(NED, "01/02/2020", "01/03/2020", "E4A", rne="P", line=8),
        ),
        {2, 4, 6},
        {3, 5, 7, 8},
    ),
    Case(
        "431",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1"),
            E(KIM, "01/02/2020", rne="S"),
            E(LEO, "01/01/2020", "01/02/2020", "E13"),
            E(LEO, "01/03/2020", rne="S"),
        ),
        {3},
        {2, 4, 5},
    ),
    Case(
        "432",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "E13"),
            E(KIM, "01/03/2020", rne="P"),
            E(LEO, "01/01/2020", "01/02/2020", "X1"),
            E(LEO, "01/02/2020", rne="P"),
        ),
        {3},
        {2, 4, 5},
    ),
    Case(
        "433",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1"),
            E(KIM, "05/02/2020", rne="P"),
            E(LEO, "01/01/2020", "01/02/2020", "X1"),
            E(LEO, "01/02/2020", rne="P"),
        ),
        {3},
        {2, 4, 5},
    ),
    Case(
        "434",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1", ls="C2"),
            E(KIM, "01/02/2020", rne="L", ls="C2"),
            E(LEO, "01/01/2020", "01/02/2020", "X1", ls="C1"),
            E(LEO, "01/02/2020", rne="L", ls="C2"),
        ),
        {3},
        {2, 4, 5},
    ),
    Case(
        "435",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1"),
            E(KIM, "01/02/2020", rne="P"),
            E(LEO, "01/01/2020", "01/02/2020", "X1"),
            E(LEO, "01/02/2020", rne="P", place="U5", pl_post="TS3 3CC"),
        ),
        {3},
        {2, 4, 5},
    ),
    Case(
        "436",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1", ls="C1"),
            E(KIM, "01/02/2020", rne="B", ls="C1", place="U5"),
            E(LEO, "01/01/2020", "01/02/2020", "X1", ls="C1"),
            E(LEO, "01/02/2020", rne="B", ls="C2", place="U5"),
        ),
        {3},
        {2, 4, 5},
    ),
    Case(
        "437",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "E15"),
            E(KIM, "01/03/2020"),
            E(LEO, "01/01/2020", "01/02/2020", "E2"),
        ),
        {2},
        {3, 4},
    ),
    Case(
        "504",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1", cin="N1"),
            E(KIM, "01/02/2020", rne="P", cin="N2"),
            E(LEO, "01/01/2020", "01/02/2020", "E13", cin="N1"),
            E(LEO, "01/03/2020", cin="N2"),
        ),
        {3},
        {2, 4, 5},
    ),
    Case(
        "378",
        eps(
            E(KIM, "01/01/2020", place="P1", ls="V2", place_provider="PR0"),
            E(LEO, "01/01/2020", place="P1", ls="C2", place_provider="PR0"),
        ),
        {2},
        {3},
    ),
    Case(
        "408",
        eps(E(KIM, "01/01/2020", place="A5", ls="C2"), E(LEO, "01/01/2020", place="A6", ls="E1")),
        {2},
        {3},
    ),
    Case(
        "217",
        eps(
            E(KIM, "01/01/2020", place="A3", rne="P"),
            E(LEO, "01/01/2020", place="A5", rne="T"),
            E(MIA, "01/01/2014", place="A3", rne="P"),
        ),
        {2},
        {3, 4},
    ),
    Case("380", eps(E(KIM, "01/01/2020", place="T1", place_provider=None), E(LEO, "01/01/2020")), {2}, {3}),
    Case(
        "381",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1"),
            E(KIM, "01/02/2020", "10/02/2020", "E13", rne="P", place="T0"),
            E(LEO, "01/01/2020", "01/02/2020", "E13"),
        ),
        {3},
        {2, 4},
    ),
    Case(
        "375",
        eps(
            E(KIM, "01/01/2020", "01/03/2020", "E13", place="T1"),
            E(LEO, "01/01/2020", "10/01/2020", "E13", place="T1"),
        ),
        {2},
        {3},
    ),
    Case(
        "376",
        eps(
            E(KIM, "01/01/2020", "26/01/2020", "E13", place="T3"),
            E(LEO, "01/01/2020", "11/01/2020", "E13", place="T3"),
        ),
        {2},
        {3},
    ),
    Case(
        "379",
        eps(
            E(KIM, "01/01/2020", "11/01/2020", "E13", place="T4"),
            E(LEO, "01/01/2020", "06/01/2020", "E13", place="T4"),
        ),
        {2},
        {3},
    ),
    Case(
        "379",
        eps(E(KIM, "20/03/2025", place="T4"), E(LEO, "28/03/2025", place="T4")),
        {2},
        {3},
        name="open-runs-to-month-end",
    ),
    Case(
        "377",
        eps(
            E(KIM, "01/05/2020", "05/05/2020", "X1", place="T3"),
            E(KIM, "01/07/2020", "05/07/2020", "X1", place="T3"),
            E(KIM, "01/09/2020", "05/09/2020", "X1", place="T3"),
            E(LEO, "01/05/2020", "05/05/2020", "X1", place="T3"),
            E(LEO, "01/05/2021", "05/05/2021", "X1", place="T3"),
            E(LEO, "01/07/2021", "05/07/2021", "X1", place="T3"),
        ),
        {2, 3, 4},
        {5, 6, 7},
    ),
    Case(
        "213",
        eps(
            E(KIM, "01/01/2020", place="T1", place_provider="PR1"),
            E(LEO, "01/01/2020", place="T1", place_provider=None),
        ),
        {2},
        {3},
    ),
    Case(
        "526",
        eps(
            E(KIM, "01/01/2020", place="U4", place_provider=None),
            E(LEO, "01/01/2020", place="Z1", place_provider=None),
        ),
        {2},
        {3},
    ),
    Case(
        "527",
        eps(
            E(KIM, "01/01/2020", place="R2", place_provider="PR1"),
            E(LEO, "01/01/2020", place="K2", place_provider="PR1"),
        ),
        {2},
        {3},
    ),
    Case(
        "528",
        eps(
            E(KIM, "01/01/2020", place="P1", place_provider="PR2"),
            E(LEO, "01/01/2020", place="U4", place_provider="PR2"),
        ),
        {2},
        {3},
    ),
    Case(
        "529",
        eps(
            E(KIM, "01/01/2020", place="K2", place_provider="PR3"),
            E(LEO, "01/01/2020", place="R2", place_provider="PR3"),
        ),
        {2},
        {3},
    ),
    Case(
        "530",
        eps(
            E(KIM, "01/01/2020", place="P1", place_provider="PR4"),
            E(LEO, "01/01/2020", place="K2", place_provider="PR4"),
        ),
        {2},
        {3},
    ),
    Case(
        "531",
        eps(
            E(KIM, "01/01/2020", place="P1", place_provider="PR5"),
            E(LEO, "01/01/2020", place="U5", place_provider="PR5"),
        ),
        {2},
        {3},
    ),
    Case(
        "550",
        eps(
            E(KIM, "01/01/2020", place="U4", place_provider="PR0"),
            E(LEO, "01/01/2020", place="P1", place_provider="PR0"),
        ),
        {2},
        {3},
    ),
    Case(
        "225",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1"),
            E(KIM, "01/02/2020", rne="P", place="U5"),
            E(LEO, "01/01/2020", "01/02/2020", "X1", reason_place_change="CARPL"),
            E(LEO, "01/02/2020", rne="P", place="U5"),
        ),
        {2},
        {3, 4, 5},
    ),
    Case(
        "226",
        eps(
            E(KIM, "01/01/2020", "01/02/2020", "X1", reason_place_change="CARPL"),
            E(KIM, "01/02/2020", rne="P", place="T1", place_provider=None),
            E(LEO, "01/01/2020", "01/02/2020", "X1", reason_place_change="CARPL"),
            E(LEO, "01/02/2020", rne="P", place="U5"),
        ),
        {2},
        {3, 4, 5},
    ),
    Case(
        "390",
        eps(
            E(KIM, "01/01/2020", "01/02/2021", "E11"),
            E(LEO, "01/01/2020", "01/02/2020", "X1", place="A5", ls="E1"),
            E(LEO, "01/02/2020", "01/02/2021", "E11", rne="L", place="A5", ls="E1"),
        ),
        {2},
        {3, 4},
    ),
    Case(
        "365",
        eps(
            E(KIM, "01/01/2020", "21/01/2020", "E13", ls="V3"),
            E(LEO, "01/01/2020", "06/01/2020", "E13", ls="V3"),
        ),
        {2},
        {3},
    ),
    Case(
        "366",
        eps(
            E(KIM, "01/01/2020", "05/01/2020", "E13", ls="V3", rne="P"),
            E(LEO, "01/01/2020", "05/01/2020", "E13", ls="V3"),
        ),
        {2},
        {3},
    ),
    Case(
        "367",
        eps(
            *[
                E(KIM, f"01/{month:02d}/2020", f"17/{month:02d}/2020", "E13", ls="V3")
                for month in (5, 6, 7, 8, 9)
            ],
            E(LEO, "01/05/2020", "11/05/2020", "E13", ls="V3"),
            E(LEO, "01/06/2020", "11/06/2020", "E13", ls="V3"),
        ),
        {2, 3, 4, 5, 6},
        {7, 8},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_episode_rule_flags_exactly_the_bad_rows(case: Case) -> None:
    flagged = flagged_lines(case)
    assert flagged == case.bad
    assert not flagged & case.good


def test_episodes_with_python_dates_are_read_like_datetimes() -> None:
    staged = frame("Episodes", [E(KIM, "01/01/2020", "01/03/2020", "X1"), E(KIM, "01/02/2020", rne="P")])
    for column in ("decom", "dec"):
        staged[column] = [
            None if value is None or value != value else value.date() for value in staged[column]
        ]
        staged[column] = staged[column].astype("object")
    assert isinstance(staged["decom"].iloc[0], dt.date)
    found = rule("501").check({"Episodes": staged})
    assert list(found["source_line"]) == [3]


def test_periods_of_care_split_at_a_new_start_or_a_gap() -> None:
    staged = frame(
        "Episodes",
        [
            E(KIM, "01/01/2020", "01/02/2020", "X1"),
            E(KIM, "01/02/2020", "01/03/2020", "E13", rne="P"),
            E(KIM, "01/05/2020"),
        ],
    )
    sequence = episode_sequence(staged)
    assert sequence["period"].tolist()[0] == sequence["period"].tolist()[1] != sequence["period"].tolist()[2]
    assert str(sequence["period_start"].iloc[1].date()) == "2020-01-01"
    assert str(sequence["period_end"].iloc[0].date()) == "2020-03-01"
