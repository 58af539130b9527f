"""Figure steps: the figures of each document (country, regional, funding, sitrep) computed once from the
validated rows and written as JSON, after the gate on rejected inputs."""
from __future__ import annotations

import json
from pathlib import Path

from ..common.plan import workspace_plan
from .shared import gate, write_json


def country_figures(*, root, country: str, rows_csv, status_json, out_json, allow_incomplete: bool = False) -> dict:
    from ..intake.readers.framework import (
        read_coordination,
        read_indicators,
        read_needs,
    )
    from ..intake.readers.registries import (
        read_gazetteer,
        read_partners,
        read_population,
    )
    from ..model.figures import coordination_figures, local_actors
    from ..model.figures import country_figures as compute
    from ..model.merge import read_rows_csv

    plan = workspace_plan(root)
    status = json.loads(Path(status_json).read_text(encoding="utf-8"))
    incomplete = gate([status], allow_incomplete, f"{plan.country_name(country)} ({country})")
    partners = read_partners(Path(root) / "inputs" / "partners.csv")
    population = read_population(Path(root) / "inputs" / "population.csv", plan.country_codes,
                                 [g.code for g in plan.population_groups])
    rows = read_rows_csv(rows_csv)
    inputs = Path(root) / "inputs"
    needs = read_needs(inputs / "needs.csv", plan, read_gazetteer(inputs / "gazetteer.csv", plan.all_country_codes))
    fig = compute(plan, country, rows, population, dict(zip(partners["organisation"], partners["type"])),
                  local_actors(plan, partners), needs, read_indicators(inputs / "indicators.csv", plan))
    fig["coordination"] = coordination_figures(plan, country, read_coordination(inputs / "coordination.csv", plan))
    fig["incomplete"] = incomplete
    write_json(out_json, fig)
    return fig


def regional_figures(*, root, country_jsons: list, out_json) -> dict:
    from ..intake.readers.framework import read_coordination
    from ..model.figures import coordination_figures
    from ..model.figures import regional_figures as compute

    plan = workspace_plan(root)
    countries = [json.loads(Path(p).read_text(encoding="utf-8")) for p in country_jsons]
    by_code = {c["code"]: c for c in countries}
    fig = compute(plan, [by_code[c] for c in plan.country_codes])
    fig["coordination"] = coordination_figures(plan, "regional", read_coordination(Path(root) / "inputs" / "coordination.csv", plan))
    fig["incomplete"] = sorted(f for c in countries for f in c.get("incomplete", []))
    write_json(out_json, fig)
    return fig


def funding_figures(*, root, rows_csv, status_json, figures_json, out_json, allow_incomplete: bool = False) -> dict:
    """Funding against requirements for one document (a country or the region), from its figures file."""
    from ..model.funding import funding_figures as compute

    plan = workspace_plan(root)
    status = json.loads(Path(status_json).read_text(encoding="utf-8"))
    incomplete = gate([status], allow_incomplete, "Funding figures (key points, sitreps, donor packs)")
    rows = _funding_rows(rows_csv)
    doc = Path(figures_json).stem
    out = {**compute(plan, rows, {doc: json.loads(Path(figures_json).read_text(encoding="utf-8"))})[doc], "incomplete": incomplete}
    write_json(out_json, out)
    return out


def _funding_rows(path):
    """Validated contributions as written by validate_funding: text columns as text, amounts as numbers."""
    from ..model.merge import read_table_csv

    return read_table_csv(path, ("amount_usd",))


def _sitrep_inputs(root, period, status_json, funding_rows_csv, funding_status_json, figures_csv, allow_incomplete):
    """What every document's sitrep figures share: the gate, funding by the end of the period, key figures."""
    import calendar

    from ..model.merge import read_table_csv

    plan = workspace_plan(root)
    incomplete = gate([json.loads(Path(status_json).read_text(encoding="utf-8")), json.loads(Path(funding_status_json).read_text(encoding="utf-8"))],
                       allow_incomplete, f"Sitreps for {period}")
    year, month = map(int, period.split("-"))
    period_end = f"{period}-{calendar.monthrange(year, month)[1]:02d}"
    funding = _funding_rows(funding_rows_csv)
    funding = funding[(funding["date"] == "") | (funding["date"].str[:10] <= period_end)]
    keyfigs = read_table_csv(figures_csv)
    return plan, incomplete, period_end, funding, keyfigs


def _history(figures_csv, period: str, doc: str) -> list[dict]:
    """Each key figure of the document over the reporting periods up to this one (for the trend chart)."""
    from ..model.merge import read_table_csv

    out = []
    for path in sorted(Path(figures_csv).parent.glob("*.figures.csv")):
        p = path.name.split(".")[0]
        if p > period:
            continue
        df = read_table_csv(path)
        for r in df[df["country"].str.lower() == doc.lower()].to_dict("records") if not df.empty else []:
            out.append({"period": p, "figure": r["figure"], "value": float(r["value"])})
    return out


def _issue(root, period: str) -> int:
    """This period's place among the months that get a sitrep: the sitrep's issue number."""
    from ..common.workspace import sitrep_periods

    periods = sitrep_periods(root)
    return periods.index(period) + 1 if period in periods else len(periods) + 1


def _sitrep_doc(plan, doc, fig, progress, funding, keyfigs, period, period_end, reports, incomplete,
                history=None) -> dict:
    from ..model.funding import funding_figures as funding_for

    key = keyfigs[keyfigs["country"].str.lower() == doc.lower()] if not keyfigs.empty else keyfigs
    return {"history": history or [], "period": period, "period_end": period_end, "progress": progress,
            "contacts": [k for k in plan.contacts if k.get("country", "regional" if doc == "regional" else doc) == doc],
            "funding": funding_for(plan, funding, {doc: fig})[doc],
            "key_figures": [{**r, "value": float(r["value"])} for r in key[["figure", "value", "as_of", "source"]].to_dict("records")],
            "reports": reports, "incomplete": incomplete}


def sitrep_figures(*, root, period: str, country: str, rows_dir, figures_csv, status_json, funding_rows_csv,
                   funding_status_json, figures_json, out_json, allow_incomplete: bool = False,
                   earlier_rows: list | None = None) -> dict:
    """One country's sitrep figures for one period (rows_dir, earlier_rows: the folders of each month's
    progress rows, one file per country): reached in the month and since the plan's start against targets
    (consolidated, never summed across sectors), key indicators in their units, the monthly trend, funding
    received by the end of the period, the key figures with their sources."""
    from ..model.merge import read_table_csv
    from ..model.progress import cumulative_rows, monthly_reached, progress_figures

    plan, incomplete, period_end, funding, keyfigs = _sitrep_inputs(
        root, period, status_json, funding_rows_csv, funding_status_json, figures_csv, allow_incomplete)
    numbers = ("reached", "reached_*")
    # build/data/sitreps/<period>/<country>.rows.csv: one country's rows of one month
    rows = read_table_csv(Path(rows_dir) / f"{country}.rows.csv", numbers)
    by_period = {Path(p).name: read_table_csv(Path(p) / f"{country}.rows.csv", numbers) for p in earlier_rows or []}
    by_period[period] = rows
    fig = json.loads(Path(figures_json).read_text(encoding="utf-8"))
    progress = progress_figures(plan, country, rows, fig)
    months = sorted(by_period)
    progress["cumulative"] = {**progress_figures(plan, country, cumulative_rows([by_period[m] for m in months]), fig),
                              "months": months}
    progress["trend"] = monthly_reached(plan, country, by_period, period)
    data = _sitrep_doc(plan, country, fig, progress, funding, keyfigs, period,
                       period_end, int((rows["country"] == country).sum()), incomplete,
                       _history(figures_csv, period, country))
    data["issue"] = _issue(root, period)
    write_json(out_json, data)
    return data


def sitrep_regional(*, root, period: str, country_jsons: list, figures_csv, status_json, funding_rows_csv,
                    funding_status_json, regional_json, out_json, allow_incomplete: bool = False) -> dict:
    """The regional sitrep: countries' consolidated reach adds up (different countries, different people)."""
    from ..model.progress import regional_progress

    plan, incomplete, period_end, funding, keyfigs = _sitrep_inputs(
        root, period, status_json, funding_rows_csv, funding_status_json, figures_csv, allow_incomplete)
    parts = [json.loads(Path(p).read_text(encoding="utf-8")) for p in country_jsons]
    by_code = {Path(p).stem: d for p, d in zip(country_jsons, parts)}
    countries = [by_code[c]["progress"] for c in plan.country_codes]
    progress = regional_progress(plan, countries)
    progress["cumulative"] = {**regional_progress(plan, [c["cumulative"] for c in countries]),
                              "months": sorted({m for c in countries for m in c["cumulative"]["months"]})}
    progress["trend"] = [{"month": points[0]["month"],
                          # countries that reported add up; a month none reported stays a gap
                          "reached": sum(p["reached"] for p in points if p["reached"] is not None)
                          if any(p["reached"] is not None for p in points) else None}
                         for points in zip(*(c["trend"] for c in countries))]
    data = _sitrep_doc(plan, "regional", json.loads(Path(regional_json).read_text(encoding="utf-8")), progress, funding, keyfigs,
                       period, period_end, sum(by_code[c]["reports"] for c in plan.country_codes), incomplete,
                       _history(figures_csv, period, "regional"))
    data["issue"] = _issue(root, period)
    write_json(out_json, data)
    return data
