"""Contributions received (inputs/funding/*.csv|xlsx): validated like submissions, added up per
country, sector and organisation type, and set against the requirements."""
from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from ...common.plan import Plan
from ..tables.checks import (
    Registry,
    Result,
    cell_texts,
    number_hint,
    open_table,
    read_numbers,
)
from ..tables.contract import FUNDING_COLUMNS, Reason

STATUSES = ("pledged", "committed", "paid")


def validate_funding(path, plan: Plan, registry: Registry, display: str) -> Result:
    """Every problem of one funding file, in the submitter's coordinates; typed rows when clean."""
    opened, problems = open_table(path, FUNDING_COLUMNS, display, plan.max_file_bytes,
                                  "use the funding columns: " + ", ".join(c.name for c in FUNDING_COLUMNS if c.required))
    rows_read = len(opened[0].raw.rows) if opened else 0
    if opened is None or not rows_read or any(p.reason is Reason.MISSING_COLUMN for p in problems):
        return Result(display, "", "funding", pd.DataFrame(), problems, rows_read)
    chk, where = opened
    raw = chk.raw
    frame = pd.DataFrame(raw.rows, dtype=object)
    rownum = np.asarray(raw.row_numbers)

    def report(mask, col, reason, message, fix):
        for pos in np.flatnonzero(np.asarray(mask)):
            v = frame.iat[pos, where[col]]
            chk.add(reason, message(v, pos) if callable(message) else message, fix(v, pos) if callable(fix) else fix,
                    int(rownum[pos]), where[col], v)

    text = {c: cell_texts(frame[where[c]]) for c in where if c != "amount_usd"}
    amount, blank = read_numbers(frame[where["amount_usd"]], "amount_usd", report, number_hint(raw), "USD")
    report(blank, "amount_usd", Reason.MISSING_VALUE, "the contribution has no amount", "enter the amount in USD")
    report(amount < 0, "amount_usd", Reason.NEGATIVE, "a contribution cannot be negative",
           "record refunds or cancellations by correcting the original row")
    for col in ("donor", "organisation", "country", "status"):
        report(text[col] == "", col, Reason.MISSING_VALUE, f"{col} is empty", f"enter the {col}")
    org = text["organisation"].map(lambda s: registry.resolve(s) if s else "")
    report(org.isna(), "organisation", Reason.UNKNOWN_ORGANISATION,
           lambda v, _: f"{v!r} (the recipient) is not in the partner registry",
           lambda v, _: (f'did you mean "{s}"? ' if (s := registry.suggest(str(v))) else "") + "use the name or acronym as in partners.csv")
    country = text["country"].str.upper().where(text["country"].str.lower() != "regional", "regional")
    report((text["country"] != "") & ~country.isin(plan.country_codes + ["regional"]), "country", Reason.COUNTRY_MISMATCH,
           lambda v, _: f"{v!r} is not a country of the plan", f"use an ISO3 code of the plan ({', '.join(plan.country_codes)}) or 'regional'")
    sector = text.get("sector", pd.Series("", index=frame.index))
    canonical = {s.casefold(): s for s in plan.sector_codes}
    if "sector" in where:
        report((sector != "") & ~sector.str.casefold().isin(canonical), "sector", Reason.SECTOR_MISMATCH,
               lambda v, _: f"{v!r} is not a sector code of the plan",
               f"use a sector code ({', '.join(plan.sector_codes)}), or leave it empty for unearmarked funding")
    status = text["status"].str.lower()
    report((status != "") & ~status.isin(STATUSES), "status", Reason.MISSING_VALUE,
           lambda v, _: f"{v!r} is not a funding status",
           lambda v, _: (f'did you mean "{m[0]}"? ' if (m := difflib.get_close_matches(str(v).lower(), STATUSES, n=1)) else "")
           + "use pledged, committed or paid")
    if "date" in where:
        dates = pd.to_datetime(text["date"], errors="coerce", format="ISO8601")
        report((text["date"] != "") & dates.isna(), "date", Reason.NOT_A_NUMBER, lambda v, _: f"{v!r} is not a date",
               "write the date as YYYY-MM-DD")
    if any(p.severity.value == "error" for p in problems):
        return Result(display, "", "funding", pd.DataFrame(), problems, len(raw.rows))
    rows = pd.DataFrame({
        "donor": text["donor"], "organisation": org, "organisation_type": org.map(registry.types),
        "country": country, "sector": sector.str.casefold().map(canonical).fillna(""), "amount_usd": amount,
        "status": status, "date": text.get("date", ""), "source_file": display, "source_row": rownum})
    return Result(display, "", "funding", rows, problems, len(raw.rows))


