"""Writers of the workspace's files: the plan, the registries, the needs and framework tables, and the
submissions themselves (CSV, or an Excel workbook as sector leads fill one in). Same data, same bytes."""
from __future__ import annotations

import csv
from pathlib import Path

import yaml

from . import places
from .framework import GROUPS, INDICATORS, OBJECTIVES, STRATEGIC
from .partners import Partner

XLSX_EPOCH = 1767225600  # 2026-01-01, the workbooks' creation stamp
HXL = {"organisation": "#org+name", "objective": "#sector+objective", "activity": "#activity+name",
       "indicator": "#indicator+name", "admin1": "#adm1+name", "budget_usd": "#value+required+usd",
       "in_kind_usd": "#value+required+inkind+usd", "cva_usd": "#value+required+cva+usd",
       "girls": "#targeted+f+children", "boys": "#targeted+m+children", "women": "#targeted+f+adults",
       "men": "#targeted+m+adults", "output": "#output+num", "implementing_partner": "#org+impl",
       "description": "#activity+description"}


def write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def write_dicts(path: Path, rows: list[dict]) -> None:
    write_csv(path, list(rows[0]), ([r[h] for h in rows[0]] for r in rows))


def write_xlsx(path: Path, rows: list[dict], title: str, hxl: bool) -> None:
    """A filled-in template: instructions sheet, a title above the header, some headers typed as people type
    them, and (in some files) the HXL hashtag row under the header. xlsxwriter stamps its zip entries with a
    fixed date; the core properties get XLSX_EPOCH: same rows, same bytes."""
    import datetime as dt

    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "in_memory": True}
    wb = xlsxwriter.Workbook(str(path), options)
    wb.set_properties({"author": "rcm-docs demo",
                       "created": dt.datetime.fromtimestamp(XLSX_EPOCH, dt.timezone.utc).replace(tzinfo=None)})
    ws = wb.add_worksheet("Instructions")
    ws.write_string(0, 0, "Fill in the Submission sheet: one row per organisation x activity x location.")
    ws.write_string(1, 0, "Indicators and objectives: pick them from the plan's framework (text or code).")
    sub = wb.add_worksheet("Submission")
    sub.write_string(0, 0, title, wb.add_format({"bold": True}))
    headers = list(rows[0])
    sub.write_row(2, 0, [h.replace("_", " ").title() if i % 3 == 0 else h for i, h in enumerate(headers)])
    first = 3
    if hxl:
        sub.write_row(3, 0, [HXL.get(h, "#targeted+" + h.removeprefix("target_")) for h in headers])
        first = 4
    for i, r in enumerate(rows, start=first):
        for j, h in enumerate(headers):
            v = r[h]
            if isinstance(v, str):
                if v:
                    sub.write_string(i, j, v)
            else:
                sub.write_number(i, j, v)
    wb.close()


def plan_yaml(path: Path, codes: list[str], sectors: list[tuple[str, str]], preparing: list[str] = ()) -> None:
    from ..common.plan import country_name

    sector_codes = [s for s, _ in sectors]
    names = {c: country_name(c) for c in [*codes, *preparing]}
    only_preparing = [c for c in preparing if c not in codes]
    plan = {
        "title": "Andean and Southern Cone Regional Refugee and Migrant Response Plan 2026 (example)",
        "short_title": "Regional RMRP 2026 (example)",
        "situation": "Refugees and migrants from Venezuela (fictional figures)",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "as_of": "2026-11-15",
        "currency": "USD",
        "population_label": "refugees and migrants",
        "countries": codes,
        **({"preparedness": list(preparing)} if preparing else {}),
        "sectors": [{"code": c, "name": n, "objectives": [{"code": o, "text": t, "serves": serves}
                                                          for o, t, serves in OBJECTIVES[c]]} for c, n in sectors],
        "population_groups": GROUPS,
        "objectives": [{"code": c, "text": t} for c, t in STRATEGIC],
        "coordination": {"regional": places.REGIONAL}
        | {c: places.coordination(c, names[c], sector_codes) for c in codes}
        | {c: dict(places.PREPARING_COORDINATION) for c in only_preparing},
        "contacts": places.contacts(codes + only_preparing, names),
    }
    header = ("# Plan settings: vocabularies, objectives, coordination. Checked against\n"
              "# rcm_docs/common/schemas/plan.schema.json before any job runs. Figures in this example are fictional;\n"
              "# names of organisations, forums and places are real, names of people are not.\n")
    text = yaml.safe_dump(plan, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(header + text, encoding="utf-8")


def partners_csv(path: Path, partners: list[Partner]) -> None:
    write_csv(path, ["organisation", "acronym", "type", "scope", "countries"],
              ([p.name, p.acronym, p.type, p.scope, p.countries] for p in partners))


def population_csv(path: Path, codes: list[str]) -> None:
    rows = []
    for c in codes:
        pop, authority = places.population(c), places.MIGRATION_AUTHORITY[c]
        as_of = places.POPULATION_AS_OF.get(c, places.DEFAULT_AS_OF)
        forum = places.COORDINATION.get(c, {}).get("forum") or f"R4V {places.SUBREGION.get(c, '')} Sub-regional Platform"
        sources = {"in_destination": f"{authority}, compiled by the {forum}",
                   "in_transit": f"{forum}: entries and exits monitored at border points, projected for 2026",
                   "host_community": "RMNA 2025: host population of the areas where refugees and migrants concentrate"}
        for g in (g["code"] for g in GROUPS):
            rows.append([c, g, *pop[g], sources[g], as_of])
    write_csv(path, ["country", "population_group", "current", "planned", "source", "as_of"], rows)


NEEDS_SOURCE = "RMNA 2025 (Refugee and Migrant Needs Analysis)"
NEEDS_SOURCE_INTERSECTORAL = "RMNA 2025 intersectoral analysis"
NEEDS_AS_OF = "2025-09-30"


def needs_csv(path: Path, codes: list[str], sector_codes: list[str], pin: dict, country_wide: set,
              intersectoral: dict) -> None:
    """Per country, sector, group and area; a sector the analysis gave only country-wide has one row per group
    with admin1 blank; intersectoral rows where the plan states the country's overall figure."""
    rows = []
    for c in codes:
        for (g, value) in intersectoral.get(c, {}).items():
            rows.append([c, "intersectoral", g, "", value, NEEDS_SOURCE_INTERSECTORAL, NEEDS_AS_OF])
        for s in sector_codes:
            for g in (g["code"] for g in GROUPS):
                cells = [(a, pin[(c, s, g, a)]) for a, _, _ in places.areas(c) if (c, s, g, a) in pin]
                if not cells or not sum(v for _, v in cells):
                    continue
                if (c, s) in country_wide:
                    rows.append([c, s, g, "", sum(v for _, v in cells), NEEDS_SOURCE, NEEDS_AS_OF])
                else:
                    rows += [[c, s, g, a, v, NEEDS_SOURCE, NEEDS_AS_OF] for a, v in cells if v]
    write_csv(path, ["country", "sector", "population_group", "admin1", "people_in_need", "source", "as_of"], rows)


def indicators_csv(path: Path, sector_codes: list[str]) -> None:
    write_csv(path, ["code", "sector", "indicator", "type", "unit", "key"],
              ([i.code, i.sector, i.text, i.type, i.unit, "yes" if i.key else ""]
               for i in INDICATORS if i.sector in sector_codes))


def coordination_csv(path: Path, codes: list[str], sector_codes: list[str], partners: list[Partner]) -> None:
    from .rows import sector_leads

    write_csv(path, ["country", "sector", "role", "organisation"],
              ([c, s, role, p.short] for c in codes for s in sector_codes for p, role in sector_leads(s, c, partners)))


def gazetteer_csv(path: Path, codes: list[str]) -> None:
    table, where = places.gazetteer(), places.locations()
    write_csv(path, ["country", "admin1", "code", "lon", "lat"],
              ([c, a, *where.get((c, a), ("", "", ""))] for c in codes for a in table[c]))
