"""Monthly progress (sitreps, inputs/sitreps/<period>/): progress/*.csv|xlsx and figures.csv, checked like
submissions with the same Problem shape. People reached are consolidated by the very rule the targets use
(figures.consolidate), so percent reached compares like with like."""
from __future__ import annotations

import pandas as pd

from ..common.plan import Plan
from ..intake.readers.progress import output_columns, reached_column
from ..intake.tables.contract import target_column
from .consolidate import as_people, consolidate, consolidated_by
from .indicators import counts_people

_TOTAL = "_reached"  # no plan group code starts with '_', so the total can ride through consolidate


def consolidate_reached(rows: pd.DataFrame, groups: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """People reached -> (per sector: reached and each reached_<group> present, country total), by the targets' rule.
    One country at a time: areas add up to a country, and two countries may name an area alike."""
    if "country" in rows and rows["country"].nunique() > 1:
        raise ValueError("consolidate_reached takes one country's rows at a time")
    present = [g for g in groups if reached_column(g) in rows]
    names = {"reached": target_column(_TOTAL), **{reached_column(g): target_column(g) for g in present}}
    work = rows.reindex(columns=["sector", "admin1", *names]).rename(columns=names)
    # A blank group is unknown; as reached is never negative, 0 leaves every maximum unchanged.
    work[list(names.values())] = work[list(names.values())].astype(float).fillna(0.0)
    by_sector, total = consolidate(work, [_TOTAL, *present])
    back = {v: k for k, v in names.items()}
    return by_sector.rename(columns=back), total.rename(index=back)


def _reached_by(rows: pd.DataFrame, key: list[str]) -> pd.Series:
    """People reached (all groups) per value of `key`, each consolidated as consolidate_reached() does for
    a country, in one pass: a consolidate call per indicator or per month cost 20 ms each."""
    total = target_column(_TOTAL)
    work = rows.reindex(columns=[*key, "sector", "admin1", "reached"]).rename(columns={"reached": total})
    work[total] = work[total].astype(float).fillna(0.0)
    return consolidated_by(work, [_TOTAL], key)


def percent_reached(reached: int, target: int) -> float | None:
    return round(100 * reached / target, 1) if target else None


def key_indicators(plan: Plan, rows: pd.DataFrame, country_fig: dict) -> list[dict]:
    """The framework's key indicators, each achieved against its target in its own unit: people consolidated by
    the targets' rule, other units added up. rows: one country's progress rows with indicator codes."""
    key = [i for s in plan.sectors for i in country_fig.get("indicators", {}).get(s.code, []) if i["key"]]
    rows = rows[rows["indicator_code"].isin([i["code"] for i in key])]
    reported = set(rows["indicator_code"])
    people = {i["code"] for i in key if i["type"] == "people"}
    in_people = rows["indicator_code"].isin(people)
    consolidated = _reached_by(rows[in_people], ["indicator_code"]) if in_people.any() else pd.Series(dtype=float)
    added = rows[~in_people].groupby("indicator_code")["reached"].sum() if (~in_people).any() else pd.Series(dtype=float)
    out = []
    for s in plan.sectors:
        for i in country_fig.get("indicators", {}).get(s.code, []):
            if not i["key"]:
                continue
            if i["code"] not in reported:
                achieved = None
            elif i["type"] == "people":
                achieved = as_people(consolidated.get(i["code"], 0.0))
            else:
                achieved = as_people(added.get(i["code"], 0.0))
            out.append({"sector": s.code, "sector_name": s.name, "code": i["code"], "indicator": i["indicator"],
                        "unit": i["unit"], "type": i["type"], "target": i["target"], "achieved": achieved,
                        "percent": percent_reached(achieved, i["target"]) if achieved is not None else None})
    return out


def progress_figures(plan: Plan, country: str, rows: pd.DataFrame, country_fig: dict) -> dict:
    """Reached against targeted, per sector and for the country, as plain data (JSON-ready). A group's reached is
    None where no row gave it: unknown, not zero. Only rows under indicators that count people count as people."""
    groups = [g.code for g in plan.population_groups]
    rows = rows.reindex(columns=output_columns(plan))
    rows = rows[rows["country"] == country]
    indicators = key_indicators(plan, rows, country_fig)
    rows = rows[counts_people(rows.assign(indicator_type=rows["indicator_type"].astype(object).fillna("")))]
    by_sector, total = consolidate_reached(rows, groups)
    targeted = {s["code"]: s["targeted"] for s in country_fig["sectors"]}

    def by_group(part, figures):
        return {g: as_people(figures[reached_column(g)]) if part[reached_column(g)].notna().any() else None for g in groups}

    sectors = []
    for s in plan.sectors:
        part = rows[rows["sector"] == s.code]
        figures = by_sector.loc[s.code] if s.code in by_sector.index else pd.Series(0.0, index=by_sector.columns)
        orgs = sorted(part["organisation"].unique().tolist())
        reached, target = as_people(figures["reached"]), int(targeted.get(s.code, 0))
        sectors.append({"code": s.code, "name": s.name, "reported": not part.empty, "reached": reached,
                        "reached_by_group": by_group(part, figures), "targeted": target,
                        "percent_reached": percent_reached(reached, target), "organisations": orgs, "partners": len(orgs)})
    reached, target = as_people(total["reached"]), int(country_fig["targeted"])
    return {"code": country, "name": plan.country_name(country), "sectors": sectors, "reached": reached,
            "reached_by_group": by_group(rows, total), "targeted": target, "percent_reached": percent_reached(reached, target),
            "partners": int(rows["organisation"].nunique()), "indicators": indicators}


def regional_progress(plan: Plan, parts: list[dict]) -> dict:
    """Countries' consolidated reach adds up: different countries, different people. parts: each country's
    progress_figures, in the plan's country order."""
    sectors = []
    for i, s in enumerate(plan.sectors):
        reached, target = sum(p["sectors"][i]["reached"] for p in parts), sum(p["sectors"][i]["targeted"] for p in parts)
        sectors.append({"code": s.code, "name": s.name, "reached": reached, "targeted": target,
                        "reported": any(p["sectors"][i]["reported"] for p in parts), "percent_reached": percent_reached(reached, target)})
    reached, target = sum(p["reached"] for p in parts), sum(p["targeted"] for p in parts)
    indicators = []
    for i, ind in enumerate(parts[0]["indicators"] if parts else []):
        same = [q for p in parts for q in p["indicators"] if q["code"] == ind["code"]]
        known = [q["achieved"] for q in same if q["achieved"] is not None]
        achieved = sum(known) if known else None
        goal = sum(q["target"] for q in same)
        indicators.append({**ind, "target": goal, "achieved": achieved,
                           "percent": percent_reached(achieved, goal) if achieved is not None else None})
    return {"sectors": sectors, "reached": reached, "targeted": target, "percent_reached": percent_reached(reached, target),
            "countries": [{k: p[k] for k in ("code", "name", "reached", "targeted", "percent_reached")} for p in parts],
            "indicators": indicators}


def cumulative_rows(periods: list[pd.DataFrame]) -> pd.DataFrame:
    """People reached since the plan's start from monthly reports of *new* people reached: one partner's
    activity in one area adds up over the months; across partners and sectors the targets' rule applies after."""
    frames = [f for f in periods if not f.empty]
    if not frames:
        return periods[0] if periods else pd.DataFrame()
    rows = pd.concat(frames, ignore_index=True)
    key = [k for k in ("country", "sector", "organisation", "organisation_type", "indicator", "indicator_code",
                       "indicator_type", "unit", "admin1", "activity") if k in rows]
    people = [c for c in rows.columns if c == "reached" or c.startswith("reached_")]
    summed = rows.fillna({k: "" for k in key}).groupby(key, sort=False)[people].sum(min_count=1).reset_index()
    return summed.assign(source_file="", source_sheet="", source_row=0)


def months_until(plan: Plan, period: str) -> list[str]:
    """Every month (YYYY-MM) from the plan's start up to the reporting period, none skipped."""
    out, y, m = [], plan.start.year, plan.start.month
    while f"{y:04d}-{m:02d}" <= period:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def monthly_reached(plan: Plan, country: str, by_period: dict[str, pd.DataFrame], period: str) -> list[dict]:
    """New people reached in each month of the plan up to `period` (consolidated like the targets); None for a
    month with no progress report: a gap, never a zero."""
    parts = []
    for month, rows in by_period.items():
        rows = rows.reindex(columns=output_columns(plan))
        rows = rows[(rows["country"] == country)]
        rows = rows[counts_people(rows.assign(indicator_type=rows["indicator_type"].astype(object).fillna("")))]
        parts.append(rows.assign(_month=month))
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    reached = _reached_by(rows, ["_month"]) if len(rows) else pd.Series(dtype=float)
    reported = set(rows["_month"]) if len(rows) else set()
    return [{"month": m, "reached": as_people(reached.get(m, 0.0)) if m in reported else None}
            for m in months_until(plan, period)]
