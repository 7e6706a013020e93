"""Simulates the practice records around each period of care: reviews, visits, health, staff."""

from __future__ import annotations

import bisect

import numpy as np
import pandas as pd

from . import histories as h
from .dates import NO_DATE, add_years, day, to_date

_MONTH_STARTS = np.array([day(m.start_time.date()) for m in pd.period_range("1985-01", "2045-12", freq="M")])


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


class _Workforce:
    """Posts ("slots") filled by a sequence of workers over time, so turnover is visible."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.workers: list[list] = []  # worker_id, role, team, fte, start, end_exclusive, agency
        self.slots: list[dict] = []

    def add_slots(self, role: str, team_of, total_fte: float, fixed_fte: str | None = None) -> list[int]:
        sim, rng = self.sim, self.sim.rng
        made = []
        fte_sum = 0.0
        while fte_sum < total_fte or not made:
            fte = fixed_fte or sim.pick(h._FTE)
            team = team_of(len(made))
            slot = {"role": role, "team": team, "fte": fte, "starts": [], "workers": []}
            t = sim.sim_start - sim.uniform_int(0, 4 * 365)
            while t <= sim.sim_end + 400:
                agency = rng.random() < 0.15
                tenure = int(60 + rng.exponential(365)) if agency else int(120 + rng.exponential(3.5 * 365))
                worker_id = f"{role}{sum(1 for w in self.workers if w[1] == role) + 1:04d}"
                self.workers.append([worker_id, role, team, fte, t, t + tenure, "Y" if agency else "N"])
                slot["starts"].append(t)
                slot["workers"].append(len(self.workers) - 1)
                t += tenure
            self.slots.append(slot)
            made.append(len(self.slots) - 1)
            fte_sum += float(fte)
        return made

    def worker_at(self, slot: int, when: int) -> tuple[str, int]:
        """The worker holding a post on a day, and the day their successor starts."""
        s = self.slots[slot]
        i = bisect.bisect_right(s["starts"], when) - 1
        worker = self.workers[s["workers"][max(i, 0)]]
        return worker[0], worker[5]

    def workers_at(self, slot: int, days: np.ndarray) -> np.ndarray:
        s = self.slots[slot]
        i = np.clip(np.searchsorted(np.asarray(s["starts"]), days, side="right") - 1, 0, None)
        return np.asarray([self.workers[w][0] for w in s["workers"]], dtype=object)[i]


def simulate_activities(sim, children: pd.DataFrame, episodes: pd.DataFrame):
    rng = sim.rng
    periods = [p for p in sim.periods if p["path"] != "respite"]
    dob = children["dob"].to_numpy()
    reception = children["reception"].tolist()
    sen = children["sen"].tolist()
    sex = children["sex"].tolist()
    visits: dict[str, list] = {
        k: [] for k in ("child", "visit_date", "due_date", "visit_type", "seen_alone", "worker_id")
    }
    supervisions: dict[str, list] = {k: [] for k in ("child", "supervision_date", "worker_id")}
    horizon = sim.sim_end + 1
    for p in periods:
        p["stop"] = p["end"] if p["end"] <= sim.sim_end else horizon

    starts = np.array([p["start"] for p in periods])
    stops = np.array([p["stop"] for p in periods])
    mean_cla = float(np.mean([((starts <= d) & (stops > d)).sum() for d in sim.extract_ends]))
    care_leavers = _care_leavers(sim, children, periods)
    mid = int(np.median(sim.extract_ends))
    leavers_16_21 = sum(1 for c in care_leavers if c["from"] <= mid < add_years(c["dob"], 22))

    staff = _Workforce(sim)
    sw_slots = staff.add_slots("SW", lambda i: h._TEAMS_SW[i % 3], mean_cla / 17.5)
    pa_slots = staff.add_slots("PA", lambda i: h._TEAM_PA, max(2.0, leavers_16_21 / 35))
    staff.add_slots("IRO", lambda i: h._TEAM_IRO, mean_cla / 60)
    tm_slot = {}
    for team in (*h._TEAMS_SW, h._TEAM_PA, h._TEAM_IRO):
        tm_slot[team] = staff.add_slots("TM", lambda i, team=team: team, 1.0, "1.0")[0]
    sw_weights = np.array([float(staff.slots[s]["fte"]) for s in sw_slots])
    sw_weights /= sw_weights.sum()

    tables: dict[str, list] = {k: [] for k in (
        "reviews", "missing", "sw_episodes", "health_checks", "peps",
        "permanence_plans", "schools", "exploitation", "placed_adoption", "ad1", "prev_perm",
    )}  # fmt: skip
    first_period_seen: set[int] = set()
    for p in periods:
        child = int(p["child"])
        birth = int(dob[child])
        start, stop = p["start"], p["stop"]
        # ---- social worker allocation (SWEpisodes) ----
        sw_start, sw_worker, sw_team = [], [], []
        t, slot, reason = start, int(rng.choice(sw_slots, p=sw_weights)), "FCONTA"
        while t < stop:
            seg_end = min(t + sim.uniform_int(240, 720), stop)
            worker, successor = staff.worker_at(slot, t)
            if successor < seg_end:
                seg_end, next_reason, next_slot = successor, "LEFTRL", slot
            else:
                next_reason, next_slot = sim.pick(h._SW_CHANGE), int(rng.choice(sw_slots, p=sw_weights))
            dec = (
                seg_end
                if seg_end <= sim.sim_end and not (seg_end == stop and p["end"] > sim.sim_end)
                else NO_DATE
            )
            tables["sw_episodes"].append((child, worker, t, dec, reason))
            sw_start.append(t)
            sw_worker.append(worker)
            sw_team.append(staff.slots[slot]["team"])
            t, slot, reason = seg_end, next_slot, next_reason
        sw_start_arr = np.array(sw_start)

        def social_worker(days: np.ndarray, sw_start_arr=sw_start_arr, sw_worker=sw_worker) -> np.ndarray:
            idx = np.clip(np.searchsorted(sw_start_arr, days, side="right") - 1, 0, len(sw_worker) - 1)
            return np.asarray(sw_worker, dtype=object)[idx]

        # ---- reviews: 20 working days, then 3 months, then 6 months; mostly on time ----
        r = start + (sim.uniform_int(10, 25) if rng.random() < 0.88 else sim.uniform_int(32, 55))
        n = 0
        while r < stop:
            age = (r - birth) / 365.25
            code = "PN0" if age < 4 else sim.pick(h._REVIEW_CODES)
            tables["reviews"].append((child, r, code))
            n += 1
            on_time = rng.random() < 0.88
            if n == 1:
                r += sim.uniform_int(60, 88) if on_time else sim.uniform_int(100, 130)
            else:
                r += sim.uniform_int(120, 180) if on_time else sim.uniform_int(190, 230)
        # ---- permanence plan for children in care more than about two months ----
        if stop - start > 60:
            plan_date = start + sim.uniform_int(40, 110)
            plan_type = {"adoption": "ADOPTION", "sgo": "SGO", "home": "RETURN_HOME", "other": "CAO"}.get(
                p["orig_path"]
            )
            if plan_type is None:
                plan_type = "LONG_TERM_FOSTER" if rng.random() < 0.8 else "OTHER"
            if plan_date < stop:
                ratified = plan_date + sim.uniform_int(5, 45) if rng.random() < 0.93 else NO_DATE
                tables["permanence_plans"].append((child, plan_type, plan_date, ratified))
            if "reversed" in p and p["reversed"] < stop:
                new_type = "SGO" if p["path"] == "sgo" else "LONG_TERM_FOSTER"
                tables["permanence_plans"].append(
                    (child, new_type, p["reversed"], p["reversed"] + sim.uniform_int(5, 40))
                )
        # ---- adoption decisions (PlacedAdoption, AD1) ----
        if "date_int" in p and p["date_int"] < stop:
            ceased = p.get("reversed", NO_DATE)
            reason = sim.pick(h._table([("RD1", 40), ("RD3", 40), ("RD4", 20)])) if ceased != NO_DATE else ""
            tables["placed_adoption"].append((child, p["date_int"], ceased, reason))
            if p.get("rec") in ("E11", "E12") and p["end"] <= sim.sim_end:
                couple = rng.random() < 0.85
                sex_ad = (
                    sim.pick(h._table([("MF", 80), ("FF", 10), ("MM", 10)]))
                    if couple
                    else ("F1" if rng.random() < 0.8 else "M1")
                )
                if not couple:
                    ls_ad = "L0"
                elif sex_ad == "MF":
                    ls_ad = "L11" if rng.random() < 0.7 else "L3"
                else:
                    ls_ad = sim.pick(h._table([("L12", 50), ("L2", 25), ("L4", 25)]))
                foster = "1" if p.get("ffa") else "0"
                tables["ad1"].append(
                    (
                        child,
                        p["end"],
                        p["date_int"],
                        p["date_match"],
                        foster,
                        "2" if couple else "1",
                        sex_ad,
                        ls_ad,
                    )
                )
        # ---- previous permanence, recorded at the start of a child's first period ----
        if child not in first_period_seen:
            first_period_seen.add(child)
            if rng.random() < 0.55:
                prev = sim.pick(h._table([("Z1", 70), ("P4", 15), ("P2", 6), ("P3", 5), ("P1", 4)]))
                la_perm, date_perm = "", ""
                if prev in ("P1", "P2", "P3") and start - birth > 400:
                    when = to_date(birth + sim.uniform_int(200, start - birth - 100))
                    date_perm = f"ZZ/ZZ/{when.year}" if rng.random() < 0.2 else when.strftime("%d/%m/%Y")
                    la_perm = sim.council.la_code if rng.random() < 0.6 else ""
                tables["prev_perm"].append((child, start, prev, la_perm, date_perm))
        if stop < sim.local_start - 400:
            continue
        _school_rows(sim, tables, p, child, birth, reception[child], sen[child])
        lo = max(start, sim.local_start)
        if lo >= stop:
            continue
        # ---- statutory visits every six weeks, most on or before the due date ----
        due = start + 7 + 42 * np.arange(max(0, (lo - start - 7) // 42), max(1, (stop - start - 7) // 42 + 1))
        due = due[(due >= lo) & (due < stop)]
        if len(due):
            roll = rng.random(len(due))
            visit = np.where(roll < 0.87, np.maximum(due - rng.integers(0, 11, len(due)), start),
                             np.where(roll < 0.96, due + rng.integers(1, 21, len(due)), NO_DATE))  # fmt: skip
            visit = np.where(visit >= stop, NO_DATE, visit)
            ages = (due - birth) / 365.25
            alone = np.where(ages < 5, "", np.where(rng.random(len(due)) < 0.75, "Y", "N"))
            extra = np.sort(rng.integers(lo, stop, rng.poisson(0.1 * len(due))))
            n_stat, n_all = len(due), len(due) + len(extra)
            visits["child"].extend([child] * n_all)
            visits["visit_date"].extend(visit.tolist() + extra.tolist())
            visits["due_date"].extend(due.tolist() + extra.tolist())
            visits["visit_type"].extend(["STAT"] * n_stat + ["OTHER"] * len(extra))
            visits["seen_alone"].extend(alone.tolist() + [""] * len(extra))
            visits["worker_id"].extend(social_worker(np.concatenate([due, extra])).tolist())
        # ---- supervision of the case, most months ----
        first_month = int(np.searchsorted(_MONTH_STARTS, lo, side="right")) - 1
        last_month = int(np.searchsorted(_MONTH_STARTS, stop - 1, side="right")) - 1
        m_start = np.maximum(_MONTH_STARTS[first_month : last_month + 1], lo)
        m_end = np.minimum(_MONTH_STARTS[first_month + 1 : last_month + 2] - 1, stop - 1)
        keep = rng.random(len(m_start)) < 0.88
        sup_days = (m_start + (rng.random(len(m_start)) * (m_end - m_start + 1)).astype(int))[keep]
        teams = np.asarray(sw_team, dtype=object)[
            np.clip(np.searchsorted(sw_start_arr, sup_days, side="right") - 1, 0, None)
        ]
        managers = np.empty(len(sup_days), dtype=object)
        for team in set(teams.tolist()):
            chosen = teams == team
            managers[chosen] = staff.workers_at(tm_slot[team], sup_days[chosen])
        supervisions["child"].extend([child] * len(sup_days))
        supervisions["supervision_date"].extend(sup_days.tolist())
        supervisions["worker_id"].extend(managers.tolist())
        # ---- health: IHA, yearly review health assessments, dental checks, SDQ ----
        if start >= lo - 30 and stop - start > 10:
            roll = rng.random()
            iha = start + (
                sim.uniform_int(3, 25) if roll < 0.72 else sim.uniform_int(30, 80) if roll < 0.95 else 10**6
            )
            if iha < stop:
                tables["health_checks"].append((child, "IHA", iha, ""))
        t = start + sim.uniform_int(300, 365)
        while t < stop:
            if t >= lo:
                tables["health_checks"].append((child, "RHA", t, ""))
            t += sim.uniform_int(150, 185) if t - birth < 5 * 365 else sim.uniform_int(290, 365)
        t = start + sim.uniform_int(30, 200)
        while t < stop:
            if t >= lo and rng.random() < 0.9 and t - birth > 365:
                tables["health_checks"].append((child, "DENTAL", t, ""))
            t += sim.uniform_int(250, 400)
        t = start + sim.uniform_int(60, 300)
        while t < stop:
            age = (t - birth) / 365.25
            if t >= lo and 4 <= age < 17 and rng.random() < 0.9:
                score = int(np.clip(round(rng.normal(14, 6)), 0, 40))
                tables["health_checks"].append((child, "SDQ", t, str(score)))
            t += sim.uniform_int(300, 400)
        # ---- personal education plans, termly for children of statutory school age ----
        for year in range(to_date(lo).year - 1, to_date(stop).year + 1):
            for month in (10, 2, 6):
                term_year = year if month == 10 else year + 1
                t = day(pd.Timestamp(f"{term_year}-{month:02d}-10").date()) + sim.uniform_int(-15, 25)
                if not (lo <= t < stop) or rng.random() < 0.05:
                    continue
                aug31 = day(
                    pd.Timestamp(
                        f"{to_date(t).year if to_date(t).month > 8 else to_date(t).year - 1}-08-31"
                    ).date()
                )
                if add_years(birth, 4) <= aug31 < add_years(birth, 16):
                    tables["peps"].append((child, t, "COMPLETE" if rng.random() < 0.88 else "DRAFT"))
        # ---- missing and away-from-placement incidents of older children ----
        m_lo, m_hi = max(lo, add_years(birth, 11)), min(stop, add_years(birth, 18))
        if m_hi > m_lo:
            rate = 5.0 if rng.random() < 0.22 else 0.15
            count = rng.poisson(rate * (m_hi - m_lo) / 365.25)
            last_end = -1
            for t in np.sort(rng.integers(m_lo, m_hi, count)):
                t = int(t)
                if t <= last_end + 1:
                    continue
                start_min = int(rng.integers(0, 1440))
                duration = int(min(400 * 60, np.exp(rng.normal(2.7, 1.0)) * 60))
                end_day = t + (start_min + duration) // 1440
                if end_day >= m_hi:
                    continue
                kind = "M" if rng.random() < 0.75 else "A"
                roll = rng.random()
                if kind == "M":
                    rhi = (
                        end_day + sim.uniform_int(0, 3)
                        if roll < 0.72
                        else end_day + sim.uniform_int(4, 12)
                        if roll < 0.82
                        else NO_DATE
                    )
                else:
                    rhi = end_day + sim.uniform_int(0, 3) if roll < 0.2 else NO_DATE
                timed = rng.random() < 0.9
                tables["missing"].append((child, kind, t, end_day, start_min if timed else -1,
                                          (start_min + duration) % 1440 if timed else -1, rhi))  # fmt: skip
                last_end = end_day
        # ---- exploitation risk assessments of older children ----
        e_lo = max(lo, add_years(birth, 11))
        if e_lo < m_hi and rng.random() < 0.3:
            female = sex[child] == "F"
            types = ["CSE"] if rng.random() < (0.6 if female else 0.2) else ["CCE"]
            if rng.random() < 0.15:
                types = ["CSE", "CCE"]
            base = rng.random()
            t = e_lo + sim.uniform_int(20, 150)
            while t < m_hi:
                for risk_type in types:
                    level = (
                        "HIGH"
                        if base > 0.8
                        else "MEDIUM"
                        if base > 0.55
                        else "LOW"
                        if base > 0.25
                        else "NONE"
                    )
                    tables["exploitation"].append((child, risk_type, t, level))
                base = float(np.clip(base + rng.normal(0, 0.15), 0, 1))
                t += sim.uniform_int(90, 200)

    out = {
        "reviews": _frame(tables["reviews"], ["child", "review", "review_code"]),
        "missing": _frame(tables["missing"], ["child", "missing", "mis_start", "mis_end", "start_time", "end_time", "rhi_date"]),
        "sw_episodes": _frame(tables["sw_episodes"], ["child", "sw_id", "sw_decom", "sw_dec", "sw_reason"]),
        "visits": pd.DataFrame(visits),
        "health_checks": _frame(tables["health_checks"], ["child", "check_type", "check_date", "sdq_score"]),
        "peps": _frame(tables["peps"], ["child", "pep_date", "pep_status"]),
        "supervisions": pd.DataFrame(supervisions),
        "permanence_plans": _frame(tables["permanence_plans"], ["child", "plan_type", "plan_date", "ratified_date"]),
        "schools": _frame(tables["schools"], ["child", "urn", "start_date", "end_date", "sen"]),
        "exploitation": _frame(tables["exploitation"], ["child", "risk_type", "assessed_date", "risk_level"]),
        "placed_adoption": _frame(tables["placed_adoption"], ["child", "date_placed", "date_placed_ceased", "reason_placed_ceased"]),
        "ad1": _frame(tables["ad1"], ["child", "adopted", "date_int", "date_match", "foster_care", "nb_adoptr", "sex_adoptr", "ls_adoptr"]),
        "prev_perm": _frame(tables["prev_perm"], ["child", "period_start", "prev_perm", "la_perm", "date_perm"]),
    }  # fmt: skip
    out["care_leaver_contacts"] = _care_leaver_contacts(sim, staff, pa_slots, care_leavers)
    workforce = _frame(
        staff.workers, ["worker_id", "role", "team", "fte", "start_date", "end_exclusive", "agency"]
    )
    # Workers who left before any extract's retention window began are not exported.
    out["workforce"] = workforce[workforce["end_exclusive"] >= sim.local_start].reset_index(drop=True)
    out["edge_of_care"] = _edge_of_care(sim, children, periods)
    out["carer_approvals"] = _carer_approvals(sim)
    establishment = _establishment(sim, staff)
    urns = _school_ratings(sim)
    return out, establishment, urns


def _school_rows(sim, tables, p, child, birth, reception, sen) -> None:
    rng = sim.rng
    leave_year = to_date(add_years(birth, 16)).year + (0 if to_date(add_years(birth, 16)).month <= 8 else 1)
    school_end = day(pd.Timestamp(f"{leave_year}-08-31").date()) + 1
    lo, hi = max(p["start"], reception), min(p["stop"], school_end)
    if lo >= hi:
        return
    cuts = [ep[0] for ep in p["episodes"] if ep[2] == "P" and lo < ep[0] < hi and rng.random() < 0.3]
    bounds = [lo, *cuts, hi]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        local = rng.random() < 0.75
        urn = sim.school_urns[rng.integers(0, 120)] if local else sim.school_urns[rng.integers(120, 160)]
        end = b - 1 if b <= sim.sim_end else NO_DATE
        tables["schools"].append((child, str(int(urn)), a, end, sen))


def _care_leavers(sim, children: pd.DataFrame, periods: list[dict]) -> list[dict]:
    """Young people entitled to leaving-care support: 13+ weeks in care after 14, some after 16."""
    dob = children["dob"].tolist()
    by_child: dict[int, list[dict]] = {}
    for p in periods:
        by_child.setdefault(int(p["child"]), []).append(p)
    leavers = []
    for child, plist in by_child.items():
        if any(p.get("rec") in ("E11", "E12") for p in plist):
            continue
        birth = int(dob[child])
        fourteen, sixteen = add_years(birth, 14), add_years(birth, 16)
        days_after_14 = sum(max(0, p["stop"] - max(p["start"], fourteen)) for p in plist)
        after_16 = [p for p in plist if p["stop"] > sixteen]
        if days_after_14 < 91 or not after_16:
            continue
        begin = max(sixteen, after_16[0]["start"] + 30)
        leavers.append({"child": child, "dob": birth, "from": begin})
    return leavers


def _care_leaver_contacts(sim, staff: _Workforce, pa_slots: list[int], leavers: list[dict]) -> pd.DataFrame:
    rng = sim.rng
    rows = []
    for person in leavers:
        birth = person["dob"]
        stop = add_years(birth, 22) if rng.random() < 0.6 else add_years(birth, 21) + 60
        stop = min(stop, sim.sim_end + 1)
        t = max(person["from"], sim.local_start - 365)
        if t >= stop:
            continue
        slot = int(rng.choice(pa_slots))
        p_eet = rng.beta(6.5, 3.5)
        p_suitable = rng.beta(12.0, 0.7)
        plans = []
        plan = person["from"] + sim.uniform_int(0, 40)
        while plan < stop:
            plans.append(plan)
            plan += sim.uniform_int(120, 180) if rng.random() < 0.85 else sim.uniform_int(200, 300)
        plans_arr = np.array(plans or [NO_DATE])
        activ = accom = None
        while t < stop:
            in_touch = sim.pick(h._IN_TOUCH)
            if in_touch == "YES":
                if activ is None or rng.random() > 0.75:
                    # In touch means the activity is known (DfE rule 345): never "0" here.
                    activ = sim.pick(h._EET) if rng.random() < p_eet else sim.pick(h._NEET)
                    accom = sim.pick(h._SUITABLE) if rng.random() < p_suitable else sim.pick(h._UNSUITABLE)
                row_activ, row_accom = activ, accom
            else:
                row_activ, row_accom = "0", "0"
            i = int(np.searchsorted(plans_arr, t, side="right")) - 1
            plan_date = int(plans_arr[i]) if i >= 0 else NO_DATE
            pa_id = staff.worker_at(slot, t)[0] if rng.random() < 0.97 else ""
            rows.append((person["child"], t, in_touch, row_activ, row_accom, plan_date, pa_id))
            t += sim.uniform_int(40, 95)
    return _frame(rows, ["child", "contact_date", "in_touch", "activ", "accom", "pathway_plan_date", "pa_id"])


def _edge_of_care(sim, children: pd.DataFrame, periods: list[dict]) -> pd.DataFrame:
    """Children supported to stay at home: about 30% later start care, the rest do not."""
    rng = sim.rng
    lo = sim.local_start - 365
    years = (sim.sim_end - lo) / 365.25
    dob = children["dob"].tolist()
    ids = children["CHILD"].tolist()
    candidates = [p for p in periods if p["start"] > lo + 240 and p["path"] not in ("uasc", "remand")
                  and 5 <= (p["start"] - dob[int(p["child"])]) / 365.25 < 16]  # fmt: skip
    rows = []
    n = rng.poisson(110 * years)
    linked = rng.random(n) < 0.3
    next_id = sim.id_base + 800_000
    for is_linked in linked:
        service = str(_pick_array(rng, h._EDGE_SERVICES))
        level = "CIN" if rng.random() < 0.55 else "CP"
        if is_linked and candidates:
            p = candidates[int(rng.integers(0, len(candidates)))]
            start = p["start"] - sim.uniform_int(30, 240)
            end = min(p["start"], start + sim.uniform_int(60, 270))
            child_id = ids[int(p["child"])]
        else:
            start = int(rng.integers(lo, sim.sim_end + 1))
            end = start + sim.uniform_int(60, 300)
            child_id = str(next_id)
            next_id += 1
        rows.append((child_id, service, start, end if end <= sim.sim_end else NO_DATE, level))
    frame = _frame(rows, ["CHILD", "service", "start_date", "end_date", "level"])
    return frame.sort_values(["start_date", "CHILD"], kind="stable").reset_index(drop=True)


def _pick_array(rng, values: np.ndarray):
    return values[int(rng.integers(0, len(values)))]


def _carer_approvals(sim) -> pd.DataFrame:
    rng = sim.rng
    lo = sim.local_start - 365
    years = (sim.sim_end - lo) / 365.25
    rows = []
    for carer, event, per_year in (("FOSTER", "APPROVED", 28), ("FOSTER", "DEREGISTERED", 24),
                                   ("ADOPTER", "APPROVED", 14), ("ADOPTER", "DEREGISTERED", 3)):  # fmt: skip
        for t in rng.integers(lo, sim.sim_end + 1, rng.poisson(per_year * years)):
            rows.append((carer, event, int(t)))
    frame = _frame(rows, ["carer_type", "event", "event_date"])
    return frame.sort_values(["event_date", "carer_type", "event"], kind="stable").reset_index(drop=True)


def _establishment(sim, staff: _Workforce) -> pd.DataFrame:
    """Funded posts: a little above the posts filled, so vacancy runs at about 10-20%."""
    factor = sim.rng.uniform(1.1, 1.22)
    totals: dict[tuple[str, str], float] = {}
    for slot in staff.slots:
        key = (slot["team"], slot["role"])
        totals[key] = totals.get(key, 0.0) + float(slot["fte"])
    rows = [(team, role, round(fte * factor * 2) / 2) for (team, role), fte in totals.items()]
    return _frame(rows, ["team", "role", "posts_fte"])


def _school_ratings(sim) -> pd.DataFrame:
    rng = sim.rng
    rows = []
    for urn in sim.school_urns:
        rating = int(np.searchsorted(np.cumsum([0.2, 0.82, 0.95, 1.0]), rng.random(), side="right") + 1)
        inspected = day(pd.Timestamp("2016-01-01").date()) + int(rng.integers(0, 3000))
        rows.append((str(int(urn)), min(rating, 4), inspected))
        if rng.random() < 0.4:
            rows.append(
                (
                    str(int(urn)),
                    min(4, max(1, rating + int(rng.integers(-1, 2)))),
                    inspected - int(rng.integers(900, 1600)),
                )
            )
    return _frame(rows, ["urn", "ofsted_rating", "inspected_date"])
