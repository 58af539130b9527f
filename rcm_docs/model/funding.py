"""Contributions received (inputs/funding/*.csv|xlsx): validated like submissions, added up per
country, sector and organisation type, and set against the requirements."""
from __future__ import annotations


import pandas as pd

from ..common.plan import Plan

COUNTED = ("committed", "paid")  # a pledge is not money in hand


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
            # The latest contribution counted: funding is as of then, not as of the plan's date.
            "as_of": max((d[:10] for d in part["date"] if d), default=None) if "date" in part else None,
            "percent": funded / fig["requirements"] if fig["requirements"] else None,
            "gap": max(round(fig["requirements"] - funded, 2), 0.0),
            "by_sector": by_sector, "unearmarked": unearmarked,
            "by_org_type": [{"type": t, "funded": round(float(v), 2)} for t, v in types.items()],
            "donors": [{"donor": d, "funded": round(float(v), 2)} for d, v in donors.items()],
            "regional_only": round(float(counted.loc[counted["country"] == "regional", "amount_usd"].sum()), 2)
            if doc == "regional" else 0.0,
        }
    return out
