"""Simulates one council's children in care, day by day, into internal history tables."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .councils import Council, neighbour_districts, random_postcodes
from .dates import NO_DATE, add_years, day, month_end, month_sequence, month_start, to_date

# Days when placement codes changed (ssda903.md §2): P2 may not be open after 28/10/2023;
# K3 replaced H5 for new supported accommodation from April 2024; Z11-Z14 replaced Z1 from
# April 2025. Episodes spanning a change are split there with RNE T, as CMSs do on re-coding.
P2_LAST_OPEN = day(pd.Timestamp("2023-10-27").date())
K3_FROM = day(pd.Timestamp("2024-04-01").date())
Z1X_FROM = day(pd.Timestamp("2025-04-01").date())

_MOVE_REASONS = ("CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "STAND", "ALLEG", "CLOSE", "APPRR", "OTHER")
_MOVE_REASON_WEIGHTS = (30, 15, 10, 8, 8, 4, 3, 6, 2, 14)


def _table(pairs):
    """A weighted code list, ready for `_Simulator.pick`."""
    codes = tuple(p[0] for p in pairs)
    weights = np.array([p[1] for p in pairs], dtype=float)
    cum = (np.cumsum(weights) / weights.sum()).tolist()
    cum[-1] = 1.0
    return codes, cum


_ETHNIC = _table(
    [("WBRI", 72), ("WOTH", 3), ("WIRI", 0.3), ("WIRT", 0.4), ("WROM", 0.7), ("MWBC", 4), ("MWBA", 1.5),
     ("MWAS", 1.5), ("MOTH", 3), ("AIND", 0.8), ("APKN", 2), ("ABAN", 0.7), ("AOTH", 1), ("BCRB", 1.2),
     ("BAFR", 2), ("BOTH", 1), ("CHNE", 0.2), ("OOTH", 1.5), ("REFU", 0.2), ("NOBT", 0.5)]
)  # fmt: skip
_ETHNIC_UASC = _table([("AOTH", 30), ("BAFR", 35), ("OOTH", 20), ("WOTH", 8), ("MOTH", 2), ("BOTH", 5)])
_CIN = _table([("N1", 62), ("N2", 3), ("N3", 3), ("N4", 7), ("N5", 14), ("N6", 2), ("N7", 0.2), ("N8", 7)])
_REVIEW_CODES = _table(
    [("PN1", 55), ("PN2", 10), ("PN3", 5), ("PN4", 5), ("PN5", 8), ("PN6", 12), ("PN7", 5)]
)
_MOVE = _table(list(zip(_MOVE_REASONS, _MOVE_REASON_WEIGHTS, strict=True)))
_KIN = _table([("U1", 30), ("U2", 5), ("U3", 65)])
_OTHER_FOSTER = _table([("U4", 30), ("U5", 4), ("U6", 66)])
_PATHS = {
    "infant": _table([("adoption", 33), ("home", 30), ("sgo", 20), ("to18", 14), ("other", 3)]),
    "young": _table([("adoption", 20), ("home", 36), ("sgo", 20), ("to18", 20), ("other", 4)]),
    "child": _table([("home", 45), ("sgo", 12), ("to18", 38), ("other", 5)]),
    "teen": _table([("home", 46), ("to18", 43), ("other", 6), ("remand", 5)]),
    "older": _table([("home", 22), ("to18", 70), ("other", 3), ("remand", 5)]),
}
_PLACEMENT_BY_AGE = (
    (1, _table([("FOSTER", 96), ("R3", 3), ("R2", 1)])),
    (4, _table([("FOSTER", 99), ("R2", 1)])),
    (10, _table([("FOSTER", 94), ("K2", 3), ("S1", 2), ("R2", 1)])),
    (14, _table([("FOSTER", 70), ("K2", 21), ("S1", 4), ("R1", 2), ("K1", 1), ("Z", 1)])),
    (16, _table([("FOSTER", 58), ("K2", 30), ("S1", 4), ("R1", 3), ("K1", 2), ("Z", 1), ("P3", 1)])),
    (99, _table([("FOSTER", 45), ("K2", 17), ("SA", 35), ("R1", 1), ("P3", 1), ("Z", 1)])),
)
_PROVIDERS = {
    "KIN": _table([("PR1", 90), ("PR2", 5), ("PR4", 5)]),
    "FOSTER": _table([("PR1", 50), ("PR4", 38), ("PR5", 8), ("PR2", 4)]),
    "K2": _table([("PR4", 75), ("PR1", 12), ("PR5", 8), ("PR2", 5)]),
    "K1": _table([("PR2", 60), ("PR1", 40)]),
    "R1": _table([("PR4", 80), ("PR5", 20)]),
    "S1": _table([("PR4", 60), ("PR5", 30), ("PR2", 10)]),
    "SA": _table([("PR4", 60), ("PR5", 20), ("PR1", 20)]),
    "R3": _table([("PR4", 60), ("PR1", 40)]),
    "ADOPT": _table([("PR1", 65), ("PR5", 25), ("PR2", 10)]),
}
# Share of placements in the council's own postcode districts, by placement kind.
_IN_AREA = {"FOSTER": 0.76, "KIN": 0.8, "K2": 0.45, "K1": 0.1, "S1": 0.4, "SA": 0.7, "R1": 0.5, "R2": 0.7,
            "R3": 0.6, "R5": 0.2, "P3": 0.6, "Z": 0.6, "ADOPT": 0.5, "T": 0.8}  # fmt: skip
_NO_URN = {"P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"}
_TEMP = _table([("T1", 35), ("T4", 40), ("T3", 15), ("T2", 10)])
_TEMP_DAYS = {"T1": (3, 30), "T4": (1, 7), "T3": (5, 20), "T2": (4, 14)}
_LEAVE_18 = {
    "foster": _table([("E17", 45), ("E5", 30), ("E6", 10), ("E8", 15)]),
    "supported": _table([("E5", 60), ("E6", 25), ("E8", 15)]),
    "other": _table([("E5", 50), ("E6", 15), ("E8", 30), ("E7", 5)]),
}
_EET = _table([("F2", 30), ("F5", 30), ("P5", 12), ("F1", 10), ("F4", 10), ("P2", 4), ("P4", 2), ("P1", 2)])
_NEET = _table([("G5", 60), ("G4", 20), ("G6", 20)])
_SUITABLE = _table(
    [("U1", 25), ("D1", 20), ("E1", 10), ("Z1", 12), ("B1", 12), ("T1", 6), ("C1", 6), ("K1", 5), ("Y1", 4)]
)
_UNSUITABLE = _table([("S2", 20), ("B2", 20), ("V2", 15), ("W2", 10), ("X2", 10), ("U2", 15), ("Y2", 10)])
_IN_TOUCH = _table([("YES", 90), ("NO", 5), ("REFU", 2), ("NREQ", 2), ("RHOM", 1)])
_SW_CHANGE = _table(
    [
        ("MANAGE", 30),
        ("TSPROC", 25),
        ("ORGRST", 8),
        ("ABSENC", 7),
        ("CHCHAN", 10),
        ("PCCHAN", 8),
        ("OTHERS", 12),
    ]
)
_EDGE_SERVICES = np.array(
    ["Edge of Care Team", "Family Group Conferencing", "Multi-Systemic Therapy", "Family Support Hub"],
    dtype=object,
)
_TEAMS_SW = ("Children in Care – North", "Children in Care – South", "Children in Care – Central")
_TEAM_PA = "Leaving Care"
_TEAM_IRO = "Independent Reviewing Service"
_FTE = _table([("1.0", 70), ("0.8", 15), ("0.6", 10), ("0.5", 5)])


@dataclass
class CouncilHistory:
    """Everything simulated for one council, with dates as day numbers (see `dates`)."""

    council: Council
    index: int
    children: pd.DataFrame
    episodes: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    establishment: pd.DataFrame
    urns: pd.DataFrame
    target_cla: float


class _Simulator:
    def __init__(self, council: Council, index: int, seed: int, first_month: str, end_month: str):
        self.council = council
        self.index = index
        self.rng = np.random.default_rng([seed, index])
        self.sim_end = month_end(end_month)
        self.first_extract = month_start(first_month)
        self.local_start = add_years(self.first_extract, -7)
        self.sim_start = add_years(self.first_extract, -15)
        self.extract_ends = np.array(
            [month_end(m) for m in month_sequence(end_month, 1 + (self.sim_end - self.first_extract) // 28)]
        )
        self.extract_ends = self.extract_ends[self.extract_ends >= self.first_extract]
        self.own = council.postcode_districts
        self.near = neighbour_districts(council) or council.postcode_districts
        self.target_cla = float(self.rng.uniform(650, 850))
        self.own_posts = random_postcodes(self.rng, self.own, 4000).tolist()
        self.near_posts = random_postcodes(self.rng, self.near, 4000).tolist()
        self.id_base = 1_000_000 * (index + 1) + 100_000
        rng = self.rng
        # Ofsted URNs of the settings this council uses; the council's own fostering service is one.
        self.setting_urns = np.array(
            [f"SC{n:06d}" for n in rng.choice(np.arange(100000, 999999), 400, replace=False)], dtype=object
        )
        self.la_fostering_urn = self.setting_urns[0]
        # School URNs: the first 120 in the council's area, the rest in neighbouring councils.
        self.school_urns = 100000 + 2000 * index + rng.choice(2000, 160, replace=False)
        self.children: list[dict] = []
        self.periods: list[dict] = []
        self.episodes: list[list] = []

    # ---- small helpers ------------------------------------------------------------------
    def pick(self, table) -> str:
        codes, cum = table
        return codes[min(bisect.bisect_right(cum, self.rng.random()), len(codes) - 1)]

    def uniform_int(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high + 1))

    def postcode(self, in_area_share: float) -> str:
        pool = self.own_posts if self.rng.random() < in_area_share else self.near_posts
        return pool[int(self.rng.integers(0, len(pool)))]

    # ---- placements ---------------------------------------------------------------------
    def placement(self, kind: str, when: int, home_post: str) -> dict:
        """A placement of a kind (FOSTER, KIN, K2, SA, P1, ADOPT, …) starting on a day."""
        rng = self.rng
        if kind == "FOSTER":
            place = self.pick(_OTHER_FOSTER)
        elif kind == "KIN":
            place = self.pick(_KIN)
        elif kind == "SA":
            place = (
                ("P2" if rng.random() < 0.3 else "H5")
                if when <= P2_LAST_OPEN
                else ("H5" if when < K3_FROM else "K3")
            )
        elif kind == "Z":
            place = "Z1" if when < Z1X_FROM else str(rng.choice(["Z11", "Z12", "Z13", "Z14"]))
        elif kind == "ADOPT":
            place = "A6"
        else:
            place = kind
        if place == "P1":
            return {"place": "P1", "provider": "PR0", "post": home_post, "urn": "", "kind": "P1"}
        if place in ("R2", "R5"):
            provider = "PR3"
        elif place.startswith("Z") or place.startswith("T"):
            provider = ""
        elif place == "P3":
            provider = "PR4"
        else:
            provider = self.pick(_PROVIDERS[kind if kind in _PROVIDERS else "K2"])
        post = self.postcode(_IN_AREA.get(kind, 0.6))
        if place in _NO_URN:
            urn = ""
        elif place[0] == "U" and provider == "PR1":
            urn = self.la_fostering_urn
        else:
            urn = str(self.setting_urns[1 + int(rng.integers(0, len(self.setting_urns) - 1))])
        return {"place": place, "provider": provider, "post": post, "urn": urn, "kind": kind}

    def placement_kind(self, age: float, uasc: bool) -> str:
        rng = self.rng
        if uasc:
            if age >= 16:
                return "SA" if rng.random() < 0.65 else "FOSTER"
            return "FOSTER" if rng.random() < 0.85 else "K2"
        for limit, table in _PLACEMENT_BY_AGE:
            if age < limit:
                kind = self.pick(table)
                break
        if kind == "FOSTER" and rng.random() < 0.22:
            kind = "KIN"
        return kind

    # ---- children and periods -----------------------------------------------------------
    def age_years(self, dob: int, when: int) -> float:
        return (when - dob) / 365.25

    def new_child(self, entry: int, age_days: int, uasc: bool, respite: bool) -> dict:
        rng = self.rng
        dob = entry - age_days
        if to_date(dob).month == 2 and to_date(dob).day == 29:
            dob -= 1
        male_share = 0.92 if uasc else 0.53
        sex = "M" if rng.random() < male_share else "F"
        ethnic = self.pick(_ETHNIC_UASC if uasc else _ETHNIC)
        dob_date = to_date(dob)
        fourth = add_years(dob, 4)
        reception_year = dob_date.year + 4 if to_date(fourth).month <= 8 else dob_date.year + 5
        reception = day(pd.Timestamp(f"{reception_year}-09-01").date())
        upn = "ABCDEFGHJKLMNPQRTUVWXYZ"[int(rng.integers(0, 23))] + "".join(
            str(d) for d in rng.integers(0, 10, 12)
        )
        upn_from = max(entry + 30, reception)
        if uasc and rng.random() < 0.5:
            upn, upn_from = "UN2", entry
        mother, mc_dob = "", NO_DATE
        if sex == "F" and age_days >= 12 * 365:
            mother = "0"
            if age_days >= 15 * 365 and not uasc and rng.random() < 0.05:
                mother, mc_dob = "1", entry - self.uniform_int(0, 150)
        child = {
            "child": len(self.children), "CHILD": str(self.id_base + len(self.children)), "sex": sex, "dob": dob,
            "ethnic": ethnic, "upn": upn, "upn_from": upn_from, "mother": mother, "mc_dob": mc_dob,
            "uasc": uasc, "respite": respite, "duc": NO_DATE, "reception": reception,
            "sen": "EHCP" if respite else self.pick(_table([("NONE", 45), ("SEN_SUPPORT", 30), ("EHCP", 25)])),
        }  # fmt: skip
        self.children.append(child)
        return child

    def age_band(self, age_days: int) -> str:
        years = age_days / 365.25
        return (
            "infant"
            if years < 1
            else "young"
            if years < 5
            else "child"
            if years < 10
            else "teen"
            if years < 16
            else "older"
        )

    def draw_entry_age(self) -> int:
        rng = self.rng
        band = self.pick(_table([("0", 20), ("1", 15), ("5", 17), ("10", 38), ("16", 10)]))
        if band == "0":
            return self.uniform_int(0, 6) if rng.random() < 0.35 else self.uniform_int(7, 364)
        low, high = {"1": (1, 5), "5": (5, 10), "10": (10, 16), "16": (16, 18)}[band]
        return self.uniform_int(int(low * 365.25) + 1, int(high * 365.25) - 3)

    def plan_period(self, child: dict, start: int, path: str) -> dict:
        """The planned course of a period of care: its end, exit code and key dates."""
        rng = self.rng
        dob = child["dob"]
        eighteen = add_years(dob, 18)
        plan: dict = {"path": path, "start": start, "orig_path": path}
        if path == "adoption":
            consent = rng.random() < 0.1
            plan["consent"] = consent
            plan["ffa"] = rng.random() < 0.15
            if consent:
                plan["date_int"] = start + self.uniform_int(30, 120)
                plan["t_e1"] = None
                plan["date_match"] = plan["date_int"] + self.uniform_int(60, 200)
            else:
                plan["t_e1"] = start + self.uniform_int(200, 330)
                plan["date_int"] = max(start + 14, plan["t_e1"] - self.uniform_int(20, 90))
                plan["date_match"] = plan["t_e1"] + self.uniform_int(60, 220)
            plan["t_place"] = plan["date_match"] + self.uniform_int(7, 40)
            plan["end"] = plan["t_place"] + self.uniform_int(120, 330)
            plan["rec"] = "E11" if rng.random() < 0.8 else "E12"
            # A few adoption plans are reversed after the placement order (PlacedAdoption ceased).
            if not consent and rng.random() < 0.08:
                plan["reversed"] = plan["t_e1"] + self.uniform_int(60, 180)
                plan["path"] = "to18" if rng.random() < 0.5 else "sgo"
                plan["end"] = (
                    eighteen if plan["path"] == "to18" else plan["reversed"] + self.uniform_int(200, 500)
                )
                plan["rec"] = None
        elif path == "sgo":
            plan["end"] = start + self.uniform_int(300, 900)
        elif path == "home":
            plan["end"] = start + 14 + int(rng.exponential(280))
            plan["rec"] = self.pick(_table([("E4A", 78), ("E4B", 14), ("E13", 8)]))
        elif path == "to18":
            plan["end"] = eighteen
        elif path == "remand":
            plan["end"] = start + self.uniform_int(7, 150)
            plan["rec"] = "E14" if rng.random() < 0.75 else "E9"
        elif path == "uasc":
            roll = rng.random()
            if roll < 0.1:
                plan["end"], plan["rec"] = start + self.uniform_int(20, 120), "E3"
            elif roll < 0.13:
                plan["end"], plan["rec"] = start + self.uniform_int(30, 200), "E15"
            else:
                plan["end"] = eighteen
        else:
            plan["end"] = start + 30 + int(rng.exponential(400))
            plan["rec"] = self.pick(_table([("E41", 35), ("E13", 25), ("E8", 20), ("E3", 15), ("E16", 5)]))
        if plan["end"] >= eighteen:
            plan["end"], plan["path"], plan["rec"] = eighteen, "to18" if path != "uasc" else "uasc", None
            plan.pop("t_place", None)
        return plan

    def first_legal_status(self, path: str, age: float) -> str:
        rng = self.rng
        if path == "remand":
            return "J1"
        if path == "uasc":
            return "V2"
        share_c1 = {"adoption": 0.9, "sgo": 0.8, "home": 0.45, "other": 0.4}.get(path)
        if share_c1 is None:
            share_c1 = 0.85 if age < 10 else 0.55 if age < 16 else 0.25
        return "C1" if rng.random() < share_c1 else "V2"

    def simulate_period(self, child: dict, start: int, path: str) -> dict:
        rng = self.rng
        dob = child["dob"]
        plan = self.plan_period(child, start, path)
        path = plan["path"]
        end = plan["end"]
        age = self.age_years(dob, start)
        home_post = "" if child["uasc"] else self.postcode(1.0)
        ls = self.first_legal_status(plan["orig_path"], age)
        if plan.get("consent"):
            ls = "V2" if rng.random() < 0.5 else "C1"
        events: list[tuple] = []  # (day, priority, kind, data)

        def add(when, kind, data, priority=0):
            events.append((int(when), priority, kind, data))

        first_ls = ls
        if path not in ("remand", "uasc") and rng.random() < 0.05:
            first_ls = "L1" if rng.random() < 0.8 else "L2"
            add(
                start + (self.uniform_int(1, 3) if first_ls == "L1" else self.uniform_int(7, 20)), "ls", ls, 3
            )
        if path == "remand":
            kind = (
                "R5"
                if age >= 15 and rng.random() < 0.4
                else self.pick(_table([("K1", 15), ("K2", 45), ("FOSTER", 40)]))
            )
        elif plan.get("ffa"):
            kind = "FOSTER"
        else:
            kind = self.placement_kind(age, child["uasc"])
        first = self.placement(kind, start, home_post)
        if plan.get("ffa"):
            first.update(place="U5")
        # Care orders: interim order, then a full order at the final hearing (about 26 weeks).
        if ls == "C1" and plan["orig_path"] != "adoption":
            t = start + self.uniform_int(150, 260)
            if t < end - 10:
                add(t, "ls", "C2", 2)
        if path == "adoption" or "reversed" in plan:
            if plan.get("t_e1"):
                add(plan["t_e1"], "ls", "E1", 3)
            if "reversed" in plan:
                add(plan["reversed"], "ls", "C2", 3)
            elif "t_place" in plan:
                # With the current foster carers (fostering for adoption) or with new adopters.
                target = {(True, True): "A3", (True, False): "A4", (False, True): "A5", (False, False): "A6"}[
                    (plan["consent"], plan["ffa"])
                ]
                add(plan["t_place"], "adopt", target, 3)
        if path == "sgo" and rng.random() < 0.4:
            t = end - self.uniform_int(150, 400)
            if t > start + 30:
                add(t, "move", "KIN", 1)
        if path == "home" and ls in ("C1",) and end - start > 240 and rng.random() < 0.35:
            add(end - self.uniform_int(90, 200), "move", "P1", 1)
        if path in ("to18", "uasc") and not child["uasc"]:
            sixteen_half = add_years(dob, 16) + self.uniform_int(90, 450)
            if start < sixteen_half < end - 30 and rng.random() < 0.45:
                add(sixteen_half, "move", "SA", 1)
        # Placement moves: an early move from an emergency placement, then a Poisson process.
        last_move = plan.get("t_place", end) - 30
        if not plan.get("ffa"):
            if rng.random() < 0.3:
                add(start + self.uniform_int(5, 60), "move", None, 0)
            unstable = rng.random() < 0.12
            rate = (0.2 if age < 5 else 0.25 if age < 10 else 0.45) * (4.0 if unstable else 1.0)
            span = max(0, last_move - start)
            for t in np.sort(rng.uniform(start + 30, start + 30 + span, rng.poisson(rate * span / 365.25))):
                add(t, "move", None, 0)
        span = max(0, end - start - 90)
        for t in rng.uniform(start + 45, start + 45 + span, rng.poisson(0.03 * span / 365.25)):
            add(t, "temp", self.pick(_TEMP), 0)
        episodes = self.build_episodes(child, start, end, plan, first_ls, first, events, home_post)
        plan["home_post"] = home_post
        plan["episodes"] = episodes
        return plan

    def build_episodes(self, child, start, end, plan, first_ls, first, events, home_post) -> list[list]:
        rng = self.rng
        dob = child["dob"]
        events.sort(key=lambda e: (-e[1], e[0]))
        kept: list[tuple] = []
        busy: list[tuple[int, int]] = []
        for when, priority, kind, data in events:
            length = 0
            if kind == "temp":
                length = self.uniform_int(*_TEMP_DAYS[data])
            lo, hi = when - 3, when + length + 3
            if when <= start or when >= end - 1:
                continue
            if priority == 0 and (when <= start + 1 or when + length >= end - 14):
                continue
            if any(lo <= b and a <= hi for a, b in busy):
                continue
            busy.append((when, when + length))
            kept.append((when, kind, data, length))
        kept.sort(key=lambda e: e[0])
        cur = {"ls": first_ls, **first}
        eps = [
            [start, NO_DATE, "S", cur["ls"], cur["place"], cur["provider"], cur["post"], cur["urn"], "", ""]
        ]

        def close(when: int, reason: str) -> None:
            eps[-1][1], eps[-1][8], eps[-1][9] = when, "X1", reason

        for when, kind, data, length in kept:
            age = self.age_years(dob, when)
            if kind == "ls":
                close(when, "")
                cur["ls"] = data
                eps.append(
                    [
                        when,
                        NO_DATE,
                        "L",
                        cur["ls"],
                        cur["place"],
                        cur["provider"],
                        cur["post"],
                        cur["urn"],
                        "",
                        "",
                    ]
                )
            elif kind == "temp":
                if cur["place"][0] in "AP" or cur["place"] in ("K1", "R5"):
                    continue
                if data == "T3" and not cur["place"].startswith("U"):
                    # T3 covers a foster carer's holiday only; elsewhere it is a short T4 (rule 379: <= 7 days).
                    data = "T4"
                    length = min(length, 7)
                close(when, "")
                eps.append([when, NO_DATE, "P", cur["ls"], data, "", self.postcode(0.8), "", "", ""])
                close(when + length, "")
                eps.append(
                    [
                        when + length,
                        NO_DATE,
                        "P",
                        cur["ls"],
                        cur["place"],
                        cur["provider"],
                        cur["post"],
                        cur["urn"],
                        "",
                        "",
                    ]
                )
            elif kind == "adopt":
                same_carer = data in ("A3", "A5")
                if same_carer:
                    new = {
                        **cur,
                        "place": data,
                        "provider": cur["provider"] if cur["provider"] in ("PR1", "PR2", "PR5") else "PR1",
                    }
                else:
                    new = {**cur, **self.placement("ADOPT", when, home_post)}
                    new["place"] = data
                close(when, "CARPL")
                cur = new
                eps.append(
                    [
                        when,
                        NO_DATE,
                        "T" if same_carer else "P",
                        cur["ls"],
                        cur["place"],
                        cur["provider"],
                        cur["post"],
                        cur["urn"],
                        "",
                        "",
                    ]
                )
            else:  # move
                move_kind = data or self.placement_kind(age, child["uasc"])
                if move_kind == "P1" and cur["ls"] not in ("C1", "C2"):
                    continue
                same_carer = data is None and cur["place"] in ("U4", "U6", "U1", "U3") and rng.random() < 0.12
                if same_carer:
                    swap = {"U4": "U6", "U6": "U4", "U1": "U3", "U3": "U1"}[cur["place"]]
                    new = {**cur, "place": swap}
                    reason = "PLACE"
                else:
                    new = {**cur, **self.placement(move_kind, when, home_post)}
                    reason = "CARPL" if data else self.pick(_MOVE)
                close(when, reason)
                cur = new
                eps.append(
                    [
                        when,
                        NO_DATE,
                        "T" if same_carer else "P",
                        cur["ls"],
                        cur["place"],
                        cur["provider"],
                        cur["post"],
                        cur["urn"],
                        "",
                        "",
                    ]
                )
        # The exit.
        rec = plan.get("rec")
        if plan["path"] in ("to18", "uasc") and rec is None:
            place = cur["place"]
            group = (
                "foster" if place.startswith("U") else "supported" if place in ("H5", "K3", "P2") else "other"
            )
            rec = self.pick(_LEAVE_18[group])
        if plan["path"] == "sgo" and rec is None:
            kin = cur["place"] in ("U1", "U2", "U3")
            foster = cur["place"].startswith("U")
            rec = (
                ("E45" if rng.random() < 0.75 else "E47")
                if kin
                else ("E46" if foster and rng.random() < 0.6 else "E48")
            )
        plan["rec"] = rec
        eps[-1][1], eps[-1][8] = end, rec
        return self.apply_code_dates(eps)

    def apply_code_dates(self, eps: list[list]) -> list[list]:
        """Re-code placements across the dates when P2, H5 and Z1 stopped being used."""
        for ep in eps:
            start, end = ep[0], ep[1]
            if ep[4] == "P2" and (start > P2_LAST_OPEN or end > P2_LAST_OPEN):
                ep[4] = "H5"
                ep[7] = ep[7] or str(self.setting_urns[-1])
            if ep[4] == "H5" and start >= K3_FROM:
                ep[4] = "K3"
            if ep[4] == "Z1" and start >= Z1X_FROM:
                ep[4] = "Z11"
        out: list[list] = []
        for ep in eps:
            for old, new, when in (("H5", "K3", K3_FROM), ("Z1", "Z11", Z1X_FROM)):
                if ep[4] == old and ep[0] < when < ep[1]:
                    first = list(ep)
                    first[1], first[8], first[9] = when, "X1", "PLACE"
                    out.append(first)
                    ep = list(ep)
                    ep[0], ep[2], ep[4] = when, "T", new
            out.append(ep)
        return out

    def simulate_children(self) -> None:
        rng = self.rng
        years = (self.sim_end - self.sim_start) / 365.25
        mean_days = self.pilot_mean_days()
        # Steady state: stock = entry rate x mean time in care (Little's law), with UASC ~5%.
        rate = 0.95 * self.target_cla / mean_days * 365.25
        n_main = rng.poisson(rate * years)
        n_uasc = rng.poisson(0.05 * self.target_cla / (1.4 * 365.25) * 365.25 * years)
        n_respite = rng.poisson(8 * years)
        streams = [(t, "main") for t in rng.integers(self.sim_start, self.sim_end + 1, n_main)]
        streams += [(t, "uasc") for t in rng.integers(self.sim_start, self.sim_end + 1, n_uasc)]
        streams += [(t, "respite") for t in rng.integers(self.sim_start, self.sim_end + 1, n_respite)]
        streams.sort()
        for entry, stream in streams:
            entry = int(entry)
            if stream == "respite":
                self.simulate_respite(entry)
                continue
            if stream == "uasc":
                child = self.new_child(
                    entry, self.uniform_int(int(14.2 * 365.25), int(17.8 * 365.25)), True, False
                )
                path = "uasc"
            else:
                age_days = self.draw_entry_age()
                child = self.new_child(entry, age_days, False, False)
                path = self.pick(_PATHS[self.age_band(age_days)])
            start = entry
            while True:
                plan = self.simulate_period(child, start, path)
                self.add_period(child, plan)
                end = plan["end"]
                if child["uasc"] and (end >= add_years(child["dob"], 18) or plan["rec"] == "E15"):
                    child["duc"] = min(end, add_years(child["dob"], 18))
                if plan["rec"] not in ("E4A", "E4B", "E13", "E41", "E8") or end > self.sim_end:
                    break
                if self.age_years(child["dob"], end) > 16.5 or rng.random() > 0.12:
                    break
                start = end + self.uniform_int(30, 600)
                if start > self.sim_end:
                    break
                path = "home" if rng.random() < 0.5 else "to18"

    def pilot_mean_days(self) -> float:
        saved = self.rng
        self.rng = np.random.default_rng([self.index, 77])
        total = 0
        n = 1500
        start = day(pd.Timestamp("2015-01-01").date())
        for _ in range(n):
            age_days = self.draw_entry_age()
            child = {"dob": start - age_days}
            plan = self.plan_period(child, start, self.pick(_PATHS[self.age_band(age_days)]))
            total += plan["end"] - start
        self.rng = saved
        return total / n

    def simulate_respite(self, entry: int) -> None:
        rng = self.rng
        child = self.new_child(entry, self.uniform_int(5 * 366, 15 * 365), False, True)
        stop = min(entry + self.uniform_int(365, 5 * 365), add_years(child["dob"], 18) - 10)
        home_post = self.postcode(1.0)
        setting = self.placement("K2" if rng.random() < 0.7 else "FOSTER", entry, home_post)
        if setting["place"].startswith("U"):
            setting.update(place="U6", provider="PR1", urn=self.la_fostering_urn)
        t = entry
        while t < min(stop, self.sim_end - 5):
            nights = self.uniform_int(1, 4)
            ep = [
                t,
                t + nights,
                "S",
                "V3",
                setting["place"],
                setting["provider"],
                setting["post"],
                setting["urn"],
                "E4A",
                "",
            ]
            plan = {
                "path": "respite",
                "start": t,
                "end": t + nights,
                "rec": "E4A",
                "home_post": home_post,
                "episodes": [ep],
            }
            self.add_period(child, plan, cin="N2")
            t += nights + self.uniform_int(28, 56)

    def add_period(self, child: dict, plan: dict, cin: str | None = None) -> None:
        if cin is None:
            cin = "N8" if child["uasc"] else "N6" if plan["path"] == "remand" else self.pick(_CIN)
        eps = [ep for ep in plan["episodes"] if ep[0] <= self.sim_end]
        if not eps:
            return
        if plan["end"] > self.sim_end:
            eps[-1][1], eps[-1][8], eps[-1][9] = NO_DATE, "", ""
        plan["episodes"] = eps
        plan["child"] = child["child"]
        plan["cin"] = cin
        plan["period"] = len(self.periods)
        self.periods.append(plan)
        for ep in eps:
            self.episodes.append(
                [
                    child["child"],
                    plan["period"],
                    ep[0],
                    ep[1],
                    ep[2],
                    ep[3],
                    cin,
                    *ep[4:8],
                    ep[8],
                    ep[9],
                    plan["home_post"],
                ]
            )


def simulate_council(
    council: Council, index: int, seed: int, first_month: str, end_month: str
) -> CouncilHistory:
    """Simulates a council's children over 15 years of history up to the end of `end_month`."""
    sim = _Simulator(council, index, seed, first_month, end_month)
    sim.simulate_children()
    children = pd.DataFrame(sim.children)
    episodes = pd.DataFrame(
        sim.episodes,
        columns=[
            "child",
            "period",
            "decom",
            "dec",
            "rne",
            "ls",
            "cin",
            "place",
            "provider",
            "pl_post",
            "urn",
            "rec",
            "rpc",
            "home_post",
        ],
    )
    from .activities import simulate_activities

    tables, establishment, urns = simulate_activities(sim, children, episodes)
    return CouncilHistory(council, index, children, episodes, tables, establishment, urns, sim.target_cla)
