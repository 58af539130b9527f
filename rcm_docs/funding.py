"""Contributions received (inputs/funding/*.csv|xlsx): validated like submissions, added up per
country, sector and organisation type, and set against the requirements."""
from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from .contract import Reason, normalise_header
from .plan import Plan
from .read import EmptyFile, ReadError, RefusedFile, read_submission
from .validate import Problem, Registry, Result, _parse_numbers, _texts

COLUMNS = {"donor": True, "organisation": True, "country": True, "sector": False, "amount_usd": True,
           "date": False, "status": True}
STATUSES = ("pledged", "committed", "paid")
COUNTED = ("committed", "paid")  # a pledge is not money in hand


def validate_funding(path, plan: Plan, registry: Registry, display: str) -> Result:
    """Every problem of one funding file, in the submitter's coordinates; typed rows when clean."""
    known = {normalise_header(c) for c in COLUMNS}
    try:
        raw = read_submission(path, known, plan.max_file_bytes)
    except ReadError as e:
        reason = Reason.EMPTY_FILE if isinstance(e, EmptyFile) else Reason.REFUSED if isinstance(e, RefusedFile) else Reason.UNREADABLE
        return Result(display, "", "funding", pd.DataFrame(), [Problem(display, None, None, None, None, None, reason,
                      str(e).split(": ", 1)[-1], "save it as .xlsx or CSV UTF-8 with the funding columns")], 0)
    problems: list[Problem] = []
    where = {}
    for i, h in enumerate(raw.headers):
        name = normalise_header(h)
        if name in {normalise_header(c): c for c in COLUMNS}:
            where.setdefault({normalise_header(c): c for c in COLUMNS}[name], i)
    for col, required in COLUMNS.items():
        if required and col not in where:
            problems.append(Problem(display, raw.sheet, raw.header_row, col, None, None, Reason.MISSING_COLUMN,
                                    f"required column {col!r} is missing", f"add a column headed {col!r}"))
    if problems:
        return Result(display, "", "funding", pd.DataFrame(), problems, len(raw.rows))
    frame = pd.DataFrame(raw.rows, dtype=object)
    rownum = np.asarray(raw.row_numbers)

    def report(mask, col, reason, message, fix):
        for pos in np.flatnonzero(np.asarray(mask)):
            v = frame.iat[pos, where[col]]
            problems.append(Problem(display, raw.sheet, int(rownum[pos]), raw.headers[where[col]],
                                    raw.cell_ref(int(rownum[pos]), where[col]), str(v), reason,
                                    message(v) if callable(message) else message, fix(v) if callable(fix) else fix, where[col]))

    text = {c: _texts(frame[where[c]]) for c in COLUMNS if c in where and c != "amount_usd"}
    amount, blank, bad = _parse_numbers(frame[where["amount_usd"]])
    report(bad, "amount_usd", Reason.NOT_A_NUMBER, lambda v: f"{v!r} is not a number", "enter the amount in USD as a plain number")
    report(blank, "amount_usd", Reason.MISSING_VALUE, "the contribution has no amount", "enter the amount in USD")
    report(amount < 0, "amount_usd", Reason.NEGATIVE, "a contribution cannot be negative",
           "record refunds or cancellations by correcting the original row")
    for col in ("donor", "organisation", "country", "status"):
        report(text[col] == "", col, Reason.MISSING_VALUE, f"{col} is empty", f"enter the {col}")
    org = text["organisation"].map(lambda s: registry.resolve(s) if s else "")
    report(org.isna(), "organisation", Reason.UNKNOWN_ORGANISATION,
           lambda v: f"{v!r} (the recipient) is not in the partner registry",
           lambda v: (f'did you mean "{s}"? ' if (s := registry.suggest(str(v))) else "") + "use the name or acronym as in partners.csv")
    country = text["country"].str.upper().where(text["country"].str.lower() != "regional", "regional")
    report((text["country"] != "") & ~country.isin(plan.country_codes + ["regional"]), "country", Reason.COUNTRY_MISMATCH,
           lambda v: f"{v!r} is not a country of the plan", f"use an ISO3 code of the plan ({', '.join(plan.country_codes)}) or 'regional'")
    sector = text.get("sector", pd.Series("", index=frame.index))
    canonical = {s.casefold(): s for s in plan.sector_codes}
    if "sector" in where:
        report((sector != "") & ~sector.str.casefold().isin(canonical), "sector", Reason.SECTOR_MISMATCH,
               lambda v: f"{v!r} is not a sector code of the plan",
               f"use a sector code ({', '.join(plan.sector_codes)}), or leave it empty for unearmarked funding")
    status = text["status"].str.lower()
    report((status != "") & ~status.isin(STATUSES), "status", Reason.MISSING_VALUE,
           lambda v: f"{v!r} is not a funding status",
           lambda v: (f'did you mean "{m[0]}"? ' if (m := difflib.get_close_matches(str(v).lower(), STATUSES, n=1)) else "")
           + "use pledged, committed or paid")
    if "date" in where:
        dates = pd.to_datetime(text["date"], errors="coerce", format="ISO8601")
        report((text["date"] != "") & dates.isna(), "date", Reason.NOT_A_NUMBER, lambda v: f"{v!r} is not a date",
               "write the date as YYYY-MM-DD")
    if any(p.severity.value == "error" for p in problems):
        return Result(display, "", "funding", pd.DataFrame(), problems, len(raw.rows))
    rows = pd.DataFrame({
        "donor": text["donor"], "organisation": org, "organisation_type": org.map(registry.types),
        "country": country, "sector": sector.str.casefold().map(canonical).fillna(""), "amount_usd": amount,
        "status": status, "date": text.get("date", ""), "source_file": display, "source_row": rownum})
    return Result(display, "", "funding", rows, problems, len(raw.rows))


def funding_figures(plan: Plan, rows: pd.DataFrame, requirements: dict[str, dict]) -> dict[str, dict]:
    """Per country and regional: funded (committed and paid), pledged, by sector and organisation type,
    % funded and gap against that document's requirements. requirements: {doc: figures dict}."""
    if rows.empty:
        rows = pd.DataFrame(columns=["country", "sector", "organisation_type", "amount_usd", "status", "donor"])
    counted = rows[rows["status"].isin(COUNTED)]
    out = {}
    for doc, fig in requirements.items():
        part = counted if doc == "regional" else counted[counted["country"] == doc]
        pledged = rows[(rows["status"] == "pledged") & ((rows["country"] == doc) | (doc == "regional"))]
        funded = round(float(part["amount_usd"].sum()), 2)
        by_sector = []
        for s in fig["sectors"]:
            got = round(float(part.loc[part["sector"] == s["code"], "amount_usd"].sum()), 2)
            by_sector.append({"code": s["code"], "name": s["name"], "requirements": s["requirements"], "funded": got,
                              "percent": got / s["requirements"] if s["requirements"] else None,
                              "gap": max(s["requirements"] - got, 0.0)})
        unearmarked = round(float(part.loc[part["sector"] == "", "amount_usd"].sum()), 2)
        types = part.groupby("organisation_type")["amount_usd"].sum().sort_index()
        donors = part.groupby("donor")["amount_usd"].sum().sort_values(ascending=False, kind="stable")
        out[doc] = {
            "requirements": fig["requirements"], "funded": funded, "pledged": round(float(pledged["amount_usd"].sum()), 2),
            "percent": funded / fig["requirements"] if fig["requirements"] else None,
            "gap": max(round(fig["requirements"] - funded, 2), 0.0),
            "by_sector": by_sector, "unearmarked": unearmarked,
            "by_org_type": [{"type": t, "funded": round(float(v), 2)} for t, v in types.items()],
            "donors": [{"donor": d, "funded": round(float(v), 2)} for d, v in donors.items()],
            "regional_only": round(float(counted.loc[counted["country"] == "regional", "amount_usd"].sum()), 2)
            if doc == "regional" else 0.0,
        }
    return out
