"""Contributions received (inputs/funding/*.csv|xlsx): validated like submissions, added up per
country, sector and organisation type, and set against the requirements."""
from __future__ import annotations

import pandas as pd

from ..common.plan import Plan
from .consolidate import as_money

COUNTED = ("committed", "paid")  # a pledge is not money in hand


def month_ends(plan: Plan, until) -> list[str]:
    """The last day of every month of the plan's period up to `until` (YYYY-MM-DD), in order."""
    import calendar

    out, y, m = [], plan.start.year, plan.start.month
    while (y, m) <= (plan.end.year, plan.end.month):
        end = f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
        if end[:7] > str(until)[:7]:
            break
        out.append(end)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def funding_trend(plan: Plan, part: pd.DataFrame, until) -> list[dict]:
    """Funding received by the end of each month of the plan up to `until`: one point per month, none skipped.
    A contribution without a date counts from the start, as it does in every total."""
    dates = part["date"].fillna("").str[:10] if "date" in part else pd.Series("", index=part.index)
    return [{"month": end[:7], "funded": as_money(part.loc[(dates == "") | (dates <= end), "amount_usd"].sum())}
            for end in month_ends(plan, until)]


def _by_country(plan: Plan, fig: dict, counted: pd.DataFrame) -> list[dict]:
    """The regional update's table by country, with funding to regional activities as its own row: it adds up."""
    out = []
    for c in fig.get("countries", []):
        got = as_money(counted.loc[counted["country"] == c["code"], "amount_usd"].sum())
        out.append({"code": c["code"], "name": c["name"], "requirements": c["requirements"], "funded": got,
                    "percent": got / c["requirements"] if c["requirements"] else None,
                    "gap": as_money(c["requirements"] - got)})
    return out


def _donor_table(donors: pd.Series, pledges: pd.Series) -> list[dict]:
    """Each donor once, with its funding (committed and paid) and, apart, its pledges: largest funding first,
    then donors that have only pledged, largest pledge first. None where a donor has given nothing of a kind."""
    rows = [{"donor": d, "funded": round(float(v), 2), "pledged": round(float(pledges[d]), 2) if d in pledges else None}
            for d, v in donors.items()]
    rows += [{"donor": d, "funded": None, "pledged": round(float(v), 2)} for d, v in pledges.items() if d not in donors]
    return rows


def _by_org_type(fig: dict, funded: pd.Series) -> list[dict]:
    """Every organisation type with requirements or funding, in the figures' order, then types only funding
    names; funding whose recipient has no type is its own row, so the table adds up to the total funded."""
    required = {t["type"]: t["requirements"] for t in fig.get("org_types", [])}
    got = {str(t): as_money(v) for t, v in funded.items()}
    order = list(required) + sorted(t for t in got if t not in required and t)
    out = []
    for t in order:
        req, f = required.get(t, 0.0), got.get(t, 0.0)
        out.append({"type": t, "requirements": req, "funded": f, "percent": f / req if req else None,
                    "gap": as_money(req - f)})
    if got.get(""):
        out.append({"type": "", "requirements": 0.0, "funded": got[""], "percent": None, "gap": as_money(-got[""])})
    return out


def funding_figures(plan: Plan, rows: pd.DataFrame, requirements: dict[str, dict]) -> dict[str, dict]:
    """Per country and regional: funded (committed and paid), pledged, by sector and organisation type,
    % funded and gap against that document's requirements. requirements: {doc: figures dict}."""
    if rows.empty:
        rows = pd.DataFrame(columns=["country", "sector", "organisation_type", "amount_usd", "status", "donor", "date"])
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
                              "gap": as_money(s["requirements"] - got)})
        unearmarked = round(float(part.loc[part["sector"] == "", "amount_usd"].sum()), 2)
        types = part.groupby("organisation_type")["amount_usd"].sum().sort_index()
        donors = part.groupby("donor")["amount_usd"].sum().sort_values(ascending=False, kind="stable")
        pledges = pledged.groupby("donor")["amount_usd"].sum().sort_values(ascending=False, kind="stable")
        # The latest contribution counted: funding is as of then, not as of the plan's date.
        as_of = max((d[:10] for d in part["date"] if d), default=None) if "date" in part else None
        out[doc] = {
            "requirements": fig["requirements"], "funded": funded, "pledged": round(float(pledged["amount_usd"].sum()), 2),
            "as_of": as_of,
            "percent": funded / fig["requirements"] if fig["requirements"] else None,
            # Not clipped at zero: a sector funded above its requirements shows a negative gap, so that the
            # sectors' gaps, less funding not earmarked to a sector, add up to the total gap.
            "gap": as_money(fig["requirements"] - funded),
            "by_sector": by_sector, "unearmarked": unearmarked,
            "by_org_type": _by_org_type(fig, types),
            "donors": [{"donor": d, "funded": round(float(v), 2)} for d, v in donors.items()],
            "pledges": [{"donor": d, "pledged": round(float(v), 2)} for d, v in pledges.items()],
            "donor_table": _donor_table(donors, pledges),
            "by_country": _by_country(plan, fig, counted) if doc == "regional" else [],
            # to the month of the latest contribution: a month after it would repeat its total as if recorded
            "trend": funding_trend(plan, part, as_of or plan.as_of),
            "regional_only": round(float(counted.loc[counted["country"] == "regional", "amount_usd"].sum()), 2)
            if doc == "regional" else 0.0,
        }
    return out
