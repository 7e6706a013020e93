"""DfE rules that read more than Episodes: ages from the Header, adoption, missing, reviews, UASC, OC3,
social worker episodes and the internal (INT) integrity checks."""

from __future__ import annotations

import pytest

from cp_pipeline_tests.validation.dfe_rules.builders import KIM, LEO, Case, episode, flagged_lines, header

E = episode


def with_header(kim_dob: str, leo_dob: str, **tables: list[dict]) -> dict[str, list[dict]]:
    return {"Header": header((KIM, kim_dob), (LEO, leo_dob))} | tables


def age_case(
    code: str, bad_episode: dict, good_episode: dict, kim_dob: str = "14/05/2012", leo_dob: str = "14/05/2012"
) -> Case:
    return Case(code, with_header(kim_dob, leo_dob, Episodes=[bad_episode, good_episode]), {2}, {3})


AGE_CASES = [
    age_case("302", E(KIM, "01/01/2012"), E(LEO, "01/01/2015")),
    age_case("351", E(KIM, "01/01/2016"), E(LEO, "01/01/2016"), kim_dob="01/01/1990"),
    age_case("352", E(KIM, "01/06/2019"), E(LEO, "01/06/2019"), kim_dob="01/01/2000", leo_dob="01/01/2003"),
    age_case("358", E(KIM, "01/01/2020", ls="J1"), E(LEO, "01/01/2020", ls="J1"), leo_dob="01/01/2008"),
    age_case(
        "371",
        E(KIM, "01/06/2024", place="K3"),
        E(LEO, "01/06/2024", place="K3"),
        kim_dob="01/01/2009",
        leo_dob="01/01/2008",
    ),
    age_case(
        "372",
        E(KIM, "01/01/2020", place="R5", place_provider="PR3"),
        E(LEO, "01/01/2020", place="R5", place_provider="PR3"),
        leo_dob="01/01/2008",
    ),
    age_case("373", E(KIM, "01/01/2015", place="S1"), E(LEO, "01/01/2020", place="S1")),
    age_case("374", E(KIM, "01/01/2020", place="P3"), E(LEO, "01/01/2020", place="P3"), leo_dob="01/01/2005"),
    age_case(
        "386",
        E(KIM, "01/01/2019", "01/06/2020", "E11", place="A5", ls="E1"),
        E(LEO, "01/01/2019", "01/06/2020", "E12", place="A5", ls="E1"),
        kim_dob="01/01/2002",
    ),
    age_case(
        "407",
        E(KIM, "01/01/2019", "01/06/2020", "E45"),
        E(LEO, "01/01/2019", "01/06/2020", "E46"),
        kim_dob="01/01/2002",
    ),
]

ADOPTION_CASES = [
    Case(
        "333",
        {
            "AD1": [
                {"CHILD": KIM, "DATE_INT": "01/05/2020", "DATE_MATCH": "01/03/2020"},
                {"CHILD": LEO, "DATE_INT": "01/03/2020", "DATE_MATCH": "01/05/2020"},
            ]
        },
        {2},
        {3},
    ),
    Case(
        "331",
        {
            "AD1": [
                {"CHILD": KIM, "DATE_INT": "01/01/2020", "DATE_MATCH": "01/06/2020"},
                {"CHILD": LEO, "DATE_INT": "01/01/2020", "DATE_MATCH": "01/03/2020"},
            ],
            "Episodes": [
                E(KIM, "01/04/2020", place="A5", ls="E1"),
                E(LEO, "01/04/2020", place="A5", ls="E1"),
            ],
        },
        {2},
        {3},
    ),
    Case(
        "334",
        {
            "AD1": [{"CHILD": KIM, "DATE_INT": "01/06/2018"}, {"CHILD": LEO, "DATE_INT": "01/06/2019"}],
            "Episodes": [
                E(KIM, "01/01/2019", "01/01/2020", "E11", place="A5", ls="E1"),
                E(LEO, "01/01/2019", "01/01/2020", "E11", place="A5", ls="E1"),
            ],
        },
        {2},
        {3},
    ),
    Case(
        "523",
        {
            "AD1": [{"CHILD": KIM, "DATE_INT": "01/01/2020"}, {"CHILD": LEO, "DATE_INT": "01/01/2020"}],
            "PlacedAdoption": [
                {"CHILD": KIM, "DATE_PLACED": "02/01/2020"},
                {"CHILD": LEO, "DATE_PLACED": "01/01/2020"},
            ],
        },
        {2},
        {3},
    ),
    Case(
        "579",
        {
            "PlacedAdoption": [
                {
                    "CHILD": KIM,
                    "DATE_PLACED": "01/01/2019",
                    "DATE_PLACED_CEASED": "01/06/2019",
                    "REASON_PLACED_CEASED": "RD1",
                },
                {"CHILD": KIM, "DATE_PLACED": "01/03/2019"},
                {
                    "CHILD": LEO,
                    "DATE_PLACED": "01/01/2019",
                    "DATE_PLACED_CEASED": "01/02/2019",
                    "REASON_PLACED_CEASED": "RD1",
                },
                {"CHILD": LEO, "DATE_PLACED": "01/03/2019"},
            ]
        },
        {3},
        {2, 4, 5},
    ),
    Case(
        "583",
        {
            "PlacedAdoption": [
                {"CHILD": KIM, "DATE_PLACED": "01/01/2019"},
                {"CHILD": KIM, "DATE_PLACED": "01/03/2020"},
                {
                    "CHILD": LEO,
                    "DATE_PLACED": "01/01/2019",
                    "DATE_PLACED_CEASED": "01/02/2019",
                    "REASON_PLACED_CEASED": "RD1",
                },
                {"CHILD": LEO, "DATE_PLACED": "01/03/2020"},
            ]
        },
        {2},
        {3, 4, 5},
    ),
]

MISSING_CASES = [
    Case(
        "574",
        {
            "Missing": [
                {"CHILD": KIM, "MISSING": "M", "MIS_START": "01/01/2020", "MIS_END": "05/01/2020"},
                {"CHILD": KIM, "MISSING": "M", "MIS_START": "03/01/2020", "MIS_END": "04/01/2020"},
                {"CHILD": LEO, "MISSING": "A", "MIS_START": "01/01/2020", "MIS_END": "02/01/2020"},
                {"CHILD": LEO, "MISSING": "M", "MIS_START": "10/01/2020"},
            ]
        },
        {3},
        {2, 4, 5},
    ),
    Case(
        "577",
        {
            "Missing": [
                {"CHILD": KIM, "MISSING": "M", "MIS_START": "01/03/2020"},
                {"CHILD": LEO, "MISSING": "M", "MIS_START": "01/03/2020"},
            ],
            "Episodes": [E(KIM, "01/01/2020", "01/06/2020", "E13"), E(LEO, "01/01/2020")],
        },
        {2},
        {3},
    ),
    Case(
        "578",
        {
            "Missing": [
                {"CHILD": KIM, "MISSING": "M", "MIS_START": "01/08/2020", "MIS_END": "02/08/2020"},
                {"CHILD": LEO, "MISSING": "M", "MIS_START": "01/03/2020", "MIS_END": "02/03/2020"},
            ],
            "Episodes": [
                E(KIM, "01/01/2020", "01/06/2020", "E13"),
                E(LEO, "01/01/2020", "01/06/2020", "E13"),
            ],
        },
        {2},
        {3},
    ),
]

REVIEW_CASES = [
    Case(
        "440",
        with_header(
            "14/05/2012",
            "14/05/2019",
            Reviews=[
                {"CHILD": KIM, "REVIEW": "01/01/2020", "REVIEW_CODE": "PN0"},
                {"CHILD": LEO, "REVIEW": "01/01/2020", "REVIEW_CODE": "PN0"},
            ],
        ),
        {2},
        {3},
    ),
    Case(
        "441",
        with_header(
            "14/05/2019",
            "14/05/2012",
            Reviews=[
                {"CHILD": KIM, "REVIEW": "01/01/2020", "REVIEW_CODE": "PN1"},
                {"CHILD": LEO, "REVIEW": "01/01/2020", "REVIEW_CODE": "PN1"},
            ],
        ),
        {2},
        {3},
    ),
    Case(
        "399",
        {
            "Reviews": [
                {"CHILD": KIM, "REVIEW": "05/01/2020", "REVIEW_CODE": "PN1"},
                {"CHILD": LEO, "REVIEW": "05/01/2020", "REVIEW_CODE": "PN1"},
            ],
            "Episodes": [E(KIM, "01/01/2020", "10/01/2020", "E13", ls="V3"), E(LEO, "01/01/2020")],
        },
        {2},
        {3},
    ),
    Case(
        "REVIEW_IN_CARE",
        {
            "Reviews": [
                {"CHILD": KIM, "REVIEW": "05/03/2020", "REVIEW_CODE": "PN1"},  # after care ended
                {"CHILD": LEO, "REVIEW": "05/01/2020", "REVIEW_CODE": "PN1"},
            ],
            "Episodes": [E(KIM, "01/01/2020", "10/02/2020", "E13"), E(LEO, "01/01/2020")],
        },
        {2},
        {3},
    ),
]

UASC_OC3_SW_CASES = [
    Case(
        "304",
        {
            "UASC": [
                {"CHILD": KIM, "SEX": "M", "DOB": "01/01/2002", "DUC": "01/06/2020"},
                {"CHILD": LEO, "SEX": "M", "DOB": "01/01/2010", "DUC": "01/06/2020"},
            ]
        },
        {2},
        {3},
    ),
    Case(
        "INT21",
        with_header(
            "01/01/2010",
            "01/01/2010",
            UASC=[
                {"CHILD": KIM, "SEX": "F", "DOB": "01/01/2010"},
                {"CHILD": LEO, "SEX": "M", "DOB": "01/01/2010"},
            ],
        ),
        {2},
        {3},
    ),
    Case(
        "344",
        {
            "OC3": [
                {"CHILD": KIM, "IN_TOUCH": "DIED", "ACTIV": "F1", "ACCOM": "0"},
                {"CHILD": LEO, "IN_TOUCH": "DIED", "ACTIV": "0", "ACCOM": "0"},
            ]
        },
        {2},
        {3},
    ),
    Case(
        "345",
        {
            "OC3": [
                {"CHILD": KIM, "IN_TOUCH": "YES", "ACTIV": "0", "ACCOM": "U1"},
                {"CHILD": LEO, "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "U1"},
            ]
        },
        {2},
        {3},
    ),
    Case(
        "3001",
        with_header(
            "01/06/2007",
            "01/06/2005",
            OC3=[
                {"CHILD": KIM, "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "Z1"},
                {"CHILD": LEO, "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "Z1"},
            ],
        ),
        {2},
        {3},
    ),
    Case(
        "SW08",
        {
            "SWEpisodes": [
                {"CHILD": KIM, "SW_ID": "SW1", "SW_DECOM": "01/01/2024", "SW_REASON": "FCONTA"},
                {"CHILD": KIM, "SW_ID": "SW2", "SW_DECOM": "01/03/2024", "SW_REASON": "MANAGE"},
                {
                    "CHILD": LEO,
                    "SW_ID": "SW1",
                    "SW_DECOM": "01/01/2024",
                    "SW_DEC": "01/03/2024",
                    "SW_REASON": "FCONTA",
                },
                {"CHILD": LEO, "SW_ID": "SW2", "SW_DECOM": "01/03/2024", "SW_REASON": "MANAGE"},
            ]
        },
        {2},
        {3, 4, 5},
    ),
    Case(
        "SW10",
        {
            "SWEpisodes": [
                {
                    "CHILD": KIM,
                    "SW_ID": "SW1",
                    "SW_DECOM": "01/01/2024",
                    "SW_DEC": "01/03/2024",
                    "SW_REASON": "FCONTA",
                },
                {"CHILD": KIM, "SW_ID": "SW2", "SW_DECOM": "01/02/2024", "SW_REASON": "MANAGE"},
                {
                    "CHILD": LEO,
                    "SW_ID": "SW1",
                    "SW_DECOM": "01/01/2024",
                    "SW_DEC": "01/03/2024",
                    "SW_REASON": "FCONTA",
                },
                {"CHILD": LEO, "SW_ID": "SW2", "SW_DECOM": "01/03/2024", "SW_REASON": "MANAGE"},
            ]
        },
        {3},
        {2, 4, 5},
    ),
    Case(
        "SW13",
        {
            "SWEpisodes": [
                {"CHILD": KIM, "SW_ID": "SW1", "SW_DECOM": "01/05/2023"},
                {"CHILD": LEO, "SW_ID": "SW1", "SW_DECOM": "01/05/2022"},
            ]
        },
        {2},
        {3},
    ),
]

SUB_TABLES = {
    "INT01": "AD1",
    "INT02": "PlacedAdoption",
    "INT03": "Episodes",
    "INT04": "Missing",
    "INT05": "OC2",
    "INT06": "OC3",
    "INT07": "PrevPerm",
    "INT08": "Reviews",
    "INT09": "UASC",
}
DOB_TABLES = {
    "INT11": "AD1",
    "INT12": "PlacedAdoption",
    "INT13": "Missing",
    "INT14": "OC2",
    "INT15": "OC3",
    "INT16": "PrevPerm",
    "INT17": "Reviews",
    "INT18": "UASC",
}
ONE_ROW_TABLES = {"INT31": "AD1", "INT32": "Header", "INT33": "OC2", "INT34": "OC3", "INT36": "UASC"}

# The date that places each sub-table row in time (a required column).
DATED = {
    "AD1": "DATE_INT",
    "PlacedAdoption": "DATE_PLACED",
    "Missing": "MIS_START",
    "Reviews": "REVIEW",
    "Episodes": "DECOM",
}


def sub_row(table: str, child: str, dob: str = "14/05/2012") -> dict:
    row = {"CHILD": child, "DOB": dob} if table != "Episodes" else E(child, "01/01/2020")
    if table in DATED and table != "Episodes":
        row[DATED[table]] = "01/01/2020"
    if table == "Header":
        row |= {"SEX": "M"}
    return row


INT_CASES = (
    [
        Case(
            code,
            {"Header": header((KIM, "14/05/2012")), table: [sub_row(table, KIM), sub_row(table, LEO)]},
            {3},
            {2},
        )
        for code, table in SUB_TABLES.items()
    ]
    + [
        Case(
            code,
            {
                "Header": header((KIM, "14/05/2012")),
                table: [sub_row(table, KIM), sub_row(table, KIM, "15/05/2012")],
            },
            {3},
            {2},
        )
        for code, table in DOB_TABLES.items()
    ]
    + [
        Case(code, {table: [sub_row(table, KIM), sub_row(table, KIM), sub_row(table, LEO)]}, {2, 3}, {4})
        for code, table in ONE_ROW_TABLES.items()
    ]
)

CASES = AGE_CASES + ADOPTION_CASES + MISSING_CASES + REVIEW_CASES + UASC_OC3_SW_CASES + INT_CASES


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_cross_table_rule_flags_exactly_the_bad_rows(case: Case) -> None:
    flagged = flagged_lines(case)
    assert flagged == case.bad
    assert not flagged & case.good
