"""People in need beside people targeted: PiN consolidated by the targets' rule, coverage, and the checks a
drafter must see (targeted above PiN, PiN above the population)."""
from __future__ import annotations

import pandas as pd

from ..common.plan import Plan
from ..intake.readers.framework import INTERSECTORAL
from ..intake.tables.contract import target_column
from .consolidate import as_people, consolidate


def _as_targets(needs: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """needs.csv rows (one group each) -> rows shaped like submissions (sector, admin1, target_<group>), so that
    PiN goes through the very consolidation people targeted go through. A blank admin1 is country-wide."""
    wide = needs.assign(admin1=needs["admin1"].where(needs["admin1"] != "", "National")).pivot_table(
        index=["sector", "admin1"], columns="population_group", values="people_in_need", aggfunc="max")
    wide = wide.reindex(columns=groups).fillna(0.0)
    wide.columns = [target_column(g) for g in groups]
    return wide.reset_index()


def coverage(targeted: int, pin: int | None) -> float | None:
    return targeted / pin if pin else None


def needs_figures(plan: Plan, needs: pd.DataFrame | None, sector_targets: dict[str, int], targeted: int) -> dict:
    """One country's PiN per sector and group, and its total: sector figures consolidated across areas; the
    country's from the intersectoral rows when given, else the highest sector figure per area. None where
    needs.csv gives nothing: 'not provided', never 0."""
    groups = [g.code for g in plan.population_groups]
    none = {"pin": None, "pin_by_group": None, "coverage": None, "sectors": {s: None for s in plan.sector_codes},
            "as_of": None, "sources": []}
    if needs is None or needs.empty:
        return none
    rows = _as_targets(needs, groups)
    sectoral = rows[rows["sector"] != INTERSECTORAL]
    by_sector, across = consolidate(sectoral, groups)
    inter = rows[rows["sector"] == INTERSECTORAL]
    total = consolidate(inter.assign(sector=INTERSECTORAL), groups)[1] if not inter.empty else across
    present = set(needs.loc[needs["sector"] != INTERSECTORAL, "sector"])
    sectors = {}
    for s in plan.sector_codes:
        if s not in present:
            sectors[s] = None
            continue
        pin = as_people(by_sector.loc[s].sum())
        sectors[s] = {"pin": pin, "pin_by_group": {g: as_people(by_sector.loc[s, target_column(g)]) for g in groups},
                      "coverage": coverage(sector_targets.get(s, 0), pin)}
    pin = as_people(total.sum())
    dates = sorted(d for d in needs["as_of"] if d)
    return {"pin": pin, "pin_by_group": {g: as_people(total[target_column(g)]) for g in groups},
            "coverage": coverage(targeted, pin), "sectors": sectors, "as_of": dates[-1] if dates else None,
            "sources": sorted(set(s for s in needs["source"] if s))}


def regional_needs(plan: Plan, countries: list[dict]) -> dict:
    """Countries' PiN adds up (different countries, different people); a sector's regional PiN is given when
    every country that plans in it gave one."""
    groups = [g.code for g in plan.population_groups]
    known = [c["needs"] for c in countries if c["needs"]["pin"] is not None]
    if not known:
        return {"pin": None, "pin_by_group": None, "coverage": None, "sectors": {s: None for s in plan.sector_codes},
                "as_of": None, "sources": []}
    sectors = {}
    for i, s in enumerate(plan.sector_codes):
        parts = [c["needs"]["sectors"][s] for c in countries if c["sectors"][i]["submitted"] or c["needs"]["sectors"][s]]
        if not parts or any(p is None for p in parts):
            sectors[s] = None
            continue
        pin = sum(p["pin"] for p in parts)
        targeted = sum(c["sectors"][i]["targeted"] for c in countries)
        sectors[s] = {"pin": pin, "pin_by_group": {g: sum(p["pin_by_group"][g] for p in parts) for g in groups},
                      "coverage": coverage(targeted, pin)}
    pin = sum(n["pin"] for n in known)
    complete = len(known) == len(countries)
    dates = sorted(n["as_of"] for n in known if n["as_of"])
    return {"pin": pin if complete else None, "pin_by_group": {g: sum(n["pin_by_group"][g] for n in known) for g in groups}
            if complete else None, "coverage": coverage(sum(c["targeted"] for c in countries), pin) if complete else None,
            "sectors": sectors, "as_of": dates[-1] if dates else None,
            "sources": sorted(set().union(*(n["sources"] for n in known)))}


def plan_checks(plan: Plan, fig: dict) -> list[str]:
    """What a drafter must see before a plan goes out: people targeted above PiN, PiN above the population
    planning figure, people targeted above the population. Sentences, in the plan's own words."""
    out, name, n = [], fig["name"], fig["needs"]
    population = sum(p["planned"] for p in fig["population"])
    for s in fig["sectors"]:
        pin = (n["sectors"].get(s["code"]) or {}).get("pin")
        if pin is not None and s["targeted"] > pin:
            out.append(f"{name}, {s['name']}: {s['targeted']:,} people targeted, above the {pin:,} people in need.")
    if n["pin"] is not None and fig["targeted"] > n["pin"]:
        out.append(f"{name}: {fig['targeted']:,} people targeted, above the {n['pin']:,} people in need.")
    if n["pin"] is not None and population and n["pin"] > population:
        out.append(f"{name}: {n['pin']:,} people in need, above the population planning figure ({population:,}).")
    if population and fig["targeted"] > population:
        out.append(f"{name}: {fig['targeted']:,} people targeted, above the population planning figure ({population:,}).")
    return out
