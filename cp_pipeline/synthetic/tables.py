"""Turns a simulated council history into the month-by-month cumulative extract tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cp_pipeline.extracts.specs import collection_year, table_specs

from .dates import NO_DATE, add_years, day, format_days, format_times, month_end, to_date
from .histories import CouncilHistory

RETENTION_YEARS = 7
_NEVER = -(10**6)


@dataclass
class _EventTable:
    """A table whose rows appear once their date has passed; some cells stay blank until theirs has."""

    name: str
    frame: pd.DataFrame  # formatted cells, columns in tables.yaml order
    row_day: np.ndarray
    child: np.ndarray  # index into the children, or -1 when the row is not tied to a child in care
    blanks: list[tuple[np.ndarray, tuple[str, ...]]] = field(default_factory=list)
    lines: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.lines = join_cells(self.frame)


def join_cells(frame: pd.DataFrame) -> np.ndarray:
    """One CSV line per row (cells never hold commas, quotes or line breaks in clean mode)."""
    if frame.empty:
        return np.array([], dtype=object)
    first = frame.iloc[:, 0].astype(str)
    if frame.shape[1] == 1:
        return first.to_numpy(dtype=object)
    return first.str.cat(frame.iloc[:, 1:].astype(str), sep=",").to_numpy(dtype=object)


def file_name(table: str) -> str:
    return f"{table_specs()[table].staging_name}.csv"


class Snapshots:
    """Builds each table once, then cuts the extract as at any month's end by vectorised filters."""

    def __init__(self, history: CouncilHistory, seed: int):
        self.history = history
        self.seed = seed
        ch = history.children
        self.child_id = ch["CHILD"].to_numpy(dtype=object)
        self.dob = ch["dob"].to_numpy()
        self.dob_text = format_days(self.dob)
        eps = history.episodes
        self.ep_child = eps["child"].to_numpy()
        self.ep_decom = eps["decom"].to_numpy()
        self.ep_dec = eps["dec"].to_numpy()
        self.events = self._event_tables()
        self._annual_cache: dict[int, dict[str, pd.DataFrame]] = {}

    # ---- building ----------------------------------------------------------------------
    def _child_frame(self, table: str, child: np.ndarray, cells: dict) -> pd.DataFrame:
        columns = table_specs()[table].column_names
        data = {}
        for col in columns:
            if col == "CHILD":
                data[col] = self.child_id[child]
            elif col == "DOB":
                data[col] = self.dob_text[child]
            else:
                data[col] = cells[col]
        return pd.DataFrame(data, columns=columns)

    def _event_tables(self) -> dict[str, _EventTable]:
        t = self.history.tables
        out: dict[str, _EventTable] = {}
        eps = self.history.episodes.sort_values(["child", "decom"], kind="stable")
        c = eps["child"].to_numpy()
        out["Episodes"] = _EventTable(
            "Episodes",
            self._child_frame(
                "Episodes",
                c,
                {
                    "DECOM": format_days(eps["decom"]),
                    "RNE": eps["rne"].to_numpy(),
                    "LS": eps["ls"].to_numpy(),
                    "CIN": eps["cin"].to_numpy(),
                    "PLACE": eps["place"].to_numpy(),
                    "PLACE_PROVIDER": eps["provider"].to_numpy(),
                    "DEC": format_days(eps["dec"]),
                    "REC": eps["rec"].to_numpy(),
                    "REASON_PLACE_CHANGE": eps["rpc"].to_numpy(),
                    "HOME_POST": eps["home_post"].to_numpy(),
                    "PL_POST": eps["pl_post"].to_numpy(),
                    "URN": eps["urn"].to_numpy(),
                },
            ),  # fmt: skip
            eps["decom"].to_numpy(),
            c,
            [(eps["dec"].to_numpy(), ("DEC", "REC", "REASON_PLACE_CHANGE"))],
        )

        def simple(name, key, frame, date_col, cells, blanks=()):
            frame = frame.sort_values(["child", date_col], kind="stable")
            child = frame["child"].to_numpy()
            cell_values = {k: (v(frame) if callable(v) else frame[v].to_numpy()) for k, v in cells.items()}
            out[name] = _EventTable(
                name,
                self._child_frame(name, child, cell_values),
                frame[date_col].to_numpy(),
                child,
                [(frame[d].to_numpy(), cols) for d, cols in blanks],
            )

        def dates(col):
            return lambda f: format_days(f[col].to_numpy())

        simple(
            "Reviews",
            "reviews",
            t["reviews"],
            "review",
            {"REVIEW": dates("review"), "REVIEW_CODE": "review_code"},
        )
        simple("Missing", "missing", t["missing"], "mis_start", {
            "MISSING": "missing", "MIS_START": dates("mis_start"), "MIS_END": dates("mis_end"),
            "MIS_START_TIME": lambda f: format_times(f["start_time"].to_numpy()),
            "MIS_END_TIME": lambda f: format_times(f["end_time"].to_numpy()), "RHI_DATE": dates("rhi_date"),
        }, [("mis_end", ("MIS_END", "MIS_END_TIME", "RHI_DATE")), ("rhi_date", ("RHI_DATE",))])  # fmt: skip
        simple("PlacedAdoption", "placed_adoption", t["placed_adoption"], "date_placed", {
            "DATE_PLACED": dates("date_placed"), "DATE_PLACED_CEASED": dates("date_placed_ceased"),
            "REASON_PLACED_CEASED": "reason_placed_ceased",
        }, [("date_placed_ceased", ("DATE_PLACED_CEASED", "REASON_PLACED_CEASED"))])  # fmt: skip
        simple("AD1", "ad1", t["ad1"], "adopted", {
            "DATE_INT": dates("date_int"), "DATE_MATCH": dates("date_match"), "FOSTER_CARE": "foster_care",
            "NB_ADOPTR": "nb_adoptr", "SEX_ADOPTR": "sex_adoptr", "LS_ADOPTR": "ls_adoptr",
        })  # fmt: skip
        simple("PrevPerm", "prev_perm", t["prev_perm"], "period_start", {
            "PREV_PERM": "prev_perm", "LA_PERM": "la_perm", "DATE_PERM": "date_perm"})  # fmt: skip
        simple("SWEpisodes", "sw_episodes", t["sw_episodes"], "sw_decom", {
            "SW_ID": "sw_id", "SW_DECOM": dates("sw_decom"), "SW_DEC": dates("sw_dec"), "SW_REASON": "sw_reason",
        }, [("sw_dec", ("SW_DEC",))])  # fmt: skip
        simple("Visits", "visits", t["visits"], "due_date", {
            "VISIT_DATE": dates("visit_date"), "DUE_DATE": dates("due_date"), "VISIT_TYPE": "visit_type",
            "SEEN_ALONE": "seen_alone", "WORKER_ID": "worker_id",
        }, [("visit_date", ("VISIT_DATE",))])  # fmt: skip
        simple("HealthChecks", "health_checks", t["health_checks"], "check_date", {
            "CHECK_TYPE": "check_type", "CHECK_DATE": dates("check_date"), "SDQ_SCORE": "sdq_score"})  # fmt: skip
        simple(
            "PEPs", "peps", t["peps"], "pep_date", {"PEP_DATE": dates("pep_date"), "PEP_STATUS": "pep_status"}
        )
        simple("Supervisions", "supervisions", t["supervisions"], "supervision_date", {
            "SUPERVISION_DATE": dates("supervision_date"), "WORKER_ID": "worker_id"})  # fmt: skip
        simple("PermanencePlans", "permanence_plans", t["permanence_plans"], "plan_date", {
            "PLAN_TYPE": "plan_type", "PLAN_DATE": dates("plan_date"), "RATIFIED_DATE": dates("ratified_date"),
        }, [("ratified_date", ("RATIFIED_DATE",))])  # fmt: skip
        simple("CareLeaverContacts", "care_leaver_contacts", t["care_leaver_contacts"], "contact_date", {
            "CONTACT_DATE": dates("contact_date"), "IN_TOUCH": "in_touch", "ACTIV": "activ", "ACCOM": "accom",
            "PATHWAY_PLAN_DATE": dates("pathway_plan_date"), "PA_ID": "pa_id",
        })  # fmt: skip
        simple("Schools", "schools", t["schools"], "start_date", {
            "URN": "urn", "START_DATE": dates("start_date"), "END_DATE": dates("end_date"), "SEN": "sen",
        }, [("end_date", ("END_DATE",))])  # fmt: skip
        simple("Exploitation", "exploitation", t["exploitation"], "assessed_date", {
            "RISK_TYPE": "risk_type", "ASSESSED_DATE": dates("assessed_date"), "RISK_LEVEL": "risk_level"})  # fmt: skip

        edge = t["edge_of_care"]
        out["EdgeOfCare"] = _EventTable(
            "EdgeOfCare",
            pd.DataFrame(
                {
                    "CHILD": edge["CHILD"].to_numpy(dtype=object),
                    "SERVICE": edge["service"].to_numpy(),
                    "START_DATE": format_days(edge["start_date"]),
                    "END_DATE": format_days(edge["end_date"]),
                    "LEVEL": edge["level"].to_numpy(),
                }
            ),  # fmt: skip
            edge["start_date"].to_numpy(),
            np.full(len(edge), -1),
            [(edge["end_date"].to_numpy(), ("END_DATE",))],
        )
        approvals = t["carer_approvals"]
        out["CarerApprovals"] = _EventTable(
            "CarerApprovals",
            pd.DataFrame(
                {
                    "CARER_TYPE": approvals["carer_type"].to_numpy(),
                    "EVENT": approvals["event"].to_numpy(),
                    "EVENT_DATE": format_days(approvals["event_date"]),
                }
            ),  # fmt: skip
            approvals["event_date"].to_numpy(),
            np.full(len(approvals), -1),
        )
        staff = t["workforce"]
        end_inclusive = staff["end_exclusive"].to_numpy() - 1
        out["Workforce"] = _EventTable(
            "Workforce",
            pd.DataFrame(
                {
                    "WORKER_ID": staff["worker_id"].to_numpy(),
                    "ROLE": staff["role"].to_numpy(),
                    "TEAM": staff["team"].to_numpy(),
                    "FTE": staff["fte"].to_numpy(),
                    "START_DATE": format_days(staff["start_date"]),
                    "END_DATE": format_days(end_inclusive),
                    "AGENCY": staff["agency"].to_numpy(),
                }
            ),  # fmt: skip
            staff["start_date"].to_numpy(),
            np.full(len(staff), -1),
            [(end_inclusive, ("END_DATE",))],
        )
        return out

    # ---- cutting a month -----------------------------------------------------------------
    def included_children(self, period_end: int) -> np.ndarray:
        """Children looked after at some time in the retention window ending at the month end."""
        floor = add_years(period_end, -RETENTION_YEARS)
        open_in_window = (self.ep_decom <= period_end) & ((self.ep_dec == NO_DATE) | (self.ep_dec >= floor))
        included = np.zeros(len(self.child_id), dtype=bool)
        included[self.ep_child[open_in_window]] = True
        return included

    def month(self, year_month: str) -> dict[str, tuple[list[str], np.ndarray]]:
        """Every table of the extract as at the end of a month: columns and CSV data lines."""
        period_end = month_end(year_month)
        year = collection_year(to_date(period_end))
        included = self.included_children(period_end)
        out: dict[str, tuple[list[str], np.ndarray]] = {}
        for name in table_specs():
            if name in self.events:
                out[name] = (
                    table_specs()[name].column_names,
                    self._cut(self.events[name], period_end, included),
                )
        out["Header"] = self._header(period_end, year, included)
        out["UASC"] = self._uasc(period_end, year, included)
        annual = self._annual(period_end, included)
        for name in ("OC2", "OC3"):
            out[name] = (table_specs()[name].column_names, join_cells(annual[name]))
        establishment = self.history.establishment
        frame = pd.DataFrame({"TEAM": establishment["team"], "ROLE": establishment["role"],
                              "POSTS_FTE": [f"{v:.1f}" for v in establishment["posts_fte"]]})  # fmt: skip
        out["Establishment"] = (table_specs()["Establishment"].column_names, join_cells(frame))
        return {name: out[name] for name in table_specs()}

    def _cut(self, table: _EventTable, period_end: int, included: np.ndarray) -> np.ndarray:
        keep = table.row_day <= period_end
        tied = table.child >= 0
        keep &= ~tied | included[np.where(tied, table.child, 0)]
        rows = np.flatnonzero(keep)
        lines = table.lines[rows].copy()
        if table.blanks:
            redo = np.zeros(len(rows), dtype=bool)
            for days, _ in table.blanks:
                redo |= days[rows] > period_end
            if redo.any():
                sub = table.frame.iloc[rows[redo]].copy()
                for days, cols in table.blanks:
                    later = days[rows[redo]] > period_end
                    for col in cols:
                        sub.loc[later, col] = ""
                lines[redo] = join_cells(sub)
        return lines

    def _sex(self, sex: np.ndarray, year: int) -> np.ndarray:
        if year <= 2024:
            return np.where(sex == "M", "1", "2").astype(object)
        return sex.astype(object)

    def _header(self, period_end: int, year: int, included: np.ndarray):
        ch = self.history.children
        rows = np.flatnonzero(included)
        upn = np.where(ch["upn_from"].to_numpy()[rows] <= period_end, ch["upn"].to_numpy()[rows], "UN1")
        mc_dob = ch["mc_dob"].to_numpy()[rows]
        frame = pd.DataFrame({
            "CHILD": self.child_id[rows], "SEX": self._sex(ch["sex"].to_numpy()[rows], year),
            "DOB": self.dob_text[rows], "ETHNIC": ch["ethnic"].to_numpy()[rows], "UPN": upn,
            "MOTHER": ch["mother"].to_numpy()[rows], "MC_DOB": format_days(mc_dob),
        })  # fmt: skip
        return table_specs()["Header"].column_names, join_cells(frame)

    def _uasc(self, period_end: int, year: int, included: np.ndarray):
        ch = self.history.children
        rows = np.flatnonzero(included & ch["uasc"].to_numpy())
        duc = ch["duc"].to_numpy()[rows]
        duc = np.where(duc > period_end, NO_DATE, duc)
        frame = pd.DataFrame({"CHILD": self.child_id[rows], "SEX": self._sex(ch["sex"].to_numpy()[rows], year),
                              "DOB": self.dob_text[rows], "DUC": format_days(duc)})  # fmt: skip
        return table_specs()["UASC"].column_names, join_cells(frame)

    def _annual(self, period_end: int, included: np.ndarray) -> dict[str, pd.DataFrame]:
        """OC2 and OC3 of the latest collection year that ended on or before the month end."""
        end_date = to_date(period_end)
        year = end_date.year if (end_date.month, end_date.day) >= (3, 31) else end_date.year - 1
        if year not in self._annual_cache:
            self._annual_cache[year] = self._annual_year(year)
        out = {}
        for name, frame in self._annual_cache[year].items():
            keep = included[frame["_child"].to_numpy()]
            out[name] = frame.loc[keep, table_specs()[name].column_names]
        return out

    def _annual_year(self, year: int) -> dict[str, pd.DataFrame]:
        rng = np.random.default_rng([self.seed, self.history.index, year])
        march31 = day(pd.Timestamp(f"{year}-03-31").date())
        april1 = day(pd.Timestamp(f"{year - 1}-04-01").date())
        eps = self.history.episodes
        respite = eps["ls"].isin(["V3", "V4"]).to_numpy()
        period_start = eps.groupby("period")["decom"].transform("min").to_numpy()
        open_then = (
            (self.ep_decom <= march31) & ((self.ep_dec == NO_DATE) | (self.ep_dec > march31)) & ~respite
        )
        cohort = np.unique(self.ep_child[open_then & (period_start <= april1)])
        ages = (march31 - self.dob[cohort]) / 365.25
        n = len(cohort)
        sdq_age = (ages >= 4) & (ages < 17)
        sdq = np.clip(np.round(rng.normal(14, 6, n)), 0, 40).astype(int)
        sdq_given = sdq_age & (rng.random(n) < 0.85)
        flag = lambda p: np.where(rng.random(n) < p, "1", "0")  # noqa: E731
        misuse = np.where(ages >= 10, flag(0.05), "0")
        received = np.where(misuse == "1", flag(0.7), "")
        oc2 = pd.DataFrame({
            "CHILD": self.child_id[cohort], "DOB": self.dob_text[cohort],
            "SDQ_SCORE": np.where(sdq_given, sdq.astype(str), ""),
            "SDQ_REASON": np.where(sdq_given, "", np.where(sdq_age, "SDQ4", "SDQ1")),
            "CONVICTED": np.where(ages >= 10, flag(0.05), "0"),
            "HEALTH_CHECK": np.where(ages < 5, flag(0.95), ""),
            "IMMUNISATIONS": flag(0.9), "TEETH_CHECK": flag(0.85), "HEALTH_ASSESSMENT": flag(0.9),
            "SUBSTANCE_MISUSE": misuse, "INTERVENTION_RECEIVED": received,
            "INTERVENTION_OFFERED": np.where(received == "0", "1", ""),
        })  # fmt: skip
        oc2["_child"] = cohort
        contacts = self.history.tables["care_leaver_contacts"]
        contacts = contacts[contacts["contact_date"] <= march31].sort_values(
            ["child", "contact_date"], kind="stable"
        )
        latest = contacts.groupby("child", sort=True).tail(1)
        child = latest["child"].to_numpy()
        birth = self.dob[child]
        rows = []
        for i, c in enumerate(child):
            for age in range(17, 22):
                birthday = add_years(int(birth[i]), age)
                if april1 <= birthday <= march31:
                    in_care = ((self.ep_child == c) & (self.ep_decom <= birthday)
                               & ((self.ep_dec == NO_DATE) | (self.ep_dec > birthday))).any()  # fmt: skip
                    if not (age <= 18 and in_care):
                        rows.append(i)
        latest = latest.iloc[rows]
        oc3 = pd.DataFrame({"CHILD": self.child_id[latest["child"]], "DOB": self.dob_text[latest["child"]],
                            "IN_TOUCH": latest["in_touch"].to_numpy(), "ACTIV": latest["activ"].to_numpy(),
                            "ACCOM": latest["accom"].to_numpy()})  # fmt: skip
        oc3["_child"] = latest["child"].to_numpy()
        return {"OC2": oc2, "OC3": oc3}
