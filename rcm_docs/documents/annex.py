"""A pack's data annex: every table of the briefing, as an XLSX a donor or a UNCT analyst can work with.
Each sheet adds up like the document's table: funding not earmarked to a sector or a country is its own row."""
from __future__ import annotations

from ..common.plan import Plan


def _funding_rows(items: list[dict], label: str, code_key: str | None, extra: list[tuple[str, float]]) -> list[dict]:
    out = [{**({f"{label}_code": i[code_key]} if code_key else {}), label: i.get("name", i.get("type")),
            "requirements_usd": i["requirements"], "funded_usd": i["funded"], "percent_funded": i["percent"],
            "gap_usd": i["gap"]} for i in items]
    out += [{label: name, "requirements_usd": 0.0, "funded_usd": amount, "percent_funded": None, "gap_usd": -amount}
            for name, amount in extra if amount]
    return out


def pack_annex(plan: Plan, fig: dict, funding: dict, sitrep: dict | None, out_xlsx) -> None:
    """The tables behind a pack: sectors (needs, targets, reach, funding), funding by country, sector and
    organisation type, donors and pledges, partners, and the areas shared with the IDP response."""
    import pandas as pd

    from ..common.sheets import write_xlsx

    progress = sitrep["progress"] if sitrep else None
    reached = {s["code"]: s["reached"] for s in (progress.get("cumulative") or progress)["sectors"]} if progress else {}
    funded = {s["code"]: s for s in funding["by_sector"]}
    needs = (fig.get("needs") or {}).get("sectors") or {}
    sectors = pd.DataFrame([{"sector_code": s["code"], "sector": s["name"], "partners": s["partners"],
                             "people_in_need": (needs.get(s["code"]) or {}).get("pin"),
                             "people_targeted": s["targeted"], "people_reached_since_start": reached.get(s["code"]),
                             "requirements_usd": s["requirements"], "funded_usd": funded[s["code"]]["funded"],
                             "gap_usd": funded[s["code"]]["gap"]} for s in fig["sectors"]])
    sheets = {"sectors": sectors,
              "funding_by_sector": pd.DataFrame(_funding_rows(funding["by_sector"], "sector", "code",
                                                              [("Not earmarked to a sector", funding["unearmarked"])])),
              "funding_by_org_type": pd.DataFrame(_funding_rows(
                  [{**t, "type": t["type"] or "Recipient type not recorded"} for t in funding["by_org_type"]],
                  "organisation_type", None, []))}
    if funding.get("by_country"):
        sheets["funding_by_country"] = pd.DataFrame(_funding_rows(
            funding["by_country"], "country", "code",
            [("Regional activities, not earmarked to a country", funding.get("regional_only", 0.0))]))
    sheets["donors"] = pd.DataFrame([{"donor": d["donor"], "funded_usd": d["funded"]} for d in funding["donors"]],
                                    columns=["donor", "funded_usd"])
    sheets["pledges"] = pd.DataFrame([{"donor": d["donor"], "pledged_usd": d["pledged"]} for d in funding["pledges"]],
                                     columns=["donor", "pledged_usd"])
    sheets["organisation_types"] = pd.DataFrame([{"organisation_type": t["type"], "partners": t["partners"],
                                                  "requirements_usd": t["requirements"]} for t in fig["org_types"]])
    sheets["partners"] = pd.DataFrame([{"organisation": p["organisation"], "type": p["type"], "requirements_usd": p["total"],
                                        **{f"{k}_usd": v for k, v in p["by_sector"].items()}} for p in fig["partner_annex"]])
    if fig.get("countries"):
        sheets["countries"] = pd.DataFrame([{"country_code": c["code"], "country": c["name"], "partners": c["partners"],
                                             "people_in_need": c.get("pin"), "people_targeted": c["targeted"],
                                             "requirements_usd": c["requirements"]} for c in fig["countries"]])
    if fig.get("idp_areas"):
        sheets["idp_response_areas"] = pd.DataFrame([{"admin1": a["admin1"], "people_targeted": a["targeted"]}
                                                     for a in fig["idp_areas"]])
    write_xlsx(sheets, out_xlsx, plan.epoch)
