"""Check a raw submission against the contract; collect every problem in one pass."""
from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from ...common.plan import Plan
from ..readers.framework import Framework, find_objective, suggest_objective
from .checks import (
    Checker,
    Problem,
    Registry,
    Result,
    cell_text,
    cell_texts,
    map_headers,
    number_hint,
    read_numbers,
    report_duplicates,
    text_key,
)
from .contract import (
    NATIONAL_AREAS,
    SEX_AGE,
    Column,
    Reason,
    Severity,
    columns_for,
    header_lookup,
    target_column,
)
from .read import EmptyFile, RawTable, ReadError, RefusedFile, read_submission


def validate_table(raw: RawTable, plan: Plan, registry: Registry, country: str, sector: str,
                   display: str | None = None, admin1: dict[str, str] | None = None,
                   framework: Framework | None = None) -> Result:
    """Check one submission; return typed rows (empty if any error) and every problem found. With the plan's
    indicator framework, indicators must be the sector's and only those counting people count as people."""
    display = display or raw.path
    cols = columns_for(plan)
    by_name: dict[str, Column] = {c.name: c for c in cols}
    chk = Checker(raw, display)

    where = map_headers(chk, cols, "use the sector's submission template (rcm-docs template), or check that this is the right file")
    if where is None:
        return Result(display, country, sector, pd.DataFrame(), chk.problems, len(raw.rows))
    if not raw.rows:
        chk.add(Reason.NO_DATA_ROWS, "the file has a header but no data rows", "add one row per organisation x activity x location",
                raw.header_row, None)

    n = len(raw.rows)
    frame = pd.DataFrame(raw.rows, dtype=object) if n else pd.DataFrame(index=range(0), columns=range(len(raw.headers)))
    rownum = np.asarray(raw.row_numbers, dtype=int)
    data: dict[str, pd.Series] = {}

    def report(mask, name, reason, message, fix):
        for pos in np.flatnonzero(np.asarray(mask)):
            v = frame.iat[pos, where[name]]
            chk.add(reason, message(v, pos) if callable(message) else message,
                    fix(v, pos) if callable(fix) else fix, int(rownum[pos]), where[name], v)

    for name, i in where.items():
        col = by_name[name]
        series = frame[i] if n else pd.Series([], dtype=object)
        if col.kind == "number":
            numbers, blank = read_numbers(series, name, report, number_hint(raw), "USD" if name.endswith("_usd") else None,
                                         whole=not name.endswith("_usd"))
            report(numbers < 0, name, Reason.NEGATIVE, "amounts and targets cannot be negative",
                   "enter zero or a positive number")
            if name == "budget_usd":
                report(blank, name, Reason.MISSING_VALUE, "the activity has no budget", "enter the activity's total requirement in USD")
            if name.startswith("target_") or name in SEX_AGE:
                frac = numbers.notna() & (numbers % 1 != 0)
                report(frac, name, Reason.NOT_A_NUMBER, lambda v, _: f"{cell_text(v)!r} is not a whole number of people",
                       "round to a whole number of people")
                if name.startswith("target_"):
                    numbers = numbers.fillna(0.0)  # a blank target means this group is not targeted
            data[name] = numbers
        else:
            text = cell_texts(series)
            if col.required:
                report(text == "", name, Reason.MISSING_VALUE, f"{name} is empty", f"enter the {col.help[0].lower() + col.help[1:]}")
            data[name] = text

    if "organisation" in data:
        names = data["organisation"]
        resolved = names.map({s: (registry.resolve(s) if s else "") for s in names.unique()})
        unknown = resolved.isna()
        report(unknown, "organisation", Reason.UNKNOWN_ORGANISATION,
               lambda v, _: f"{cell_text(v)!r} is not in the partner registry (inputs/partners.csv)",
               lambda v, _: (f'did you mean "{s}"? ' if (s := registry.suggest(cell_text(v))) else "")
               + "use the name or acronym exactly as in partners.csv, or ask the coordinator to register the organisation")
        data["organisation"] = resolved.fillna(data["organisation"])
        elsewhere = resolved.map({o: bool(o) and o in registry.countries and country not in registry.countries[o]
                                  for o in resolved.dropna().unique()}).eq(True)  # unknown (NaN): False
        report(elsewhere & ~resolved.duplicated(), "organisation", Reason.PARTNER_NOT_REGISTERED_HERE,
               lambda v, pos: f"{resolved.iat[pos]} is registered in {', '.join(sorted(registry.countries[resolved.iat[pos]]))}, "
                              f"not in {country}",
               "check that the organisation appeals here, or ask the coordinator to add the country to partners.csv")

    _check_framework(data, report, plan, sector, framework)

    if admin1 is not None and "admin1" in data:
        areas = data["admin1"].unique()  # a few dozen names over thousands of rows: each looked up once
        known_area = data["admin1"].map({a: a == "" or text_key(a) in NATIONAL_AREAS or text_key(a) in admin1 for a in areas})
        report(~known_area, "admin1", Reason.UNKNOWN_ADMIN1,
               lambda v, _: f"{cell_text(v)!r} is not an admin1 area of {country} in inputs/gazetteer.csv",
               lambda v, _: (f'did you mean "{admin1[m[0]]}"? ' if (m := difflib.get_close_matches(text_key(v), list(admin1), n=1, cutoff=0.7)) else "")
               + "use the area's name as in the gazetteer, or 'National' for a country-wide activity")
        data["admin1"] = data["admin1"].map({a: admin1.get(text_key(a), a) for a in areas})
    for name in ["budget_usd"] + [target_column(g.code) for g in plan.population_groups]:
        if name in data and n >= OUTLIER_MIN_ROWS:
            positive = data[name][data[name] > 0]
            median = positive.median() if len(positive) else 0
            if median:
                report(data[name] > OUTLIER_FACTOR * median, name, Reason.OUTLIER,
                       lambda v, pos, m=median, c=name: f"{data[c].iat[pos]:,.0f} is {data[c].iat[pos] / m:,.0f} times this file's median ({m:,.0f})",
                       "check for extra zeros or a value typed in the wrong column; leave it if it is right")

    targets = [target_column(g.code) for g in plan.population_groups]
    if all(t in data for t in targets) and any(s in data for s in SEX_AGE):
        present = [data[s] for s in SEX_AGE if s in data]
        given = pd.concat(present, axis=1).notna().any(axis=1)
        sex_age = pd.concat(present, axis=1).fillna(0).sum(axis=1)
        total = pd.concat([data[t] for t in targets], axis=1).sum(axis=1)
        anchor = next(s for s in SEX_AGE if s in data)
        report(given & (sex_age != total) & ~pd.concat([data[t] for t in targets], axis=1).isna().any(axis=1), anchor,
               Reason.SEX_AGE_MISMATCH,
               lambda v, pos: f"girls+boys+women+men = {sex_age.iat[pos]:,.0f} but the population-group targets add up to {total.iat[pos]:,.0f}",
               "correct the breakdown so both add up to the same number of people, or leave girls/boys/women/men empty")
    if "cva_usd" in data and "budget_usd" in data:
        report(data["cva_usd"] > data["budget_usd"], "cva_usd", Reason.CVA_ABOVE_BUDGET,
               lambda v, pos: f"cash and voucher assistance {data['cva_usd'].iat[pos]:,.0f} is above the total budget {data['budget_usd'].iat[pos]:,.0f}",
               "budget_usd is the total (in-kind plus CVA): raise it, or lower cva_usd")
    if "in_kind_usd" in data and "cva_usd" in data and "budget_usd" in data:
        both = data["in_kind_usd"].notna() & data["cva_usd"].notna()
        off = both & ((data["in_kind_usd"] + data["cva_usd"] - data["budget_usd"]).abs() > 0.5)
        report(off, "in_kind_usd", Reason.BUDGET_BREAKDOWN_MISMATCH,
               lambda v, pos: f"in-kind {data['in_kind_usd'].iat[pos]:,.0f} + CVA {data['cva_usd'].iat[pos]:,.0f} differ from budget_usd {data['budget_usd'].iat[pos]:,.0f}",
               "make budget_usd the sum of in_kind_usd and cva_usd; budget_usd is used for requirements")
    for name, expected, reason, what in (("country", country, Reason.COUNTRY_MISMATCH, "folder"),
                                         ("sector", sector, Reason.SECTOR_MISMATCH, "file name")):
        if name in data:
            wrong = (data[name] != "") & (data[name].str.upper() != expected.upper())
            report(wrong, name, reason, lambda v, _, e=expected: f"{cell_text(v)!r} but the file's {what} says {e!r}",
                   f"move the file to the right {what}, or correct the {name} column")

    # The same activity may serve two objectives (camps and urban) or run through two implementing partners
    # in one area: a duplicate repeats every one of these.
    key = [k for k in ("organisation", "objective", "activity", "indicator", "admin1", "implementing_partner") if k in data]
    if {"organisation", "activity", "indicator", "admin1"} <= set(key) and n:
        report_duplicates(data, key, report, rownum, "activity",
                          same=", ".join(k.replace("_", " ") for k in key[:-1]) + " and " + key[-1].replace("_", " "),
                          fix="merge the two rows into one, or make the objective, activity, location or implementing "
                              "partner distinct")

    problems = chk.problems
    has_error = any(p.severity is Severity.ERROR for p in problems)
    rows = pd.DataFrame()
    if not has_error and n:
        rows = _typed_rows(data, plan, registry, country, sector, display, raw.sheet, rownum)
    return Result(display, country, sector, rows, problems, n, raw.sha256)


OUTLIER_FACTOR = 50  # a row 50x the file's median budget or target is most often a typo
OUTLIER_MIN_ROWS = 10

OPTIONAL_NUMBERS = ("in_kind_usd", "cva_usd", "output") + SEX_AGE


def _check_framework(data: dict, report, plan: Plan, sector: str, framework: Framework | None) -> None:
    """Objectives and indicators named as the plan names them (by code or text); each row learns whether its
    indicator counts people, and in what unit it counts otherwise."""
    objectives = plan.sector_objectives.get(sector)
    if objectives and "objective" in data:
        found = data["objective"].map({t: find_objective(objectives, t) for t in pd.unique(data["objective"])})
        report(found.isna() & (data["objective"] != ""), "objective", Reason.UNKNOWN_OBJECTIVE,
               lambda v, _: f"{cell_text(v)!r} is not one of the {plan.sector_name(sector)} objectives in plan.yaml",
               lambda v, _: (f'did you mean "{m}"? ' if (m := suggest_objective(objectives, cell_text(v))) else "")
               + "use one of: " + "; ".join(f"{o.code} {o.text}" for o in objectives))
        data["objective"] = found.map(lambda o: o.text if o else None).fillna(data["objective"])
    indicators = framework.of(sector) if framework else []
    if not indicators or "indicator" not in data:
        return
    found = data["indicator"].map({t: framework.find(sector, t) for t in pd.unique(data["indicator"])})
    report(found.isna() & (data["indicator"] != ""), "indicator", Reason.UNKNOWN_INDICATOR,
           lambda v, _: f"{cell_text(v)!r} is not an indicator of {plan.sector_name(sector)} in inputs/indicators.csv",
           lambda v, _: (f'did you mean "{m}"? ' if (m := framework.suggest(sector, cell_text(v))) else "")
           + "use the indicator's code or text as in the indicator framework")
    data["indicator"] = found.map(lambda i: i.text if i else None).fillna(data["indicator"])
    data["indicator_code"] = found.map(lambda i: i.code if i else "")
    data["indicator_type"] = found.map(lambda i: i.type if i else "")
    data["unit"] = found.map(lambda i: i.unit if i else "")
    targets = [c for c in (target_column(g.code) for g in plan.population_groups) if c in data]
    if targets:
        people = pd.concat([data[t] for t in targets], axis=1).fillna(0).sum(axis=1)
        report(found.map(lambda i: bool(i) and not i.counts_people) & (people > 0), targets[0], Reason.PEOPLE_ON_OUTPUT_INDICATOR,
               lambda v, pos: f"{found.iat[pos].text!r} counts {found.iat[pos].unit}, not people: the row's "
                              f"{people.iat[pos]:,.0f} people are not counted in people targeted",
               lambda v, pos: f"put the target in the output column (in {found.iat[pos].unit}), and the people in a row "
                              "under an indicator that counts people")


def output_columns(plan: Plan) -> list[str]:
    return (["country", "sector", "organisation", "organisation_type", "objective", "activity", "indicator",
             "indicator_code", "indicator_type", "unit", "admin1", "budget_usd", "in_kind_usd", "cva_usd", "output"]
            + [target_column(g.code) for g in plan.population_groups]
            + list(SEX_AGE) + ["implementing_partner", "description", "source_file", "source_sheet", "source_row"])


def _typed_rows(data, plan, registry, country, sector, display, sheet, rownum) -> pd.DataFrame:
    n = len(rownum)
    out = {"country": country, "sector": sector, "organisation": data["organisation"],
           "organisation_type": data["organisation"].map(registry.types)}
    for name in output_columns(plan):
        if name in out or name.startswith("source_"):
            continue
        if name in data:
            out[name] = data[name]
        else:
            out[name] = np.nan if name in OPTIONAL_NUMBERS else ""
    out.update(source_file=display, source_sheet=sheet or "", source_row=rownum)
    frame = pd.DataFrame(out, index=range(n))
    return frame[output_columns(plan)]


def validate_file(path, plan: Plan, registry: Registry, country: str, sector: str, display: str | None = None,
                  admin1: dict[str, str] | None = None, framework: Framework | None = None) -> Result:
    """Read and validate one submission file; unreadable files become a structure problem, not a crash."""
    display = display or str(path)
    known = set(header_lookup(columns_for(plan)))
    try:
        raw = read_submission(path, known, plan.max_file_bytes)
    except ReadError as e:
        reason = (Reason.EMPTY_FILE if isinstance(e, EmptyFile) else Reason.REFUSED if isinstance(e, RefusedFile)
                  else Reason.UNREADABLE)
        msg = str(e).split(": ", 1)[-1]
        fix = {Reason.EMPTY_FILE: "fill in the template and save it again",
               Reason.REFUSED: "the message says what to do; if in doubt, copy the data into a fresh template"}.get(
            reason, "open the file in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8")
        return Result(display, country, sector, pd.DataFrame(), [Problem(display, None, None, None, None, None, reason, msg, fix)], 0)
    return validate_table(raw, plan, registry, country, sector, display, admin1, framework)


def cross_sector_duplicates(results: list[Result]) -> None:
    """Warn where the same organisation, activity, indicator and area appear in two sectors' files:
    the same budget must not be appealed for twice. Each repeat names the first file and row that has it."""
    cols = ["organisation", "activity", "indicator", "admin1"]
    files = [(i, r) for i, r in enumerate(results) if not r.rows.empty]
    if len(files) < 2:
        return  # a file's repeats of itself are duplicate-row errors, checked with the file
    # The usual case, found from each file's distinct values alone: some column (the indicators, most often,
    # each sector has its own) has no value in two files, so no row can repeat another file's.
    if not all(_in_two_files(files, c) for c in ("indicator", "activity", "admin1", "organisation")):
        return
    keys = pd.concat([pd.DataFrame({c: r.rows[c].str.casefold().to_numpy(dtype=object) for c in cols})
                      .assign(_file=i, _row=r.rows["source_row"].to_numpy()) for i, r in files], ignore_index=True)
    first = keys.groupby(cols, sort=False, dropna=False)[["_file", "_row"]].transform("first")
    again = keys["_file"].to_numpy() != first["_file"].to_numpy()
    if not again.any():
        return
    sheets = {i: r.rows["source_sheet"].iat[0] or None for i, r in files}
    for f, row, act, ff, frow in zip(keys["_file"][again].tolist(), keys["_row"][again].tolist(),
                                     keys["activity"][again].tolist(), first["_file"][again].tolist(),
                                     first["_row"][again].tolist()):
        r = results[f]
        r.problems.append(Problem(r.file, sheets[f], int(row), "activity", None, act, Reason.DUPLICATE_ACROSS_SECTORS,
                                  f"same organisation, activity, indicator and admin1 as {results[ff].file} row {int(frow)}",
                                  "keep the activity, and its budget, in one sector only"))



def _in_two_files(files: list[tuple[int, Result]], col: str) -> bool:
    """Whether any value of the column (casefolded) is in two of the files."""
    seen: set = set()
    for _, r in files:
        # Anything but text groups with the blanks below (.str.casefold() makes it NaN): one bucket, "".
        mine = {v.casefold() if isinstance(v, str) else "" for v in pd.unique(r.rows[col].to_numpy(dtype=object))}
        if not seen.isdisjoint(mine):
            return True
        seen |= mine
    return False


SCALE_FACTOR = 300  # sectors differ tenfold in cost per person; a file 300x off its peers was read in the wrong unit


def scale_warnings(results: list[Result], plan: Plan) -> None:
    """Warn on a whole file whose requirement per person targeted is about a thousand times (or a thousandth
    of) the median of the country's other sector files: '125.000' read as 125 in every row, or budgets
    typed in thousands. Needs three files with people targeted to compare with."""
    targets = [target_column(g.code) for g in plan.population_groups]
    cost = {}
    for r in results:
        if not r.rows.empty:
            people = r.rows.reindex(columns=targets).fillna(0).to_numpy().sum()
            if people > 0 and r.rows["budget_usd"].sum() > 0:
                cost[r.file] = r.rows["budget_usd"].sum() / people
    for r in results:
        others = sorted(v for f, v in cost.items() if f != r.file)
        if r.file not in cost or len(others) < 2:
            continue
        median = others[len(others) // 2] if len(others) % 2 else (others[len(others) // 2 - 1] + others[len(others) // 2]) / 2
        factor = cost[r.file] / median
        if factor >= SCALE_FACTOR or factor <= 1 / SCALE_FACTOR:
            how = f"{factor:,.0f} times" if factor > 1 else f"1/{1 / factor:,.0f} of"
            r.problems.append(Problem(
                r.file, None, None, "budget_usd", None, f"{cost[r.file]:,.2f} USD per person", Reason.SCALE,
                f"the file's requirement per person targeted ({cost[r.file]:,.2f} USD) is {how} the median of the "
                f"country's other sector files ({median:,.2f} USD)",
                "check that amounts are in USD, not in thousands, and that '.' or ',' were read as you meant; "
                "leave it if the sector really is this different"))
