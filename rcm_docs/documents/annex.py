"""A pack's data annex: the tables behind it, as an XLSX a donor or a UNCT analyst can work with."""
from __future__ import annotations

from ..common.plan import Plan


def pack_annex(plan: Plan, fig: dict, funding: dict, sitrep: dict | None, out_xlsx) -> None:
    """The tables behind a pack, as an XLSX a donor or a UNCT analyst can work with."""
    import pandas as pd

    from ..common.sheets import write_xlsx

    progress = {s["code"]: s["reached"] for s in sitrep["progress"]["sectors"]} if sitrep else {}
    funded = {s["code"]: s for s in funding["by_sector"]}
    sectors = pd.DataFrame([{"sector_code": s["code"], "sector": s["name"], "partners": s["partners"],
                             "people_targeted": s["targeted"], "people_reached": progress.get(s["code"]),
                             "requirements_usd": s["requirements"], "funded_usd": funded[s["code"]]["funded"],
                             "gap_usd": funded[s["code"]]["gap"]} for s in fig["sectors"]])
    types = pd.DataFrame([{"organisation_type": t["type"], "partners": t["partners"], "requirements_usd": t["requirements"]}
                          for t in fig["org_types"]])
    partners = pd.DataFrame([{"organisation": p["organisation"], "type": p["type"], "requirements_usd": p["total"],
                              **{f"{k}_usd": v for k, v in p["by_sector"].items()}} for p in fig["partner_annex"]])
    sheets = {"sectors": sectors, "organisation_types": types, "partners": partners}
    if fig.get("countries"):
        sheets["countries"] = pd.DataFrame([{"country_code": c["code"], "country": c["name"], "partners": c["partners"],
                                             "people_targeted": c["targeted"], "requirements_usd": c["requirements"]}
                                            for c in fig["countries"]])
    write_xlsx(sheets, out_xlsx, plan.epoch)
