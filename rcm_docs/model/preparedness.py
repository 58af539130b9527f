"""Preparedness figures of a country at risk, and of the region (after UNHCR's Preparedness Package for Refugee
Emergencies): the risk of each scenario, readiness (minimum preparedness actions done), overdue actions, the
partners' capacity against the people the contingency plan targets, days to deploy, and the contingency
requirements, consolidated by the very rules of the plan's chapters (figures.country_figures).

Rules, each stated in docs/preparedness.md:
- risk = likelihood x impact (1-25); high at HIGH_RISK and above, medium at MEDIUM_RISK and above, else low.
  A high-risk scenario requires the advanced preparedness actions too.
- readiness = minimum actions done / minimum actions listed; an action is overdue when its deadline is
  before the plan's as_of date and it is not done.
- need of a sector in an area = the people the contingency submissions target there, consolidated (the
  highest activity target in the area, summed over population groups); of a sector = its consolidated
  people targeted. Capacity = quantity x the people one unit serves (intake.tables.contract.CAPACITY_UNITS), summed;
  units that serve no one by themselves (staff, service points, vehicles) are listed, never compared.
  In an area only the capacity there counts; for the sector, capacity anywhere in the country does
  (National capacity included). gap = need - capacity where capacity falls short.
"""
from __future__ import annotations

import datetime as dt
import statistics

import pandas as pd

from ..common.plan import Plan
from ..intake.tables.contract import COORDINATION, NATIONAL_AREAS, target_column
from .consolidate import as_money, as_people
from .figures import coordination_figures, country_figures, local_actors
from .indicators import counts_people

HIGH_RISK = 12  # likelihood x impact: 4 x 3, 3 x 4 and above
MEDIUM_RISK = 6  # 2 x 3, 3 x 2 and above


def risk_level(score: int) -> str:
    return "high" if score >= HIGH_RISK else "medium" if score >= MEDIUM_RISK else "low"


def scenario_figures(scenario: dict) -> dict:
    """Each scenario with its risk score and level; the planning scenario apart; whether advanced actions are due."""
    scenarios = [{**s, "risk": s["likelihood"] * s["impact"], "level": risk_level(s["likelihood"] * s["impact"])}
                 for s in scenario["scenarios"]]
    planning = next(s for s in scenarios if s["planning"])
    return {"analysis_date": scenario["analysis_date"], "next_review": scenario["next_review"], "scenarios": scenarios,
            "planning": planning, "advanced_required": any(s["level"] == "high" for s in scenarios),
            "highest_risk": max(s["risk"] for s in scenarios)}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def action_figures(plan: Plan, actions: pd.DataFrame, as_of: dt.date, short: dict[str, str] | None = None) -> dict:
    """Every action with whether it is overdue; minimum and advanced counts by status; readiness; by sector.
    short: organisation -> the acronym tables name it by."""
    short = short or {}
    order = {COORDINATION: -1} | {s: i for i, s in enumerate(plan.sector_codes)}
    names = {COORDINATION: "Coordination"} | {s.code: s.name for s in plan.sectors}
    rows = []
    for r in actions.to_dict("records"):
        deadline = dt.date.fromisoformat(r["deadline"])
        overdue = deadline < as_of and r["status"] != "done"
        rows.append({"action": r["action"], "kind": r["kind"], "sector": r["sector"], "sector_name": names[r["sector"]],
                     "responsible": short.get(r["responsible"]) or r["responsible"], "deadline": r["deadline"], "status": r["status"], "note": r["note"],
                     "overdue": overdue, "days_overdue": (as_of - deadline).days if overdue else 0,
                     "source_file": r["source_file"], "source_row": int(r["source_row"])})
    rows.sort(key=lambda a: (a["kind"] != "minimum", order[a["sector"]], a["deadline"], a["source_row"]))

    def tally(kind: str) -> dict:
        mine = [a for a in rows if a["kind"] == kind]
        done = sum(a["status"] == "done" for a in mine)
        return {"total": len(mine), "done": done, "in_progress": sum(a["status"] == "in progress" for a in mine),
                "not_started": sum(a["status"] == "not started" for a in mine),
                "overdue": sum(a["overdue"] for a in mine), "readiness": _share(done, len(mine))}

    by_sector = {}
    for code in [COORDINATION] + plan.sector_codes:
        mine = [a for a in rows if a["sector"] == code and a["kind"] == "minimum"]
        if mine:
            by_sector[code] = {"total": len(mine), "done": sum(a["status"] == "done" for a in mine),
                               "overdue": sum(a["overdue"] for a in mine)}
    overdue = sorted((a for a in rows if a["overdue"]), key=lambda a: (-a["days_overdue"], a["source_row"]))
    return {"actions": rows, "minimum": tally("minimum"), "advanced": tally("advanced"), "overdue": overdue,
            "by_sector": by_sector}


def _needs_by_area(plan: Plan, rows: pd.DataFrame) -> dict[str, dict[str, tuple[str, int]]]:
    """sector -> folded area -> (area as written, people targeted there, consolidated); 'national' for country-wide rows."""
    cols = [target_column(g.code) for g in plan.population_groups]
    rows = rows[counts_people(rows)] if not rows.empty else rows
    if rows.empty:
        return {}
    area = rows["admin1"].str.strip().str.casefold()
    area = area.where(~area.isin(NATIONAL_AREAS), "national")
    frame = rows.assign(_area=area, _name=rows["admin1"].where(area != "national", "National"))
    people = frame.groupby(["sector", "_area"])[cols].max().sum(axis=1)
    names = frame.groupby(["sector", "_area"])["_name"].first()
    out: dict[str, dict] = {}
    for (sector, key), value in people.items():
        out.setdefault(sector, {})[key] = (names[(sector, key)], as_people(value))
    return out


def _days(values: list[int]) -> dict:
    return {"median": statistics.median(values) if values else None, "max": max(values) if values else None,
            "values": sorted(values)}


def capacity_figures(plan: Plan, capacity: pd.DataFrame, rows: pd.DataFrame, sector_need: dict[str, int],
                     short: dict[str, str] | None = None) -> dict:
    """Per sector: people targeted (need), capacity in people, coverage and gap, the same by area, the capacity
    in units that serve no one by themselves, and days to deploy. Totals across sectors add sectors up."""
    need = _needs_by_area(plan, rows)
    cap = capacity.assign(_area=capacity["admin1"].str.casefold()) if not capacity.empty else capacity
    sectors = []
    for s in plan.sectors:
        mine = cap[cap["sector"] == s.code] if not cap.empty else cap
        counted = mine[mine["people"].notna()] if not mine.empty else mine
        by_area = counted.groupby("_area")["people"].sum().to_dict() if not counted.empty else {}
        area_names = dict(zip(mine["_area"], mine["admin1"])) if not mine.empty else {}
        areas = []
        for key in sorted(set(need.get(s.code, {})) | set(by_area)):
            name, n = need.get(s.code, {}).get(key, (area_names.get(key), 0))
            c = as_people(by_area.get(key, 0))
            areas.append({"admin1": name, "need": n, "capacity": c, "gap": max(0, n - c), "coverage": _share(c, n)})
        areas.sort(key=lambda a: (a["admin1"] == "National", -a["need"], a["admin1"]))
        total_need = sector_need.get(s.code, 0)
        total_cap = as_people(counted["people"].sum()) if not counted.empty else 0
        other = [{"organisation": (short or {}).get(r["organisation"]) or r["organisation"], "admin1": r["admin1"], "capacity": r["capacity"],
                  "quantity": float(r["quantity"]), "unit": r["unit"], "days_to_deploy": int(r["days_to_deploy"])}
                 for r in mine[mine["people"].isna()].to_dict("records")] if not mine.empty else []
        sectors.append({
            "code": s.code, "name": s.name, "need": total_need, "capacity": total_cap,
            "gap": max(0, total_need - total_cap), "coverage": _share(total_cap, total_need),
            "areas": areas, "areas_short": sum(1 for a in areas if a["gap"] > 0),
            "organisations": sorted(mine["organisation"].unique().tolist()) if not mine.empty else [],
            "other": sorted(other, key=lambda o: (o["admin1"] == "National", o["admin1"], o["organisation"])),
            "days": _days([int(d) for d in mine["days_to_deploy"]] if not mine.empty else []),
            "mapped": not mine.empty,
        })
    return _capacity_totals(sectors, len(capacity))


def _capacity_totals(sectors: list[dict], entries: int) -> dict:
    need = sum(s["need"] for s in sectors)
    covered = sum(min(s["need"], s["capacity"]) for s in sectors)
    return {"sectors": sectors, "entries": entries, "need": need, "capacity": sum(s["capacity"] for s in sectors),
            "covered": covered, "coverage": _share(covered, need),
            "gap": sum(s["gap"] for s in sectors), "sectors_short": sum(1 for s in sectors if s["gap"] > 0),
            "days": _days([d for s in sectors for d in s["days"]["values"]])}


def planning_population(plan: Plan, country: str, scenario: dict) -> pd.DataFrame:
    """The planning scenario's figure shaped like population.csv, so requirements go through country_figures."""
    f = scenario["planning"]["planning_figure"]
    current = f.get("current") or {}
    return pd.DataFrame([{"country": country, "population_group": g.code, "current": float(current.get(g.code, 0)),
                          "planned": float(f["by_group"].get(g.code, 0)),
                          "source": f"Planning figure of the scenario '{scenario['planning']['name']}'",
                          "as_of": scenario["analysis_date"]} for g in plan.population_groups])


def preparedness_figures(plan: Plan, country: str, scenario: dict, actions: pd.DataFrame, capacity: pd.DataFrame,
                         rows: pd.DataFrame, partners: pd.DataFrame, framework=None, leads: list[dict] = ()) -> dict:
    """Every figure of a country's contingency plan and preparedness dashboard, as plain data (JSON-ready)."""
    risk = scenario_figures(scenario)
    requirements = country_figures(plan, country, rows, planning_population(plan, country, risk),
                                   dict(zip(partners["organisation"], partners["type"])), local_actors(plan, partners),
                                   None, framework)
    short = {o: a for o, a in zip(partners["organisation"], partners["acronym"]) if a}
    acts = action_figures(plan, actions, plan.as_of, short)
    cap = capacity_figures(plan, capacity, rows, {s["code"]: s["targeted"] for s in requirements["sectors"]}, short)
    checks = []
    if risk["advanced_required"] and not acts["advanced"]["total"]:
        checks.append(f"{plan.country_name(country)}: a scenario is high risk, and no advanced preparedness action is listed.")
    if scenario["next_review"] < plan.as_of.isoformat():
        checks.append(f"{plan.country_name(country)}: the risk analysis was due for review on {scenario['next_review']}.")
    return {"code": country, "name": plan.country_name(country), "as_of": plan.as_of.isoformat(),
            "risk": risk, "actions": acts, "capacity": cap, "requirements": requirements,
            "coordination": coordination_figures(plan, country, list(leads)), "checks": checks,
            "thresholds": {"high": HIGH_RISK, "medium": MEDIUM_RISK}}


def regional_preparedness(plan: Plan, countries: list[dict]) -> dict:
    """The region's preparedness: each country's headline, minimum actions and capacity pooled across countries
    (different countries, different people: needs, capacity and gaps add up; gaps are the countries' own)."""
    minimum = {k: sum(c["actions"]["minimum"][k] for c in countries) for k in ("total", "done", "in_progress", "not_started", "overdue")}
    minimum["readiness"] = _share(minimum["done"], minimum["total"])
    advanced = {k: sum(c["actions"]["advanced"][k] for c in countries) for k in ("total", "done", "in_progress", "not_started", "overdue")}
    advanced["readiness"] = _share(advanced["done"], advanced["total"])
    sectors = []
    for i, s in enumerate(plan.sectors):
        parts = [c["capacity"]["sectors"][i] for c in countries]
        need, capacity = sum(p["need"] for p in parts), sum(p["capacity"] for p in parts)
        sectors.append({"code": s.code, "name": s.name, "need": need, "capacity": capacity,
                        "gap": sum(p["gap"] for p in parts), "coverage": _share(capacity, need), "areas": [],
                        "areas_short": sum(p["areas_short"] for p in parts), "other": [],
                        "organisations": sorted(set().union(*(p["organisations"] for p in parts))),
                        "days": _days([d for p in parts for d in p["days"]["values"]]), "mapped": any(p["mapped"] for p in parts)})
    by_sector = {}
    for c in countries:
        for code, t in c["actions"]["by_sector"].items():
            b = by_sector.setdefault(code, {"total": 0, "done": 0, "overdue": 0})
            for k in b:
                b[k] += t[k]
    summary = [{"code": c["code"], "name": c["name"], "scenario": c["risk"]["planning"]["name"],
                "risk": c["risk"]["planning"]["risk"], "level": c["risk"]["planning"]["level"],
                "planning_figure": sum(c["risk"]["planning"]["planning_figure"]["by_group"].values()),
                "readiness": c["actions"]["minimum"]["readiness"], "overdue": len(c["actions"]["overdue"]),
                "coverage": c["capacity"]["coverage"], "gap": c["capacity"]["gap"],
                "requirements": c["requirements"]["requirements"], "days_median": c["capacity"]["days"]["median"]}
               for c in countries]
    return {"code": "regional", "name": "Regional", "as_of": plan.as_of.isoformat(), "countries": summary,
            "actions": {"minimum": minimum, "advanced": advanced, "by_sector": dict(sorted(
                by_sector.items(), key=lambda kv: ([COORDINATION] + plan.sector_codes).index(kv[0]))),
                        "overdue": sorted((dict(a, country=c["name"]) for c in countries for a in c["actions"]["overdue"]),
                                          key=lambda a: (-a["days_overdue"], a["country"], a["source_row"]))},
            "capacity": _capacity_totals(sectors, sum(c["capacity"]["entries"] for c in countries)),
            "requirements": {"requirements": as_money(sum(c["requirements"]["requirements"] for c in countries)),
                             "partners": len({p["organisation"] for c in countries for p in c["requirements"]["partner_annex"]})},
            "checks": sorted(m for c in countries for m in c["checks"]), "thresholds": {"high": HIGH_RISK, "medium": MEDIUM_RISK}}
