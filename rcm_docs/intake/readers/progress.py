"""Monthly progress (sitreps, inputs/sitreps/<period>/): progress/*.csv|xlsx and figures.csv, checked like
submissions with the same Problem shape. People reached are consolidated by the very rule the targets use
(figures.consolidate), so percent reached compares like with like."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ...common.plan import Plan
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
    FIGURE_COLUMNS,
    NATIONAL_AREAS,
    Column,
    Reason,
    Severity,
    progress_columns,
    reached_column,
)
from ..tables.contract import TITLES as CONTRACT_TITLES

ProgressReason = Reason  # the progress-only reasons live in the contract with the others
TITLES = CONTRACT_TITLES


def _wrong_template(cols: tuple[Column, ...]) -> str:
    return "use the template's columns: " + ", ".join(c.name for c in cols if c.required)


def output_columns(plan: Plan) -> list[str]:
    return (["country", "sector", "organisation", "organisation_type", "activity", "indicator", "indicator_code",
             "indicator_type", "unit", "admin1", "reached"]
            + [reached_column(g.code) for g in plan.population_groups] + ["source_file", "source_sheet", "source_row"])


def validate_progress(path, plan: Plan, registry: Registry, admin1: dict[str, dict[str, str]] | None = None,
                      display: str | None = None, framework=None) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one progress file -> (typed rows, every problem). Rows are empty when any error is found: like a
    rejected submission, a rejected progress file is never counted. admin1 is read.read_gazetteer's output.
    With the indicator framework, each row's indicator must be one of its sector's: reached then counts people
    only under indicators that count people, and is an achievement in the indicator's unit under the others."""
    display = display or str(path)
    cols = progress_columns(plan)
    opened, problems = open_table(path, cols, display, plan.max_file_bytes, _wrong_template(cols))
    if opened is None:
        return pd.DataFrame(columns=output_columns(plan)), problems
    data, report, rownum = typed_cells(*opened, cols)
    people = [c for c in data if c == "reached" or c.startswith("reached_")]
    for c in people:
        report(data[c] % 1 > 0, c, Reason.NOT_A_NUMBER, lambda v, _: f"{cell_text(v)!r} is not a whole number of people",
               "round to a whole number of people")
    if "country" in data:
        data["country"] = data["country"].str.upper()
        report((data["country"] != "") & ~data["country"].isin(plan.country_codes), "country", ProgressReason.UNKNOWN_COUNTRY,
               lambda v, _: f"{cell_text(v)!r} is not a country of the plan ({', '.join(plan.country_codes)})",
               lambda v, _: closest(v, plan.country_codes, "use the ISO3 code of a country of the plan"))
    if "sector" in data:
        sector = data["sector"].str.upper().map({s.upper(): s for s in plan.sector_codes})
        report((data["sector"] != "") & sector.isna(), "sector", ProgressReason.UNKNOWN_SECTOR,
               lambda v, _: f"{cell_text(v)!r} is not a sector of the plan ({', '.join(plan.sector_codes)})",
               lambda v, _: closest(v, plan.sector_codes, "use the sector's code as in plan.yaml"))
        data["sector"] = sector.fillna(data["sector"])
    if "organisation" in data:
        # Each distinct name is resolved, and suggested for, once: a file repeats a few names thousands of times.
        resolved = data["organisation"].map({s: (registry.resolve(s) if s else "") for s in pd.unique(data["organisation"])})
        suggest = functools.lru_cache(maxsize=None)(registry.suggest)
        report(resolved.isna(), "organisation", Reason.UNKNOWN_ORGANISATION,
               lambda v, _: f"{cell_text(v)!r} is not in the partner registry (inputs/partners.csv)",
               lambda v, _: (f'did you mean "{s}"? ' if (s := suggest(cell_text(v))) else "")
               + "use the name or acronym exactly as in partners.csv, or ask the coordinator to register the organisation")
        data["organisation"] = resolved.fillna(data["organisation"])
    if admin1 is not None and "admin1" in data and "country" in data:
        folded = data["admin1"].map({a: text_key(a) for a in pd.unique(data["admin1"])})
        canonical = {(c, k): v for c, areas in admin1.items() for k, v in areas.items()}
        found = pd.Series([canonical.get(t) for t in zip(data["country"], folded)], index=folded.index, dtype=object)
        ok = found.notna() | (folded == "") | folded.isin(NATIONAL_AREAS) | ~data["country"].isin(list(admin1))
        report(~ok, "admin1", Reason.UNKNOWN_ADMIN1,
               lambda v, pos: f"{cell_text(v)!r} is not an admin1 area of {data['country'].iat[pos]} in inputs/gazetteer.csv",
               lambda v, pos: closest(v, list(admin1[data["country"].iat[pos]].values()),
                                       "use the area's name as in the gazetteer, or 'National' for the whole country"))
        data["admin1"] = found.fillna(data["admin1"])
    if framework is not None and "indicator" in data and "sector" in data:
        _resolve_indicators(data, report, plan, framework)
    groups = [c for c in people if c != "reached"]
    if groups and "reached" in data:
        parts = pd.concat([data[c] for c in groups], axis=1)
        known = parts.sum(axis=1, min_count=1)
        # Blank groups are unknown, so a partial breakdown may fall short of the total but never exceed it.
        complete = parts.notna().all(axis=1) if len(groups) == len(plan.population_groups) else pd.Series(False, index=parts.index)
        off = known.notna() & data["reached"].notna() & ((known > data["reached"]) | (complete & (known != data["reached"])))
        report(off, groups[0], ProgressReason.REACHED_BREAKDOWN_MISMATCH,
               lambda v, pos: f"{' + '.join(groups)} = {known.iat[pos]:,.0f} but reached is {data['reached'].iat[pos]:,.0f}",
               "make the population groups add up to reached, or leave the groups you do not know empty")
    key = [k for k in ("country", "sector", "organisation", "indicator", "admin1", "activity") if k in data]
    if len(key) >= 5 and len(rownum):
        report_duplicates(data, key, report, rownum, "indicator", canonical=("country", "sector", "organisation"))
    problems = opened[0].problems
    if any(p.severity is Severity.ERROR for p in problems) or not len(rownum):
        return pd.DataFrame(columns=output_columns(plan)), problems
    out = {c: data.get(c, np.nan if c.startswith("reached") else "") for c in output_columns(plan)}
    out.update(organisation_type=data["organisation"].map(registry.types), source_file=display,
               source_sheet=opened[0].raw.sheet or "", source_row=rownum)
    return pd.DataFrame(out, index=range(len(rownum)))[output_columns(plan)], problems


def _resolve_indicators(data: pd.DataFrame, report, plan: Plan, framework) -> None:
    """Each row's indicator (code or text) -> its framework code, type and unit; an unknown one is an error."""
    pairs = list(zip(data["sector"], data["indicator"]))
    found = pd.Series([framework.find(s, t) if s in plan.sector_codes and framework.of(s) else None for s, t in pairs],
                      index=data["sector"].index, dtype=object)
    known = pd.Series([bool(framework.of(s)) for s in data["sector"]], index=data["sector"].index)
    report(found.isna() & known & (data["indicator"] != ""), "indicator", Reason.UNKNOWN_INDICATOR,
           lambda v, pos: f"{cell_text(v)!r} is not an indicator of {data['sector'].iat[pos]} in inputs/indicators.csv",
           lambda v, pos: (f'did you mean "{m}"? ' if (m := framework.suggest(data["sector"].iat[pos], cell_text(v))) else "")
           + "use the indicator's code or text as in the indicator framework")
    data["indicator"] = found.map(lambda i: i.text if i else None).fillna(data["indicator"])
    data["indicator_code"] = found.map(lambda i: i.code if i else "")
    data["indicator_type"] = found.map(lambda i: i.type if i else "")
    data["unit"] = found.map(lambda i: i.unit if i else "")


def read_key_figures(path, plan: Plan, display: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """figures.csv -> (country, figure, value, as_of, source, source_file, source_row; empty on any error), problems."""
    display = display or str(path)
    columns = [c.name for c in FIGURE_COLUMNS] + ["source_file", "source_row"]
    opened, problems = open_table(path, FIGURE_COLUMNS, display, plan.max_file_bytes, _wrong_template(FIGURE_COLUMNS))
    if opened is None:
        return pd.DataFrame(columns=columns), problems
    data, report, rownum = typed_cells(*opened, FIGURE_COLUMNS)
    if "country" in data:
        data["country"] = data["country"].str.upper().replace("REGIONAL", "regional")
        report((data["country"] != "") & ~data["country"].isin([*plan.country_codes, "regional"]), "country",
               ProgressReason.UNKNOWN_COUNTRY, lambda v, _: f"{cell_text(v)!r} is neither a country of the plan nor 'regional'",
               lambda v, _: closest(v, [*plan.country_codes, "regional"], "use a plan country's ISO3 code, or 'regional'"))
    if all(k in data for k in ("country", "figure", "as_of")) and len(rownum):
        report_duplicates(data, ["country", "figure", "as_of"], report, rownum, "figure")
    problems = opened[0].problems
    if any(p.severity is Severity.ERROR for p in problems) or not len(rownum):
        return pd.DataFrame(columns=columns), problems
    out = pd.DataFrame({**{c.name: data[c.name] for c in FIGURE_COLUMNS}, "source_file": display, "source_row": rownum})
    return out[columns], problems


