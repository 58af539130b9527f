"""A country at risk's preparedness inputs (inputs/preparedness/<ISO3>/), checked like submissions and reported in
the same Problem shape: scenario.yaml (the risk analysis and planning figure), actions.csv (preparedness actions)
and capacity.csv (the partners' capacity). Contingency submissions are plan submissions (validate.py)."""
from __future__ import annotations

import datetime as dt
import difflib
import json
import math
from importlib import resources
from pathlib import Path

import pandas as pd

from ...common.gate import UnsafeFile, read_text
from ...common.plan import Plan, PlanError, safe_yaml_load
from ..tables.checks import (
    Problem,
    Registry,
    cell_text,
    closest,
    open_table,
    report_duplicates,
    text_key,
    typed_cells,
)
from ..tables.contract import (
    ACTION_COLUMNS,
    ACTION_KINDS,
    ACTION_STATUSES,
    CAPACITY_COLUMNS,
    CAPACITY_UNITS,
    COORDINATION,
    NATIONAL_AREAS,
    Column,
    Reason,
    Severity,
    capacity_unit,
)

ACTION_OUTPUT = ["action", "kind", "sector", "responsible", "deadline", "status", "note", "source_file", "source_row"]
CAPACITY_OUTPUT = ["organisation", "organisation_type", "sector", "admin1", "capacity", "quantity", "unit", "people",
                   "days_to_deploy", "source_file", "source_row"]


def _columns_fix(cols: tuple[Column, ...]) -> str:
    return "use the columns of docs/preparedness.md: " + ", ".join(c.name for c in cols)


def _errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def _sector_lookup(plan: Plan) -> dict[str, str]:
    """Sector code or name, as typed in any case -> the plan's code."""
    return {k.casefold(): s.code for s in plan.sectors for k in (s.code, s.name)}


def _resolve_organisations(data: dict, column: str, registry: Registry, report) -> None:
    names = data[column]
    resolved = names.map({s: (registry.resolve(s) if s else "") for s in pd.unique(names)})
    report(resolved.isna(), column, Reason.UNKNOWN_ORGANISATION,
           lambda v, _: f"{cell_text(v)!r} is not in the partner registry (inputs/partners.csv)",
           lambda v, _: (f'did you mean "{s}"? ' if (s := registry.suggest(cell_text(v))) else "")
           + "use the name or acronym exactly as in partners.csv, or ask the coordinator to register the organisation")
    data[column] = resolved.fillna(names)


def _resolve_areas(data: dict, country: str, admin1: dict[str, str] | None, report) -> None:
    """admin1 as the gazetteer writes it, 'National' for the whole country; unknown ones reported with the closest."""
    folded = data["admin1"].map(text_key)
    national = folded.isin(NATIONAL_AREAS)
    if admin1 is not None:
        report(~national & (folded != "") & ~folded.isin(list(admin1)), "admin1", Reason.UNKNOWN_ADMIN1,
               lambda v, _: f"{cell_text(v)!r} is not an admin1 area of {country} in inputs/gazetteer.csv",
               lambda v, _: closest(v, sorted(set(admin1.values())),
                                    "use the area's name as in the gazetteer, or 'National' for capacity that can go anywhere"))
        data["admin1"] = folded.map(admin1).fillna(data["admin1"])
    data["admin1"] = data["admin1"].where(~national, "National")


def validate_actions(path, plan: Plan, registry: Registry, display: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """actions.csv -> (one row per action, every problem); no rows when any error is found."""
    display = display or str(path)
    empty = pd.DataFrame(columns=ACTION_OUTPUT)
    opened, problems = open_table(path, ACTION_COLUMNS, display, plan.max_file_bytes, _columns_fix(ACTION_COLUMNS))
    if opened is None:
        return empty, problems
    data, report, rownum = typed_cells(*opened, ACTION_COLUMNS)
    if "kind" in data:
        kinds = {a: k for k, aliases in ACTION_KINDS.items() for a in aliases}
        kind = data["kind"].map(lambda v: kinds.get(" ".join(v.split()).casefold()))
        report(kind.isna() & (data["kind"] != ""), "kind", Reason.UNKNOWN_ACTION_KIND,
               lambda v, _: f"{cell_text(v)!r} is not a kind of preparedness action",
               "write minimum (a minimum preparedness action, for every risk) or advanced (an advanced one, for a high risk)")
        data["kind"] = kind.fillna(data["kind"])
    if "status" in data:
        status = data["status"].map(lambda v: " ".join(v.replace("_", " ").replace("-", " ").split()).casefold())
        report(~status.isin(ACTION_STATUSES) & (data["status"] != ""), "status", Reason.UNKNOWN_STATUS,
               lambda v, _: f"{cell_text(v)!r} is not a status of an action",
               lambda v, _: closest(v, list(ACTION_STATUSES), "write " + ", ".join(ACTION_STATUSES[:-1])
                                    + " or " + ACTION_STATUSES[-1]))
        data["status"] = status.where(status.isin(ACTION_STATUSES), data["status"])
    if "sector" in data:
        known = _sector_lookup(plan) | {COORDINATION: COORDINATION}
        sector = data["sector"].map(lambda v: known.get(v.casefold()))
        report(sector.isna() & (data["sector"] != ""), "sector", Reason.UNKNOWN_SECTOR,
               lambda v, _: f"{cell_text(v)!r} is not a sector of the plan ({', '.join(plan.sector_codes)})",
               lambda v, _: closest(v, plan.sector_codes + [COORDINATION],
                                    "use a sector's code as in plan.yaml, or 'coordination' for an action serving every sector"))
        data["sector"] = sector.fillna(data["sector"])
    if "responsible" in data:
        _resolve_organisations(data, "responsible", registry, report)
    if {"action", "sector", "responsible"} <= set(data) and len(rownum):
        report_duplicates(data, ["action", "sector", "responsible"], report, rownum, "action")
    problems = opened[0].problems
    if _errors(problems) or not len(rownum):
        return empty, problems
    out = {c: data.get(c, "") for c in ACTION_OUTPUT[:-2]}
    out.update(source_file=display, source_row=rownum)
    return pd.DataFrame(out, index=range(len(rownum)))[ACTION_OUTPUT], problems


def validate_capacity(path, plan: Plan, registry: Registry, country: str, admin1: dict[str, str] | None = None,
                      display: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """capacity.csv -> (one row per capacity, with the people it serves where its unit says; every problem)."""
    display = display or str(path)
    empty = pd.DataFrame(columns=CAPACITY_OUTPUT)
    opened, problems = open_table(path, CAPACITY_COLUMNS, display, plan.max_file_bytes, _columns_fix(CAPACITY_COLUMNS))
    if opened is None:
        return empty, problems
    data, report, rownum = typed_cells(*opened, CAPACITY_COLUMNS)
    if "unit" in data:
        units = data["unit"].map(capacity_unit)
        names = [u.name for u in CAPACITY_UNITS]
        report(units.isna() & (data["unit"] != ""), "unit", Reason.UNKNOWN_UNIT,
               lambda v, _: f"{cell_text(v)!r} is not one of the capacity units",
               lambda v, _: (f'did you mean "{m[0]}"? ' if (m := difflib.get_close_matches(cell_text(v).casefold(), names, 1, 0.6))
                             else "") + "use one of: " + "; ".join(names))
        data["people_per_unit"] = units.map(lambda u: u.people if u else None)
        data["unit"] = units.map(lambda u: u.name if u else None).fillna(data["unit"])
    if "sector" in data:
        known = _sector_lookup(plan)
        sector = data["sector"].map(lambda v: known.get(v.casefold()))
        report(sector.isna() & (data["sector"] != ""), "sector", Reason.UNKNOWN_SECTOR,
               lambda v, _: f"{cell_text(v)!r} is not a sector of the plan ({', '.join(plan.sector_codes)})",
               lambda v, _: closest(v, plan.sector_codes, "use a sector's code as in plan.yaml"))
        data["sector"] = sector.fillna(data["sector"])
    if "organisation" in data:
        _resolve_organisations(data, "organisation", registry, report)
    if "admin1" in data:
        _resolve_areas(data, country, admin1, report)
    if {"organisation", "sector", "admin1", "capacity", "unit"} <= set(data) and len(rownum):
        report_duplicates(data, ["organisation", "sector", "admin1", "capacity", "unit"], report, rownum, "capacity")
    problems = opened[0].problems
    if _errors(problems) or not len(rownum):
        return empty, problems
    # People served, rounded down (a part of a kit serves no one); 1e-6 absorbs float error (30 x 1000/15).
    people = (data["quantity"] * data["people_per_unit"].astype(float)).map(
        lambda p: None if pd.isna(p) else float(math.floor(p + 1e-6)))
    out = {c: data[c] for c in ("organisation", "sector", "admin1", "capacity", "quantity", "unit", "days_to_deploy")}
    out.update(organisation_type=data["organisation"].map(registry.types), people=people, source_file=display,
               source_row=rownum)
    return pd.DataFrame(out, index=range(len(rownum)))[CAPACITY_OUTPUT], problems


# ---- scenario.yaml ----

def _schema() -> dict:
    return json.loads(resources.files("rcm_docs.common").joinpath("schemas/scenario.schema.json").read_text(encoding="utf-8"))


def _lines(node, path=()) -> dict[tuple, int]:
    """Each key path of a YAML document -> the line (1-based) its value starts on."""
    import yaml

    out = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out.update(_lines(v, path + (k.value,)))
            out[path + (k.value,)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.update(_lines(v, path + (i,)))
    return out


def _path(parts) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in parts).replace(".[", "[") or "(top level)"


SCHEMA_FIXES = {
    "required": "add the key (see the scenario.yaml shape in docs/preparedness.md)",
    "additionalProperties": "remove the key or correct its spelling",
    "minimum": "give a whole number from 1 (lowest) to 5 (highest)",
    "maximum": "give a whole number from 1 (lowest) to 5 (highest)",
    "type": "write the value alone: a number without separators, a text, or a list under the key",
    "minItems": "give at least one",
    "minLength": "write the text, or remove the key",
    "pattern": "use lower-case population group codes and short scenario codes (S1), as in docs/preparedness.md",
}


def validate_scenario(path, plan: Plan, admin1: dict[str, str] | None = None, display: str | None = None
                      ) -> tuple[dict | None, list[Problem]]:
    """scenario.yaml -> (the analysis with canonical areas and dates, every problem); None when any error is found.
    A problem's row is the line of the key, its column the key's path (scenarios[0].likelihood)."""
    import jsonschema
    import yaml

    display = display or str(path)
    path = Path(path)

    def problem(reason, where, line, value, message, fix):
        return Problem(display, None, line, where, f"line {line}" if line else None,
                       None if value is None else cell_text(value), reason, message, fix)

    if not path.is_file():
        return None, [problem(Reason.MISSING_FILE, None, None, None, "the country has no scenario.yaml",
                              "write the risk analysis as inputs/preparedness/<ISO3>/scenario.yaml (docs/preparedness.md)")]
    try:
        text = read_text(path, shown=display)  # a link out of the workspace is refused, never read
    except UnsafeFile as e:
        return None, [problem(Reason.UNREADABLE, None, None, None, str(e)[:300],
                              "save it as a UTF-8 file inside the workspace, as in docs/preparedness.md's example")]
    try:
        data = safe_yaml_load(text, name=display)
        lines = _lines(yaml.compose(text, Loader=yaml.SafeLoader)) if data is not None else {}
    except (UnicodeDecodeError, yaml.YAMLError, PlanError) as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        return None, [problem(Reason.UNREADABLE, None, line + 1 if line is not None else None, None,
                              " ".join(str(e).split())[:300], "save it as UTF-8 YAML, as in docs/preparedness.md's example")]
    if not isinstance(data, dict):
        return None, [problem(Reason.INVALID_SCENARIO, None, 1, None, "expected keys (analysis_date:, scenarios: ...)",
                              "follow the scenario.yaml shape in docs/preparedness.md")]
    data = json.loads(json.dumps(data, default=str))  # YAML dates as text, like plan.yaml
    problems = []
    for err in sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = list(err.absolute_path)
        message = err.message
        if err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            where, message = where + extra[:1], f"unknown key {', '.join(map(repr, extra))} (known keys: {', '.join(err.schema.get('properties', {}))})"
        problems.append(problem(Reason.INVALID_SCENARIO, _path(where), lines.get(tuple(where)),
                                None if isinstance(err.instance, (dict, list)) else err.instance, message,
                                SCHEMA_FIXES.get(err.validator, "follow the scenario.yaml shape in docs/preparedness.md")))
    if problems:
        return None, problems
    out, problems = _check_scenario(data, plan, admin1, lines, problem, path.parent.name)
    if out and out["next_review"] < plan.as_of.isoformat():
        problems.append(problem(Reason.REVIEW_DUE, "next_review", lines.get(("next_review",)), out["next_review"],
                                f"the risk analysis was due for review on {out['next_review']}, before the plan's as-of "
                                f"date ({plan.as_of.isoformat()})", "review the scenarios with the partners and the "
                                "government, then update analysis_date and next_review"))
    return out, problems


def _check_scenario(data: dict, plan: Plan, admin1, lines: dict, problem, country: str) -> tuple[dict | None, list[Problem]]:
    """What the schema cannot say: dates, the plan's population groups, areas in the gazetteer, one planning scenario."""
    problems = []

    def date(where: tuple, value) -> str | None:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            problems.append(problem(Reason.NOT_A_DATE, _path(where), lines.get(where), value, f"{value!r} is not a date",
                                    "write the date as YYYY-MM-DD, e.g. 2026-10-31"))
            return None

    out = {"analysis_date": date(("analysis_date",), data["analysis_date"]),
           "next_review": date(("next_review",), data["next_review"]), "scenarios": []}
    groups = [g.code for g in plan.population_groups]
    planning = [i for i, s in enumerate(data["scenarios"]) if s.get("planning")]
    if len(data["scenarios"]) > 1 and len(planning) != 1:
        where = ("scenarios", planning[1]) if planning else ("scenarios",)
        problems.append(problem(Reason.INVALID_SCENARIO, _path(where), lines.get(where), None,
                                f"{len(planning)} scenarios are marked planning: true; the contingency plan plans for one",
                                "mark the scenario the contingency plan plans for with planning: true, and only that one"))
    chosen = planning[0] if planning else 0
    for i, s in enumerate(data["scenarios"]):
        at = ("scenarios", i)
        scenario = {"code": s.get("code", f"S{i + 1}"), "name": s["name"], "description": s["description"],
                    "likelihood": s["likelihood"], "impact": s["impact"], "planning": i == chosen,
                    "triggers": s.get("triggers", []), "early_warning": s.get("early_warning", []),
                    "assumptions": s.get("assumptions", []), "planning_figure": None}
        for key in ("entry_areas", "hosting_areas"):
            scenario[key] = [_area(a, at + (key, j), admin1, lines, problems, problem, country)
                             for j, a in enumerate(s.get(key, []))]
        figure = s.get("planning_figure")
        if figure:
            f = at + ("planning_figure",)
            start, end = date(f + ("period", "start"), figure["period"]["start"]), date(f + ("period", "end"), figure["period"]["end"])
            if start and end and end < start:
                problems.append(problem(Reason.INVALID_SCENARIO, _path(f + ("period", "end")), lines.get(f + ("period", "end")),
                                        end, f"the period ends ({end}) before it starts ({start})", "correct the two dates"))
            for key in ("by_group", "current", "people_in_need"):
                for g in figure.get(key, {}):
                    if g not in groups:
                        problems.append(problem(Reason.INVALID_SCENARIO, _path(f + (key, g)), lines.get(f + (key, g)), g,
                                                f"{g!r} is not a population group of the plan",
                                                closest(g, groups, "use the plan's population group codes: " + ", ".join(groups))))
            scenario["planning_figure"] = {"start": start, "end": end,
                                           **{k: {g: int(figure.get(k, {}).get(g, 0)) for g in groups} if k in figure else None
                                              for k in ("by_group", "current", "people_in_need")}}
        elif i == chosen:
            problems.append(problem(Reason.INVALID_SCENARIO, _path(at), lines.get(at), None,
                                    "the planning scenario has no planning_figure",
                                    "add planning_figure: period (start, end) and by_group, the people the response plans for"))
        out["scenarios"].append(scenario)
    return (None if _errors(problems) else out), problems


def _area(name: str, where: tuple, admin1, lines, problems, problem, country: str) -> str:
    if admin1 is None:
        return name
    found = admin1.get(text_key(name))
    if found is None:
        problems.append(problem(Reason.UNKNOWN_ADMIN1, _path(where), lines.get(where), name,
                                f"{name!r} is not an admin1 area of {country} in inputs/gazetteer.csv",
                                closest(name, sorted(set(admin1.values())), "use the area's name as in the gazetteer")))
        return name
    return found


def contingency_narratives(root, plan: Plan, country: str) -> dict:
    """The contingency plan's sector response strategies (inputs/preparedness/<ISO3>/narratives/<SECTOR>.md), headings
    demoted under the sector's; None for a sector with none yet."""
    from .markdown import markdown_file

    return {s: markdown_file(root, f"inputs/preparedness/{country}/narratives/{s}.md", 2) for s in plan.sector_codes}
