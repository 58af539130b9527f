"""Compute every figure the documents print, from validated rows.

Budgets add up; people do not. People targeted are consolidated the R4V way:
within a sector, the highest activity target per area (admin1); across sectors,
the highest sector figure per area; areas then add up to the country, countries
to the region. A 'National' row is never added to the areas it summarises: the
country figure is the larger of the national figure and the sum of the areas.
"""
from __future__ import annotations

import pandas as pd

from ..common.plan import Plan
from ..intake.tables.contract import target_column
from .consolidate import as_money, as_people, consolidate


def local_actors(plan: Plan, partners: pd.DataFrame) -> set[str]:
    """National and local actors as the Grand Bargain defines them: a partner whose registry scope is
    national, or, where the registry gives no scope, whose type is national by nature (plan.local_actor_types:
    national NGOs, refugee-led organisations, civil society, authorities). Faith-based and Red Cross/Red
    Crescent partners count only with scope national: a national society, not IFRC; a local church, not
    an international network. UN agencies and international NGOs never count."""
    scope = partners["scope"] if "scope" in partners else pd.Series("", index=partners.index)
    local = (scope == "national") | ((scope == "") & partners["type"].isin(plan.local_actor_types))
    return set(partners.loc[local, "organisation"])


def country_figures(plan: Plan, country: str, rows: pd.DataFrame, population: pd.DataFrame,
                    partner_types: dict[str, str], local: set[str] | None = None, needs: pd.DataFrame | None = None,
                    framework=None) -> dict:
    """Every figure of one country's chapter, as plain data (JSON-ready). local: local_actors(); by default
    the partners whose type is national by nature. needs: needs.csv's rows; framework: the indicator
    framework (only rows whose indicator counts people count as people targeted)."""
    from .indicators import (
        counts_people,
        indicator_figures,
        objective_figures,
        targets_by_area,
        targets_in_areas,
    )
    from .needs import needs_figures, plan_checks

    if local is None:
        local = {org for org, t in partner_types.items() if t in plan.local_actor_types}
    groups = [g.code for g in plan.population_groups]
    tcols = [target_column(g) for g in groups]
    by_sector_people, total_people = consolidate(rows[counts_people(rows)] if not rows.empty else rows, groups)
    sectors = []
    for s in plan.sectors:
        part = rows[rows["sector"] == s.code]
        people = by_sector_people.loc[s.code] if s.code in by_sector_people.index else pd.Series(0.0, index=tcols)
        sectors.append({
            "code": s.code, "name": s.name,
            "submitted": not part.empty,
            "requirements": as_money(part["budget_usd"].sum()),
            "cva": as_money(part["cva_usd"].fillna(0).sum()),
            "activities": int(len(part)),
            "organisations": sorted(part["organisation"].unique().tolist()),
            "targets": {g: as_people(people[target_column(g)]) for g in groups},
        })
        sectors[-1]["partners"] = len(sectors[-1]["organisations"])
        sectors[-1]["targeted"] = sum(sectors[-1]["targets"].values())

    annex = []
    if not rows.empty:
        pivot = rows.pivot_table(index="organisation", columns="sector", values="budget_usd", aggfunc="sum", fill_value=0)
        for org, row in pivot.iterrows():
            by = {s: as_money(row.get(s, 0)) for s in plan.sector_codes if row.get(s, 0)}
            annex.append({"organisation": org, "type": partner_types.get(org, ""), "by_sector": by,
                          "total": as_money(sum(by.values()))})
    pop = population[population["country"] == country]
    population_rows = []
    for g in plan.population_groups:
        p = pop[pop["population_group"] == g.code]
        population_rows.append({"code": g.code, "name": g.name, "host_community": g.host_community,
                                "current": as_people(p["current"].sum()), "planned": as_people(p["planned"].sum())})
    pop_dates = sorted(d for d in pop.get("as_of", pd.Series(dtype=str)) if d)
    fig = {
        "code": country, "name": plan.country_name(country),
        "sectors": sectors,
        "targets": {g: as_people(total_people[target_column(g)]) for g in groups},
        "population": population_rows,
        "partner_annex": annex,
        "submissions": sorted(rows["source_file"].unique().tolist()) if not rows.empty else [],
        "activities": int(len(rows)),
        "local_actors": sorted(p["organisation"] for p in annex if p["organisation"] in local),
        "population_as_of": pop_dates[-1] if pop_dates else None,
        "population_sources": sorted(set(s for s in pop.get("source", pd.Series(dtype=str)) if s)),
        "indicators": indicator_figures(plan, rows, framework),
        "objectives": objective_figures(plan, rows),
        "areas": targets_by_area(plan, rows, top=None),
        # Areas the IDP (HRP) response also covers, as plan.yaml's coordination names them: the HC/HCT pack.
        "idp_areas": targets_in_areas(plan, rows, plan.coordination.get(country, {}).get("idp_response_areas", [])),
    }
    fig["top_areas"] = fig["areas"][:5]
    fig = _totals(plan, fig)
    mine = needs[needs["country"] == country] if needs is not None else None
    fig["needs"] = needs_figures(plan, mine, {s["code"]: s["targeted"] for s in fig["sectors"]}, fig["targeted"])
    fig["checks"] = plan_checks(plan, fig)
    return fig


def _totals(plan: Plan, fig: dict) -> dict:
    """Figures that follow from sectors, partners and population alike at country and regional level."""
    host = {g.code for g in plan.population_groups if g.host_community}
    fig["requirements"] = as_money(sum(s["requirements"] for s in fig["sectors"]))
    fig["cva"] = as_money(sum(s["cva"] for s in fig["sectors"]))
    fig["cva_share"] = fig["cva"] / fig["requirements"] if fig["requirements"] else 0.0
    fig["partners"] = len(fig["partner_annex"])
    fig["targeted"] = sum(fig["targets"].values())
    fig["targeted_refugees"] = sum(v for g, v in fig["targets"].items() if g not in host)
    fig["targeted_host"] = sum(v for g, v in fig["targets"].items() if g in host)
    fig["population_current"] = sum(p["current"] for p in fig["population"] if not p["host_community"])
    fig["population_planned"] = sum(p["planned"] for p in fig["population"] if not p["host_community"])
    types: dict[str, dict] = {}
    for p in fig["partner_annex"]:
        t = types.setdefault(p["type"], {"type": p["type"], "partners": 0, "requirements": 0.0})
        t["partners"] += 1
        t["requirements"] = as_money(t["requirements"] + p["total"])
    fig["org_types"] = sorted(types.values(), key=lambda t: (-t["requirements"], t["type"]))
    for t in fig["org_types"]:
        t["share"] = t["requirements"] / fig["requirements"] if fig["requirements"] else 0.0
    local = set(fig["local_actors"])
    fig["local_requirements"] = as_money(sum(p["total"] for p in fig["partner_annex"] if p["organisation"] in local))
    fig["local_partners"] = len(local)
    fig["local_share"] = fig["local_requirements"] / fig["requirements"] if fig["requirements"] else 0.0
    fig["partner_annex"] = sorted(fig["partner_annex"], key=lambda p: (-p["total"], p["organisation"]))
    fig["sectors_submitted"] = sum(1 for s in fig["sectors"] if s["submitted"])
    return fig


def regional_figures(plan: Plan, countries: list[dict]) -> dict:
    """The regional plan's figures, added up from the country figures so that they reconcile by construction."""
    from .needs import regional_needs

    groups = [g.code for g in plan.population_groups]
    sectors = []
    for i, s in enumerate(plan.sectors):
        parts = [c["sectors"][i] for c in countries]
        orgs = sorted(set().union(*(p["organisations"] for p in parts)))
        targets = {g: sum(p["targets"][g] for p in parts) for g in groups}
        sectors.append({
            "code": s.code, "name": s.name, "submitted": any(p["submitted"] for p in parts),
            "requirements": as_money(sum(p["requirements"] for p in parts)),
            "cva": as_money(sum(p["cva"] for p in parts)),
            "activities": sum(p["activities"] for p in parts),
            "organisations": orgs, "partners": len(orgs),
            "targets": targets, "targeted": sum(targets.values()),
        })
    annex: dict[str, dict] = {}
    for c in countries:
        for p in c["partner_annex"]:
            a = annex.setdefault(p["organisation"], {"organisation": p["organisation"], "type": p["type"], "by_sector": {}, "total": 0.0})
            for s, v in p["by_sector"].items():
                a["by_sector"][s] = as_money(a["by_sector"].get(s, 0) + v)
            a["total"] = as_money(a["total"] + p["total"])
    population = []
    for i, g in enumerate(plan.population_groups):
        population.append({"code": g.code, "name": g.name, "host_community": g.host_community,
                           "current": sum(c["population"][i]["current"] for c in countries),
                           "planned": sum(c["population"][i]["planned"] for c in countries)})
    fig = {
        "code": "regional", "name": "Regional",
        "sectors": sectors,
        "targets": {g: sum(c["targets"][g] for c in countries) for g in groups},
        "population": population,
        "partner_annex": list(annex.values()),
        "submissions": sorted(f for c in countries for f in c["submissions"]),
        "activities": sum(c["activities"] for c in countries),
        "local_actors": sorted(set().union(*(c.get("local_actors", []) for c in countries))),
        "countries": [{"code": c["code"], "name": c["name"], "requirements": c["requirements"], "partners": c["partners"],
                       "targeted": c["targeted"], "population_planned": c["population_planned"],
                       "pin": c.get("needs", {}).get("pin"), "coverage": c.get("needs", {}).get("coverage"),
                       "by_sector": {s["code"]: s["requirements"] for s in c["sectors"]}} for c in countries],
        "population_as_of": max((c["population_as_of"] for c in countries if c.get("population_as_of")), default=None),
        "population_sources": sorted(set().union(*(c.get("population_sources", []) for c in countries))),
        "indicators": _regional_indicators(plan, countries),
        "objectives": _regional_objectives(countries),
        "top_areas": [],
        "areas": [],
    }
    fig = _totals(plan, fig)
    if all("needs" in c for c in countries):
        fig["needs"] = regional_needs(plan, countries)
    fig["checks"] = sorted({m for c in countries for m in c.get("checks", [])})
    return fig


def _regional_indicators(plan: Plan, countries: list[dict]) -> dict[str, list[dict]]:
    """Indicator targets add up across countries: different countries, different people and things."""
    out = {}
    for s in plan.sector_codes:
        merged: dict[str, dict] = {}
        for c in countries:
            for i in c.get("indicators", {}).get(s, []):
                m = merged.setdefault(i["code"], {**i, "target": 0, "partners": 0})
                m["target"] += i["target"]
        out[s] = list(merged.values())
    return out


def _regional_objectives(countries: list[dict]) -> dict:
    if not countries or "objectives" not in countries[0]:
        return {"strategic": [], "sectors": {}}
    first = countries[0]["objectives"]
    strategic = [{**o, "requirements": as_money(sum(c["objectives"]["strategic"][i]["requirements"] for c in countries)),
                  "targeted": sum(c["objectives"]["strategic"][i]["targeted"] for c in countries),
                  "counts_people": any(c["objectives"]["strategic"][i]["counts_people"] for c in countries)}
                 for i, o in enumerate(first["strategic"])]
    sectors = {s: [{**o, "requirements": as_money(sum(c["objectives"]["sectors"][s][j]["requirements"] for c in countries)),
                    "targeted": sum(c["objectives"]["sectors"][s][j]["targeted"] for c in countries),
                    "counts_people": any(c["objectives"]["sectors"][s][j]["counts_people"] for c in countries)}
                   for j, o in enumerate(items)] for s, items in first["sectors"].items()}
    return {"strategic": strategic, "sectors": sectors}


def coordination_figures(plan: Plan, doc: str, leads: list[dict]) -> dict:
    """The coordination arrangements of a country (or 'regional'): plan.yaml's forum, co-chairs, government
    counterpart, RC/UNCT and HCT presence, hubs; each sector's lead and co-leads and the HRP cluster it maps to."""
    c = plan.coordination.get(doc, {})
    sectors = []
    for s in plan.sectors:
        mine = [r for r in leads if r["country"] == doc and r["sector"] == s.code]
        sectors.append({"code": s.code, "name": s.name, "lead": [r["organisation"] for r in mine if r["role"] == "lead"],
                        "co_lead": [r["organisation"] for r in mine if r["role"] == "co-lead"],
                        "hrp_cluster": c.get("hrp_clusters", {}).get(s.code)})
    return {"forum": c.get("forum"), "co_chairs": c.get("co_chairs", []), "government": c.get("government"),
            "rc_unct": c.get("rc_unct"), "hct": c.get("hct"), "hubs": c.get("hubs", []), "sectors": sectors,
            "contacts": [k for k in plan.contacts if k.get("country") in (None, doc)]}
