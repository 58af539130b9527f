"""Indicator targets and objectives: what the plan sets out to do, beside what it costs. An indicator that
counts people gets the people targets consolidated by the plan's rule; any other indicator the sum of its
outputs, in its own unit. Each objective gets the requirements and people of the activities serving it."""
from __future__ import annotations

import pandas as pd

from ..common.plan import Plan
from ..intake.readers.framework import Framework
from ..intake.tables.contract import NATIONAL_AREAS, target_column
from .consolidate import as_money, as_people, consolidated_by


def counts_people(rows: pd.DataFrame) -> pd.Series:
    """Rows whose indicator counts people; without an indicator framework, every row does."""
    if "indicator_type" not in rows:
        return pd.Series(True, index=rows.index)
    return rows["indicator_type"].fillna("").isin(["", "people"])


def indicator_figures(plan: Plan, rows: pd.DataFrame, framework: Framework | None) -> dict[str, list[dict]]:
    """Per sector, its framework indicators with their targets (key ones first); [] without a framework."""
    if framework is None:
        return {s: [] for s in plan.sector_codes}
    groups = [g.code for g in plan.population_groups]
    if rows.empty or "indicator_code" not in rows:
        people, outputs, partners = {}, {}, {}
    else:
        people = consolidated_by(rows[counts_people(rows)], groups, ["indicator_code"]).to_dict()
        outputs = rows.groupby("indicator_code")["output"].sum().to_dict()
        partners = rows.groupby("indicator_code")["organisation"].nunique().to_dict()
    out = {}
    for s in plan.sector_codes:
        items = [{"code": i.code, "indicator": i.text, "type": i.type, "unit": i.unit, "key": i.key,
                  "target": as_people(people.get(i.code, 0) if i.counts_people else outputs.get(i.code, 0)),
                  "partners": int(partners.get(i.code, 0))} for i in framework.of(s)]
        out[s] = sorted(items, key=lambda i: not i["key"])
    return out


def objective_figures(plan: Plan, rows: pd.DataFrame) -> dict:
    """Requirements and people targeted per sector objective and per strategic objective (through the sector
    objectives that serve it). People are consolidated within each objective, never summed across them.
    counts_people: whether any activity under the objective counts people (type `people`); where none does
    (trainings, campaigns, facilities), its people targeted is not a figure, and documents print a dash."""
    groups = [g.code for g in plan.population_groups]
    people = rows[counts_people(rows)] if not rows.empty else rows
    named = plan.sector_objectives and "objective" in rows
    by_objective = consolidated_by(people, groups, ["sector", "objective"]).to_dict() if named and not people.empty else {}
    money = rows.groupby(["sector", "objective"])["budget_usd"].sum().to_dict() if named and not rows.empty else {}
    sectors, serving = {}, {o.code: [] for o in plan.objectives}
    for s, objectives in plan.sector_objectives.items():
        items = []
        for o in objectives:
            items.append({"code": o.code, "text": o.text, "serves": list(o.serves),
                          "requirements": as_money(money.get((s, o.text), 0.0)),
                          "targeted": as_people(by_objective.get((s, o.text), 0)),
                          "counts_people": (s, o.text) in by_objective})
            for code in o.serves:
                serving.setdefault(code, []).append((s, o.text))
        sectors[s] = items
    # A strategic objective's people: the rows of the sector objectives serving it, consolidated; an activity
    # serving two strategic objectives counts in each. One grouped consolidation for all of them.
    serves, tagged = {}, []
    if not rows.empty and "objective" in rows:
        pair = pd.Series(list(zip(rows["sector"], rows["objective"])), index=rows.index)
        people_rows = counts_people(rows)
        for o in plan.objectives:
            if serving.get(o.code):
                serves[o.code] = pair.isin(serving[o.code])
                tagged.append(rows[serves[o.code] & people_rows].assign(_strategic=o.code))
    tagged = [t for t in tagged if not t.empty]
    people_by = consolidated_by(pd.concat(tagged), groups, ["_strategic"]).to_dict() if tagged else {}
    strategic = []
    for o in plan.objectives:
        keys = serving.get(o.code, [])
        req = as_money(rows.loc[serves[o.code], "budget_usd"].sum()) if o.code in serves else 0.0
        strategic.append({"code": o.code, "text": o.text, "requirements": req,
                          "targeted": as_people(people_by.get(o.code, 0)) if o.code in serves else 0,
                          "counts_people": o.code in people_by,
                          "sectors": sorted({s for s, _ in keys}, key=plan.sector_codes.index)})
    return {"strategic": strategic, "sectors": sectors}


def targets_by_area(plan: Plan, rows: pd.DataFrame, top: int | None = 5) -> list[dict]:
    """Where the response concentrates: people targeted per admin1 (highest sector figure in the area), largest
    first; every area when top is None."""
    groups = [g.code for g in plan.population_groups]
    people = rows[counts_people(rows)] if not rows.empty else rows
    if people.empty:
        return []
    cols = [target_column(g) for g in groups]
    written = people["admin1"].str.strip()
    area = written.str.casefold()  # 'Turkana' and 'turkana ' are one area, as consolidate() counts them
    per = people.assign(_area=area).groupby(["sector", "_area"])[cols].max().groupby(level="_area").max().sum(axis=1)
    per = per.drop([a for a in per.index if a in NATIONAL_AREAS], errors="ignore")
    per = per.sort_values(ascending=False, kind="stable")
    per = per if top is None else per.head(top)
    # Each area under the spelling most of its rows use (the first in order of the text on a tie).
    spelling = written.groupby(area).agg(lambda s: sorted(s.value_counts().items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
    return [{"admin1": spelling[a], "targeted": as_people(v)} for a, v in per.items()]


def targets_in_areas(plan: Plan, rows: pd.DataFrame, areas: list[str]) -> list[dict]:
    """People targeted in each of the named areas, in the order given (0 where the plan targets no one there)."""
    by_name = {a["admin1"].casefold(): a["targeted"] for a in targets_by_area(plan, rows, top=None)}
    return [{"admin1": a, "targeted": by_name.get(a.strip().casefold(), 0)} for a in areas]
