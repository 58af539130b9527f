"""Monthly progress (sitreps, inputs/sitreps/<period>/): progress/*.csv|xlsx and figures.csv, checked like
submissions with the same Problem shape. People reached are consolidated by the very rule the targets use
(figures.consolidate), so percent reached compares like with like."""
from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import difflib

import numpy as np
import pandas as pd

from .contract import TITLES as CONTRACT_TITLES
from .contract import BASE_COLUMNS, NATIONAL_AREAS, Column, Reason, Severity, header_lookup, normalise_header, target_column
from .figures import _people, consolidate
from .plan import Plan
from .read import EmptyFile, ReadError, RefusedFile, column_letter, read_submission
from .validate import Problem, Registry, _Checker, _key, _number_fix, _parse_numbers, _text, _texts


ProgressReason = Reason  # the progress-only reasons live in the contract with the others
TITLES = CONTRACT_TITLES
_BASE = {c.name: c for c in BASE_COLUMNS}
_TOTAL = "_reached"  # no plan group code starts with '_', so the total can ride through consolidate


def reached_column(group_code: str) -> str:
    return f"reached_{group_code}"


def progress_columns(plan: Plan) -> tuple[Column, ...]:
    return (
        Column("country", "text", True, "ISO3 code of a country of the plan.", "#country+code"),
        Column("sector", "text", True, "Sector code, as in the plan.", "#sector+code"),
        _BASE["organisation"], _BASE["indicator"], _BASE["admin1"],
        Column("reached", "number", True, "People reached, all population groups.", "#reached"),
        *(Column(reached_column(g.code), "number", False, f"People reached: {g.name}.", f"#reached+{g.code}")
          for g in plan.population_groups),
        dataclasses.replace(_BASE["activity"], required=False),
    )


FIGURE_COLUMNS = (
    Column("country", "text", True, "ISO3 code of a country of the plan, or 'regional'.", "#country+code"),
    Column("figure", "text", True, "What the figure counts, e.g. 'New arrivals'.", "#indicator+name"),
    Column("value", "number", True, "The figure.", "#indicator+value+num"),
    Column("as_of", "date", True, "Date the figure refers to, as YYYY-MM-DD.", "#date"),
    Column("source", "text", True, "Where the figure comes from.", "#meta+source"),
)


def output_columns(plan: Plan) -> list[str]:
    return (["country", "sector", "organisation", "organisation_type", "activity", "indicator", "admin1", "reached"]
            + [reached_column(g.code) for g in plan.population_groups] + ["source_file", "source_sheet", "source_row"])


def _open(path, plan: Plan, cols: tuple[Column, ...], display: str):
    """Read a file and check its structure -> (checker, column name -> index) or None, and the problems so far."""
    lookup = header_lookup(cols)
    try:
        raw = read_submission(path, set(lookup), plan.max_file_bytes)
    except ReadError as e:
        reason = Reason.EMPTY_FILE if isinstance(e, EmptyFile) else Reason.REFUSED if isinstance(e, RefusedFile) else Reason.UNREADABLE
        fix = ("fill in the template and save it again" if reason is Reason.EMPTY_FILE
               else "open the file in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8")
        return None, [Problem(display, None, None, None, None, None, reason, str(e).split(": ", 1)[-1], fix)]
    chk, where = _Checker(raw, display), {}
    for i, typed in enumerate(raw.headers):
        name = lookup.get(normalise_header(typed)) if typed else None
        if typed and name is None:
            close = difflib.get_close_matches(normalise_header(typed), list(lookup), n=1, cutoff=0.8)
            chk.add(Reason.UNKNOWN_COLUMN, f"column {typed!r} is not part of the template; its values are ignored",
                    (f'did you mean "{lookup[close[0]]}"? ' if close else "") + "rename it to a template column, or delete it",
                    raw.header_row, i, typed)
        elif name in where:
            chk.add(Reason.DUPLICATE_COLUMN, f"column {typed!r} is the same column as {raw.headers[where[name]]!r} "
                    f"({column_letter(where[name])})", "keep one of the two columns and delete the other", raw.header_row, i, typed)
        elif name:
            where[name] = i
    if len(where) < 2:
        chk.problems = []  # one clear verdict instead of a warning per foreign column
        chk.add(Reason.WRONG_TEMPLATE, f"no column of the template was found (header row {raw.header_row})",
                "use the template's columns: " + ", ".join(c.name for c in cols if c.required), raw.header_row, None)
        return None, chk.problems
    for col in cols:
        if col.required and col.name not in where:
            chk.add(Reason.MISSING_COLUMN, f"required column {col.name!r} is missing",
                    f"add a column headed {col.name!r}: {col.help}", raw.header_row, None, column=col.name)
    for row, i, value in raw.overflow or []:
        chk.add(Reason.EXTRA_CELLS, "this row has more values than there are column headers",
                "give the column a header, or quote a value that holds a comma or semicolon", row, i, value, column="(no header)")
    if not raw.rows:
        chk.add(Reason.NO_DATA_ROWS, "the file has a header but no data rows", "add the data rows under the header", raw.header_row, None)
    return (chk, where), chk.problems


def _cells(chk, where: dict[str, int], cols: tuple[Column, ...]):
    """Typed columns (numbers, stripped text, ISO dates) and a report(mask, column, ...) that files one problem per flagged row."""
    raw = chk.raw
    frame = pd.DataFrame(raw.rows, dtype=object) if raw.rows else pd.DataFrame(columns=range(len(raw.headers)), dtype=object)
    rownum = np.asarray(raw.row_numbers, dtype=int)

    def report(mask, name, reason, message, fix):
        for pos in np.flatnonzero(np.asarray(mask)):
            v = frame.iat[pos, where[name]]
            chk.add(reason, message(v, pos) if callable(message) else message, fix(v, pos) if callable(fix) else fix,
                    int(rownum[pos]), where[name], v)

    data = {}
    for col in (c for c in cols if c.name in where):
        series = frame[where[col.name]]
        if col.kind == "number":
            numbers, blank, bad = _parse_numbers(series)
            report(bad, col.name, Reason.NOT_A_NUMBER, lambda v, _: f"{_text(v)!r} is not a number", lambda v, _: _number_fix(_text(v)))
            report(numbers < 0, col.name, Reason.NEGATIVE, "people and figures cannot be negative", "enter zero or a positive number")
            data[col.name] = numbers
        else:
            # Excel hands dates over as date objects; a typed date must be exactly YYYY-MM-DD.
            text = series.map(lambda v: v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else _text(v)) if col.kind == "date" else _texts(series)
            blank = text == ""
            if col.kind == "date":
                ok = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").notna()
                report(~blank & ~ok, col.name, ProgressReason.NOT_A_DATE, lambda v, _: f"{_text(v)!r} is not a date",
                       "write the date as YYYY-MM-DD, e.g. 2026-06-30")
            data[col.name] = text
        if col.required:
            report(blank, col.name, Reason.MISSING_VALUE, f"{col.name} is empty", f"enter the {col.help[0].lower() + col.help[1:]}")
    return data, report, rownum


def _closest(value: str, choices, hint: str) -> str:
    m = difflib.get_close_matches(_text(value).upper(), [c.upper() for c in choices], n=1, cutoff=0.6)
    return (f'did you mean "{next(c for c in choices if c.upper() == m[0])}"? ' if m else "") + hint


def _duplicates(data, key, report, rownum, anchor, canonical=()):
    keys = pd.DataFrame({k: data[k] if k in canonical else data[k].str.casefold() for k in key})
    dup = keys.duplicated(keep="first")
    if not dup.any():  # the usual case; finding each repeat's first row is the costly part
        return
    first = keys.reset_index().groupby(key, sort=False)["index"].transform("min")
    report(dup, anchor, Reason.DUPLICATE_ROW,
           lambda v, pos: f"same {', '.join(key)} as row {rownum[first.iat[pos]]}", "merge the two rows into one, or delete the repeat")


def validate_progress(path, plan: Plan, registry: Registry, admin1: dict[str, dict[str, str]] | None = None,
                      display: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one progress file -> (typed rows, every problem). Rows are empty when any error is found: like a
    rejected submission, a rejected progress file is never counted. admin1 is read.read_gazetteer's output."""
    display = display or str(path)
    cols = progress_columns(plan)
    opened, problems = _open(path, plan, cols, display)
    if opened is None:
        return pd.DataFrame(columns=output_columns(plan)), problems
    data, report, rownum = _cells(*opened, cols)
    people = [c for c in data if c == "reached" or c.startswith("reached_")]
    for c in people:
        report(data[c] % 1 > 0, c, Reason.NOT_A_NUMBER, lambda v, _: f"{_text(v)!r} is not a whole number of people",
               "round to a whole number of people")
    if "country" in data:
        data["country"] = data["country"].str.upper()
        report((data["country"] != "") & ~data["country"].isin(plan.country_codes), "country", ProgressReason.UNKNOWN_COUNTRY,
               lambda v, _: f"{_text(v)!r} is not a country of the plan ({', '.join(plan.country_codes)})",
               lambda v, _: _closest(v, plan.country_codes, "use the ISO3 code of a country of the plan"))
    if "sector" in data:
        sector = data["sector"].str.upper().map({s.upper(): s for s in plan.sector_codes})
        report((data["sector"] != "") & sector.isna(), "sector", ProgressReason.UNKNOWN_SECTOR,
               lambda v, _: f"{_text(v)!r} is not a sector of the plan ({', '.join(plan.sector_codes)})",
               lambda v, _: _closest(v, plan.sector_codes, "use the sector's code as in plan.yaml"))
        data["sector"] = sector.fillna(data["sector"])
    if "organisation" in data:
        # Each distinct name is resolved, and suggested for, once: a file repeats a few names thousands of times.
        resolved = data["organisation"].map({s: (registry.resolve(s) if s else "") for s in pd.unique(data["organisation"])})
        suggest = functools.lru_cache(maxsize=None)(registry.suggest)
        report(resolved.isna(), "organisation", Reason.UNKNOWN_ORGANISATION,
               lambda v, _: f"{_text(v)!r} is not in the partner registry (inputs/partners.csv)",
               lambda v, _: (f'did you mean "{s}"? ' if (s := suggest(_text(v))) else "")
               + "use the name or acronym exactly as in partners.csv, or ask the coordinator to register the organisation")
        data["organisation"] = resolved.fillna(data["organisation"])
    if admin1 is not None and "admin1" in data and "country" in data:
        folded = data["admin1"].map({a: _key(a) for a in pd.unique(data["admin1"])})
        canonical = {(c, k): v for c, areas in admin1.items() for k, v in areas.items()}
        found = pd.Series([canonical.get(t) for t in zip(data["country"], folded)], index=folded.index, dtype=object)
        ok = found.notna() | (folded == "") | folded.isin(NATIONAL_AREAS) | ~data["country"].isin(list(admin1))
        report(~ok, "admin1", Reason.UNKNOWN_ADMIN1,
               lambda v, pos: f"{_text(v)!r} is not an admin1 area of {data['country'].iat[pos]} in inputs/gazetteer.csv",
               lambda v, pos: _closest(v, list(admin1[data["country"].iat[pos]].values()),
                                       "use the area's name as in the gazetteer, or 'National' for the whole country"))
        data["admin1"] = found.fillna(data["admin1"])
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
        _duplicates(data, key, report, rownum, "indicator", canonical=("country", "sector", "organisation"))
    problems = opened[0].problems
    if any(p.severity is Severity.ERROR for p in problems) or not len(rownum):
        return pd.DataFrame(columns=output_columns(plan)), problems
    out = {c: data.get(c, np.nan if c.startswith("reached") else "") for c in output_columns(plan)}
    out.update(organisation_type=data["organisation"].map(registry.types), source_file=display,
               source_sheet=opened[0].raw.sheet or "", source_row=rownum)
    return pd.DataFrame(out, index=range(len(rownum)))[output_columns(plan)], problems


def read_key_figures(path, plan: Plan, display: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """figures.csv -> (country, figure, value, as_of, source, source_file, source_row; empty on any error), problems."""
    display = display or str(path)
    columns = [c.name for c in FIGURE_COLUMNS] + ["source_file", "source_row"]
    opened, problems = _open(path, plan, FIGURE_COLUMNS, display)
    if opened is None:
        return pd.DataFrame(columns=columns), problems
    data, report, rownum = _cells(*opened, FIGURE_COLUMNS)
    if "country" in data:
        data["country"] = data["country"].str.upper().replace("REGIONAL", "regional")
        report((data["country"] != "") & ~data["country"].isin([*plan.country_codes, "regional"]), "country",
               ProgressReason.UNKNOWN_COUNTRY, lambda v, _: f"{_text(v)!r} is neither a country of the plan nor 'regional'",
               lambda v, _: _closest(v, [*plan.country_codes, "regional"], "use a plan country's ISO3 code, or 'regional'"))
    if all(k in data for k in ("country", "figure", "as_of")) and len(rownum):
        _duplicates(data, ["country", "figure", "as_of"], report, rownum, "figure")
    problems = opened[0].problems
    if any(p.severity is Severity.ERROR for p in problems) or not len(rownum):
        return pd.DataFrame(columns=columns), problems
    out = pd.DataFrame({**{c.name: data[c.name] for c in FIGURE_COLUMNS}, "source_file": display, "source_row": rownum})
    return out[columns], problems


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


def percent_reached(reached: int, target: int) -> float | None:
    return round(100 * reached / target, 1) if target else None


def progress_figures(plan: Plan, country: str, rows: pd.DataFrame, country_fig: dict) -> dict:
    """Reached against targeted, per sector and for the country, as plain data (JSON-ready). A group's reached is
    None where no row gave it: unknown, not zero."""
    groups = [g.code for g in plan.population_groups]
    rows = rows.reindex(columns=output_columns(plan))
    rows = rows[rows["country"] == country]
    by_sector, total = consolidate_reached(rows, groups)
    targeted = {s["code"]: s["targeted"] for s in country_fig["sectors"]}

    def by_group(part, figures):
        return {g: _people(figures[reached_column(g)]) if part[reached_column(g)].notna().any() else None for g in groups}

    sectors = []
    for s in plan.sectors:
        part = rows[rows["sector"] == s.code]
        figures = by_sector.loc[s.code] if s.code in by_sector.index else pd.Series(0.0, index=by_sector.columns)
        orgs = sorted(part["organisation"].unique().tolist())
        reached, target = _people(figures["reached"]), int(targeted.get(s.code, 0))
        sectors.append({"code": s.code, "name": s.name, "reported": not part.empty, "reached": reached,
                        "reached_by_group": by_group(part, figures), "targeted": target,
                        "percent_reached": percent_reached(reached, target), "organisations": orgs, "partners": len(orgs)})
    reached, target = _people(total["reached"]), int(country_fig["targeted"])
    return {"code": country, "name": plan.country_name(country), "sectors": sectors, "reached": reached,
            "reached_by_group": by_group(rows, total), "targeted": target, "percent_reached": percent_reached(reached, target),
            "partners": int(rows["organisation"].nunique())}
