"""Preparedness steps of a country at risk: its four inputs checked (each file with its report), its figures,
and its inter-agency contingency plan and preparedness dashboard; the regional dashboard. A rejected
preparedness file blocks only these documents: the plan's chapters never read them."""
from __future__ import annotations

import json
from pathlib import Path

from ..common.plan import workspace_plan
from ..common.workspace import (
    contingency_submissions,
    preparedness_dir,
    preparedness_table,
)
from .shared import gate, printable, rel, write_json


def status_name(country: str) -> str:
    """How the review page and the summary name a country's preparedness files."""
    return f"{country} (preparedness)"


def check_preparedness(root, country: str) -> tuple[list[tuple[Path, object]], dict]:
    """Every preparedness file of one country checked as the build checks it (`rcm-docs validate` too) ->
    ([(path, Result)], {"scenario", "actions", "capacity", "rows"}: the typed data, empty where rejected)."""
    import pandas as pd

    from ..intake.readers.preparedness import (
        ACTION_OUTPUT,
        CAPACITY_OUTPUT,
        validate_actions,
        validate_capacity,
        validate_scenario,
    )
    from ..intake.readers.registries import read_gazetteer, read_partners
    from ..intake.tables.checks import Registry, Result
    from ..intake.tables.validate import output_columns
    from ..model.merge import merge
    from .validate import check_submissions

    plan = workspace_plan(root)
    registry = Registry(read_partners(Path(root) / "inputs" / "partners.csv"))
    gazetteer = read_gazetteer(Path(root) / "inputs" / "gazetteer.csv", plan.all_country_codes)
    areas = gazetteer[country] if gazetteer else None
    results = []
    scenario_path = preparedness_dir(root, country) / "scenario.yaml"
    scenario, problems = validate_scenario(scenario_path, plan, areas, rel(root, scenario_path))
    results.append((scenario_path, Result(rel(root, scenario_path), country, "scenario", pd.DataFrame(), problems,
                                          len(scenario["scenarios"]) if scenario else 0)))
    data = {"scenario": scenario, "actions": pd.DataFrame(columns=ACTION_OUTPUT),
            "capacity": pd.DataFrame(columns=CAPACITY_OUTPUT)}
    for name in ("actions", "capacity"):
        path = preparedness_table(root, country, name)
        if path is None:
            continue
        display = rel(root, path)
        table, problems = (validate_actions(path, plan, registry, display) if name == "actions"
                           else validate_capacity(path, plan, registry, country, areas, display))
        data[name] = table
        results.append((path, Result(display, country, name, table, problems, _data_rows(problems, table))))
    submissions = check_submissions(root, country, [(p, p.stem) for p in contingency_submissions(root, country)])
    results += submissions
    rows = merge([r.rows for _, r in submissions], plan)
    data["rows"] = rows if not rows.empty else pd.DataFrame(columns=output_columns(plan))
    return results, data


def _data_rows(problems, table) -> int:
    return len(table) if len(table) else len({p.row for p in problems if p.row})


def validate_preparedness(*, root, country: str, rows_out, data_out, status_out, reports_dir) -> dict:
    """Check one country's preparedness files; typed data -> rows_out (contingency rows) and data_out (scenario,
    actions, capacity), verdicts -> status_out, one report per file. Never fails on bad data."""
    from ..model.merge import write_rows_csv
    from .validate import annotate, write_report

    plan = workspace_plan(root)
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    results, data = check_preparedness(root, country)
    subs = []
    for path, result in results:
        what = (plan.sector_name(result.sector) if result.sector in plan.sector_codes
                else {"scenario": "risk analysis", "actions": "preparedness actions", "capacity": "partner capacity"}.get(
                    result.sector, result.sector))
        failed = None
        if path.suffix.lower() != ".yaml" and path.is_file() and any(p.row for p in result.problems):
            failed = annotate(path, result, reports_dir / f"{printable(path.stem)}.annotated.xlsx", plan.epoch)
        subs.append(write_report(root, reports_dir, path, result, f"{plan.country_name(country)}, preparedness", what, failed))
    write_rows_csv(data["rows"], rows_out)
    write_json(data_out, {"scenario": data["scenario"], "actions": data["actions"].to_dict("records"),
                          "capacity": [{k: (None if v != v else v) for k, v in r.items()}
                                       for r in data["capacity"].to_dict("records")]})
    status = {"country": status_name(country), "submissions": subs,
              "rejected": [s["file"] for s in subs if s["verdict"] == "rejected"]}
    write_json(status_out, status)
    return status


def preparedness_figures(*, root, country: str, rows_csv, data_json, status_json, out_json,
                         allow_incomplete: bool = False) -> dict:
    """One country's preparedness figures, after the gate on its rejected preparedness files."""
    import pandas as pd

    from ..intake.readers.framework import read_coordination, read_indicators
    from ..intake.readers.preparedness import ACTION_OUTPUT, CAPACITY_OUTPUT
    from ..intake.readers.registries import read_partners
    from ..model.merge import read_rows_csv
    from ..model.preparedness import preparedness_figures as compute

    plan = workspace_plan(root)
    status = json.loads(Path(status_json).read_text(encoding="utf-8"))
    incomplete = gate([status], allow_incomplete, f"Contingency plan and preparedness dashboard of "
                      f"{plan.country_name(country)} ({country})")
    data = json.loads(Path(data_json).read_text(encoding="utf-8"))
    if data["scenario"] is None:  # only with allow_incomplete: nothing to plan for without a scenario
        from .shared import IncompleteError

        raise IncompleteError(f"{plan.country_name(country)}: no valid scenario.yaml, so no contingency plan; see "
                              f"build/reports/preparedness/{country}/")
    inputs = Path(root) / "inputs"
    rows = read_rows_csv(rows_csv)
    fig = compute(plan, country, data["scenario"], pd.DataFrame(data["actions"], columns=ACTION_OUTPUT),
                  pd.DataFrame(data["capacity"], columns=CAPACITY_OUTPUT), rows, read_partners(inputs / "partners.csv"),
                  read_indicators(inputs / "indicators.csv", plan), read_coordination(inputs / "coordination.csv", plan))
    fig["incomplete"] = incomplete
    write_json(out_json, fig)
    return fig


def regional_figures(*, root, country_jsons: list, out_json) -> dict:
    from ..model.preparedness import regional_preparedness

    plan = workspace_plan(root)
    by_code = {Path(p).stem: json.loads(Path(p).read_text(encoding="utf-8")) for p in country_jsons}
    fig = regional_preparedness(plan, [by_code[c] for c in plan.preparedness_codes])
    fig["incomplete"] = sorted(f for c in by_code.values() for f in c.get("incomplete", []))
    write_json(out_json, fig)
    return fig


def render(*, root, kind: str, doc: str, figures_json, out_md, out_docx, out_pdf, template_dirs: list) -> dict:
    """A contingency plan (kind contingency) or a preparedness dashboard (kind preparedness) as Markdown, DOCX
    and PDF -> {"timings": {stage: s}}."""
    from ..documents.compose import compose
    from ..documents.render import stage_times
    from ..intake.readers.preparedness import contingency_narratives

    plan = workspace_plan(root)
    fig = json.loads(Path(figures_json).read_text(encoding="utf-8"))
    narratives = {"sectors": contingency_narratives(root, plan, doc) if kind == "contingency" else {}}
    with stage_times() as times:
        compose(plan, kind, doc, fig, None, None, None, narratives, {}, [Path(d) for d in template_dirs],
                out_md, out_docx, out_pdf)
    return {"timings": times}
