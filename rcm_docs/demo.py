"""Generate a realistic, fictional plan workspace (the example plan, and larger ones for benchmarks)."""
from __future__ import annotations

import random
import textwrap
from pathlib import Path

import openpyxl
import yaml

from .common.plan import country_name

COUNTRIES = ["COL", "PER", "ECU", "BRA", "CHL", "ARG", "MEX", "PAN", "CRI", "DOM", "BOL", "PRY", "URY", "GUY",
             "TTO", "ABW", "CUW"]
ADMIN1 = {
    "COL": ["Antioquia", "Arauca", "Atlántico", "Bogotá D.C.", "La Guajira", "Nariño", "Norte de Santander", "Valle del Cauca"],
    "PER": ["Arequipa", "Callao", "La Libertad", "Lima", "Piura", "Tacna", "Tumbes"],
    "ECU": ["Carchi", "El Oro", "Guayas", "Imbabura", "Manabi", "Pichincha", "Sucumbios"],
    "BRA": ["Amazonas", "Distrito Federal", "Paraná", "Rio de Janeiro", "Roraima", "São Paulo"],
    "CHL": ["Antofagasta", "Arica y Parinacota", "Metropolitana", "Tarapacá", "Valparaíso"],
}
SECTORS = [
    ("PRO", "Protection"), ("EDU", "Education"), ("HEA", "Health"), ("FSC", "Food Security"),
    ("WSH", "Water, Sanitation and Hygiene"), ("SHE", "Shelter"), ("INT", "Livelihoods and Integration"),
    ("BNE", "Basic Needs and Multipurpose Cash"), ("NUT", "Nutrition"), ("HTR", "Humanitarian Transportation"),
    ("CCS", "Common Services"), ("CPR", "Child Protection"),
]
GROUPS = [
    {"code": "in_destination", "name": "Refugees and migrants in destination"},
    {"code": "in_transit", "name": "Refugees and migrants in transit"},
    {"code": "host_community", "name": "Host community", "host_community": True},
]
# Real partner names from the R4V RMRP 2023-24 registry; every figure below is invented.
PARTNERS = [
    ("United Nations High Commissioner for Refugees", "UNHCR", "UN"),
    ("International Organization for Migration", "IOM", "UN"),
    ("United Nations Children's Fund", "UNICEF", "UN"),
    ("World Food Programme", "WFP", "UN"),
    ("Pan American Health Organization / World Health Organization", "PAHO/WHO", "UN"),
    ("United Nations Population Fund", "UNFPA", "UN"),
    ("United Nations Development Programme", "UNDP", "UN"),
    ("International Labour Organization", "ILO", "UN"),
    ("United Nations Entity for Gender Equality and the Empowerment of Women", "UN Women", "UN"),
    ("Food and Agriculture Organization of the United Nations", "FAO", "UN"),
    ("Norwegian Refugee Council", "NRC", "INGO"),
    ("Danish Refugee Council", "DRC", "INGO"),
    ("Action against Hunger", "ACF", "INGO"),
    ("ACTED", "", "INGO"),
    ("CARE", "", "INGO"),
    ("Adventist Development and Relief Agency", "ADRA", "INGO"),
    ("AVSI Foundation", "AVSI", "INGO"),
    ("ChildFund International", "", "INGO"),
    ("Doctors of the World", "MdM", "INGO"),
    ("HIAS", "", "INGO"),
    ("International Rescue Committee", "IRC", "INGO"),
    ("Plan International", "", "INGO"),
    ("Save the Children", "", "INGO"),
    ("World Vision International", "World Vision", "INGO"),
    ("Oxfam", "", "INGO"),
    ("Caritas Ecuador", "", "Faith-based organisation"),
    ("Caritas Peru", "", "Faith-based organisation"),
    ("Caritas Brazil", "", "Faith-based organisation"),
    ("Jesuit Refugee Service", "JRS", "Faith-based organisation"),
    ("Lutheran World Federation", "LWF", "Faith-based organisation"),
    ("Misión Scalabriniana Ecuador", "", "Faith-based organisation"),
    ("Red Cross Colombia", "", "Red Cross/Red Crescent"),
    ("Red Cross Peru", "", "Red Cross/Red Crescent"),
    ("International Federation of Red Cross and Red Crescent Societies", "IFRC", "Red Cross/Red Crescent"),
    ("Acción y Desarrollo", "", "NNGO"),
    ("Alas de Colibrí Foundation", "", "NNGO"),
    ("CEDRO", "", "NNGO"),
    ("Diálogo Diverso", "", "NNGO"),
    ("Equidad Foundation", "", "NNGO"),
    ("Fondo Ecuatoriano Populorum Progressio", "FEPP", "NNGO"),
    ("Asociación Venezuela en Ecuador AC", "", "Refugee-led organisation"),
    ("Unión Venezolana en Perú", "", "Refugee-led organisation"),
    ("Venezolanos en Barranquilla", "", "Refugee-led organisation"),
    ("Corporación Colectivo Sin Fronteras", "", "Civil society"),
    ("Compassiva", "", "Civil society"),
    ("Red de Investigaciones en Derechos Humanos - CONICET", "CONICET", "Academia"),
]
# Where a partner's type does not settle whether it is a national actor (Grand Bargain), its scope does;
# national partners are registered in their own country only.
SCOPE = {"Caritas Ecuador": ("national", "ECU"), "Caritas Peru": ("national", "PER"), "Caritas Brazil": ("national", "BRA"),
         "Misión Scalabriniana Ecuador": ("national", "ECU"), "Red Cross Colombia": ("national", "COL"),
         "Red Cross Peru": ("national", "PER"), "Jesuit Refugee Service": ("international", ""),
         "Lutheran World Federation": ("international", ""),
         "International Federation of Red Cross and Red Crescent Societies": ("international", ""),
         "Red de Investigaciones en Derechos Humanos - CONICET": ("international", "")}
OBJECTIVES = {
    "PRO": ["Ensure access to territory, asylum and documentation", "Strengthen protection monitoring and case management"],
    "EDU": ["Ensure access to inclusive and quality education", "Support host-community schools to absorb new learners"],
    "HEA": ["Ensure access to primary and mental health care", "Strengthen national health services in host areas"],
    "FSC": ["Meet the food needs of the most vulnerable", "Support sustainable access to food"],
    "WSH": ["Ensure access to safe water and sanitation", "Promote hygiene in shelters and communities"],
    "SHE": ["Provide dignified temporary and collective shelter", "Support access to adequate rental housing"],
    "INT": ["Promote access to decent work and income", "Foster social cohesion with host communities"],
    "BNE": ["Cover basic needs through multipurpose cash", "Distribute essential non-food items"],
    "NUT": ["Prevent and treat malnutrition in children and women", "Promote infant and young child feeding"],
    "HTR": ["Provide safe humanitarian transport to people in transit", "Support onward movement to reunify families"],
    "CCS": ["Strengthen coordination and information management", "Ensure accountability to affected people"],
    "CPR": ["Prevent and respond to violence against children", "Ensure care for unaccompanied and separated children"],
}
ACTIVITIES = {
    "PRO": [("Legal counselling and documentation support", "# of people receiving legal assistance"),
            ("Protection monitoring at border points", "# of people reached by protection monitoring"),
            ("GBV case management and psychosocial support", "# of GBV survivors receiving case management")],
    "EDU": [("Enrolment support and school kits", "# of children supported to enrol in formal education"),
            ("Teacher training on inclusive education", "# of teachers trained"),
            ("Accelerated learning programmes", "# of children in non-formal education")],
    "HEA": [("Primary health care consultations", "# of primary health care consultations"),
            ("Mental health and psychosocial support", "# of people receiving MHPSS"),
            ("Sexual and reproductive health services", "# of people receiving SRH services")],
    "FSC": [("In-kind food assistance", "# of people receiving in-kind food assistance"),
            ("Food vouchers", "# of people receiving food vouchers"),
            ("Community kitchens", "# of people supported through community kitchens")],
    "WSH": [("Water trucking and storage", "# of people with access to safe water"),
            ("Hygiene kit distribution", "# of people receiving hygiene kits"),
            ("Sanitation facilities in shelters", "# of people with access to sanitation")],
    "SHE": [("Collective shelter management", "# of people in collective shelters"),
            ("Rental support", "# of people receiving rental support"),
            ("Shelter repair and upgrade", "# of people in repaired shelters")],
    "INT": [("Vocational training and job placement", "# of people trained and placed in jobs"),
            ("Seed capital for micro-enterprises", "# of people receiving seed capital"),
            ("Social cohesion campaigns", "# of people reached by social cohesion activities")],
    "BNE": [("Multipurpose cash transfers", "# of people receiving multipurpose cash"),
            ("Non-food item kits", "# of people receiving NFI kits"),
            ("Winterisation support", "# of people receiving winterisation support")],
    "NUT": [("Screening for acute malnutrition", "# of children screened"), ("Micronutrient supplementation", "# of people receiving supplements"),
            ("Infant feeding counselling", "# of caregivers counselled")],
    "HTR": [("Humanitarian transport", "# of people transported"), ("Family reunification travel", "# of people reunified"),
            ("Transit information points", "# of people informed")],
    "CCS": [("Inter-agency coordination", "# of coordination meetings held"), ("Information management products", "# of products published"),
            ("Feedback and complaints mechanisms", "# of people using feedback channels")],
    "CPR": [("Child-friendly spaces", "# of children in child-friendly spaces"), ("Case management for children at risk", "# of children supported"),
            ("Alternative care", "# of children in alternative care")],
}
CASH_SECTORS = {"BNE", "FSC", "SHE"}
BUDGET_SCALE = {"UN": 900_000, "INGO": 350_000, "Faith-based organisation": 120_000, "Red Cross/Red Crescent": 200_000,
                "NNGO": 70_000, "Refugee-led organisation": 35_000, "Civil society": 40_000, "Academia": 30_000}


def _round(x: float, step: int) -> int:
    return int(round(x / step) * step)


def _admin1(code: str, rng: random.Random) -> list[str]:
    if code in ADMIN1:
        return ADMIN1[code]
    return [f"{country_name(code)} region {i}" for i in range(1, rng.randint(6, 14))]


def _rows_for(country: str, sector: str, partners, areas, rng: random.Random, per_file: int) -> list[dict]:
    rows, seen = [], set()
    k = rng.randint(4, 7)
    # Enough organisations that the requested rows exist as distinct organisation x activity x area.
    k = max(k, -(-per_file * 3 // (2 * 3 * (len(areas) + 1))))
    here = [p for p in partners if SCOPE.get(p[0], ("", ""))[1] in ("", country)]  # national partners work at home
    orgs = rng.sample(here, k=min(len(here), k))
    attempts = 0
    while len(rows) < per_file and attempts < per_file * 20:
        attempts += 1
        org, acronym, kind = rng.choice(orgs)
        activity, indicator = rng.choice(ACTIVITIES[sector])
        area = "National" if rng.random() < 0.04 else rng.choice(areas)
        key = (org, activity, indicator, area)
        if key in seen:
            continue
        seen.add(key)
        budget = _round(BUDGET_SCALE[kind] * rng.uniform(0.15, 1.0), 500)
        cva = _round(budget * rng.uniform(0.3, 0.8), 100) if sector in CASH_SECTORS and rng.random() < 0.7 else 0
        dest = _round(rng.lognormvariate(7.0, 0.9), 10)
        transit = _round(dest * rng.uniform(0, 0.4), 10) if rng.random() < 0.6 else 0
        host = _round(dest * rng.uniform(0, 0.5), 10) if rng.random() < 0.7 else 0
        row = {
            "organisation": acronym if acronym and rng.random() < 0.5 else org,
            "objective": rng.choice(OBJECTIVES[sector]),
            "activity": activity,
            "indicator": indicator,
            "admin1": area,
            "budget_usd": budget,
            "in_kind_usd": budget - cva,
            "cva_usd": cva,
            "target_in_destination": dest,
            "target_in_transit": transit,
            "target_host_community": host,
        }
        if rng.random() < 0.6:
            total = dest + transit + host
            girls = int(total * 0.22)
            boys = int(total * 0.21)
            women = int(total * 0.30)
            row.update(girls=girls, boys=boys, women=women, men=total - girls - boys - women)
        else:
            row.update(girls="", boys="", women="", men="")
        row["implementing_partner"] = ""
        row["description"] = f"{activity} for refugees, migrants and host communities in {area}."
        rows.append(row)
    return rows


def _write_csv(path: Path, rows: list[dict]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _write_xlsx(path: Path, rows: list[dict], title: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Instructions"
    ws["A1"] = "Fill in the Submission sheet: one row per organisation x activity x location."
    sub = wb.create_sheet("Submission")
    sub["A1"] = title
    headers = list(rows[0])
    sub.append([])
    sub.append([h.replace("_", " ").title() if i % 3 == 0 else h for i, h in enumerate(headers)])
    for r in rows:
        sub.append([r[h] if r[h] != "" else None for h in headers])
    wb.properties.creator = "rcm-docs demo"
    wb.save(path)
    from .common.files import normalise_zip

    normalise_zip(path, 1767225600)  # fixed stamp: the same demo arguments give the same bytes


OVERVIEW = """\
Since the start of the crisis, {name} has received a large and sustained flow of refugees and migrants,
many of whom arrive with urgent needs after long journeys. The response led by the Government of {name},
supported by the partners of this plan, focuses on regular status and documentation, access to national
services, and socio-economic inclusion so that refugees and migrants can contribute to the communities
that host them.

Needs remain highest in border areas and in the main cities. Irregular status limits access to formal work,
health care and education; rising rents push families into overcrowded housing; and women, children and
people with specific needs face heightened protection risks, including gender-based violence and trafficking.
"""
SECTOR_NARRATIVE = """\
**Needs.** Refugees, migrants and host communities in {name} face gaps in {topic}. Partners' assessments
point to the highest needs among recently arrived families, people in transit and households headed by women.

**Response priorities.**

- Reach people with the greatest needs first, in the areas with the largest arrivals.
- Work through national systems and local organisations wherever possible.
- Include host communities in every activity, to support social cohesion.
"""
TOPICS = {"PRO": "documentation and protection services", "EDU": "access to school and learning", "HEA": "health care",
          "FSC": "food security", "WSH": "water, sanitation and hygiene", "SHE": "adequate housing",
          "INT": "decent work and income", "BNE": "basic needs", "NUT": "nutrition", "HTR": "safe transport",
          "CCS": "coordination and information", "CPR": "child protection"}


DONORS = ["United States of America", "European Union", "Germany", "Canada", "United Kingdom", "Japan", "Norway",
          "Sweden", "Switzerland", "Central Emergency Response Fund", "Private donors"]


def _funding(inputs: Path, planned: list, rng: random.Random) -> None:
    """Contributions covering roughly a third of the requirements, some earmarked by sector, some pledged only."""
    import csv

    folder = inputs / "funding"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "contributions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["donor", "organisation", "country", "sector", "amount_usd", "date", "status"])
        for country, sector, org, budget in planned:
            if rng.random() < 0.45:
                status = rng.choices(["paid", "committed", "pledged"], [5, 3, 2])[0]
                amount = _round(budget * rng.uniform(0.3, 0.9), 1000) or 1000
                month = rng.randint(1, 10)
                w.writerow([rng.choice(DONORS), org, country, sector if rng.random() < 0.7 else "", amount,
                            f"2026-{month:02d}-{rng.randint(1, 28):02d}", status])
        for org in ("UNHCR", "IOM"):
            w.writerow([rng.choice(DONORS), org, "regional", "", _round(rng.uniform(1e6, 4e6), 1000), "2026-03-01", "paid"])


INCLUSION = """\
Refugees and migrants in {name} have access to public primary health care and to schools on the same terms
as nationals; a regularisation programme opens the way to formal work and social protection. The response
supports the ministries concerned and the Cooperation Framework's commitment to leave no one behind.
"""
SOLUTIONS = """\
Local integration is the main solution pursued in {name}: partners work with municipalities and employers on
access to documentation, recognition of qualifications and decent work, alongside family reunification.
"""
PERIODS = (("2026-06", 0.35), ("2026-09", 0.6))  # reporting period, share of targets reached by then
HIGHLIGHT = """\
- Partners reached {reached} people with {topic} this month, most of them in the border areas.
- Needs keep outpacing the response where new arrivals concentrate; funding shortfalls delay scale-up.
"""


def _sitreps(inputs: Path, activities: list[dict], codes: list[str], sectors, rng: random.Random) -> None:
    """Two monthly periods: partners' progress against their targets, key figures, highlights."""
    import csv

    groups = [g["code"] for g in GROUPS]
    for period, share in PERIODS:
        folder = inputs / "sitreps" / period
        (folder / "progress").mkdir(parents=True, exist_ok=True)
        for c in codes:
            rows = [a for a in activities if a["country"] == c and rng.random() < 0.8]
            with (folder / "progress" / f"{c}.csv").open("w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(["country", "sector", "organisation", "activity", "indicator", "admin1", "reached"]
                           + [f"reached_{g}" for g in groups])
                for a in rows:
                    parts = [int(a[f"target_{g}"] * min(1.1, share * rng.uniform(0.5, 1.5))) for g in groups]
                    by_group = parts if rng.random() < 0.6 else [""] * len(groups)
                    w.writerow([c, a["sector"], a["organisation"], a["activity"], a["indicator"], a["admin1"], sum(parts)]
                               + by_group)
        month_end = f"{period}-30"
        with (folder / "figures.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["country", "figure", "value", "as_of", "source"])
            arrivals_total = 0
            for c in codes:
                arrivals = _round(rng.uniform(2000, 40000), 10)
                arrivals_total += arrivals
                w.writerow([c, "New arrivals in the month", arrivals, month_end, "National migration authority (fictional)"])
            w.writerow(["regional", "New arrivals in the month", arrivals_total, month_end, "Sum of national figures"])
        for c in codes[:2] + ["regional"]:
            (folder / "highlights" / c).mkdir(parents=True, exist_ok=True)
            for code, name in sectors[:3]:
                (folder / "highlights" / c / f"{code}.md").write_text(
                    HIGHLIGHT.format(reached="several thousand", topic=TOPICS[code]), encoding="utf-8")


def generate(root: str | Path, countries: int = 5, sectors: int = 8, partners: int = 46, rows: int = 600,
             seed: int = 2026, xlsx_share: float = 0.35) -> Path:
    """Write a complete workspace under root/inputs; the same arguments give the same files."""
    rng = random.Random(seed)
    root = Path(root)
    inputs = root / "inputs"
    (inputs / "submissions").mkdir(parents=True, exist_ok=True)
    codes = COUNTRIES[:countries]
    sector_list = SECTORS[:sectors]
    partner_list = PARTNERS[:partners] if partners <= len(PARTNERS) else PARTNERS + [
        (f"Partner organisation {i}", f"PO{i}", rng.choice(["NNGO", "INGO", "Civil society", "Refugee-led organisation"]))
        for i in range(len(PARTNERS) + 1, partners + 1)]
    plan = {
        "title": "Andean and Southern Cone Regional Refugee and Migrant Response Plan 2026 (example)",
        "short_title": "Regional RMRP 2026 (example)",
        "situation": "Refugees and migrants from Venezuela (fictional figures)",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "as_of": "2026-11-15",
        "currency": "USD",
        "countries": codes,
        "sectors": [{"code": c, "name": n} for c, n in sector_list],
        "population_groups": GROUPS,
    }
    header = ("# Plan settings: vocabularies and period. Checked against rcm_docs/schemas/plan.schema.json\n"
              "# before any job runs. Figures in this example are fictional.\n")
    (inputs / "plan.yaml").write_text(header + yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with (inputs / "partners.csv").open("w", encoding="utf-8", newline="") as f:
        import csv

        w = csv.writer(f)
        w.writerow(["organisation", "acronym", "type", "scope", "countries"])
        w.writerows([(o, a, t, *SCOPE.get(o, ("national" if t in ("NNGO", "Refugee-led organisation", "Civil society")
                                              else "international", ""))) for o, a, t in partner_list])
    with (inputs / "population.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["country", "population_group", "current", "planned"])
        for c in codes:
            base = rng.randint(80, 2900) * 1000
            for g, share in (("in_destination", 1.0), ("in_transit", 0.08), ("host_community", 0.35)):
                cur = _round(base * share * rng.uniform(0.8, 1.2), 100)
                w.writerow([c, g, cur, _round(cur * rng.uniform(1.02, 1.12), 100)])
    per_file = max(1, rows // (countries * sectors))
    planned = []  # (country, sector, organisation, budget): what donors fund below
    activities = []  # the rows themselves: what partners report progress against
    for c in codes:
        areas = _admin1(c, rng)
        folder = inputs / "submissions" / c
        folder.mkdir(parents=True, exist_ok=True)
        for code, name in sector_list:
            data = _rows_for(c, code, partner_list, areas, rng, per_file)
            planned += [(c, code, r["organisation"], r["budget_usd"]) for r in data]
            activities += [dict(r, country=c, sector=code) for r in data]
            if rng.random() < xlsx_share:
                _write_xlsx(folder / f"{code}.xlsx", data, f"{name} sector submission - {country_name(c)}")
            else:
                _write_csv(folder / f"{code}.csv", data)
        narr = inputs / "narratives" / c
        narr.mkdir(parents=True, exist_ok=True)
        (narr / "overview.md").write_text(OVERVIEW.format(name=country_name(c)), encoding="utf-8")
        for code, name in sector_list:
            if rng.random() < 0.85:
                (narr / f"{code}.md").write_text(SECTOR_NARRATIVE.format(name=country_name(c), topic=TOPICS[code]), encoding="utf-8")
    _funding(inputs, planned, random.Random(seed + 1))
    _sitreps(inputs, activities, codes, sector_list, random.Random(seed + 2))
    for c in codes[:3]:
        (inputs / "narratives" / c / "inclusion.md").write_text(INCLUSION.format(name=country_name(c)), encoding="utf-8")
        (inputs / "narratives" / c / "solutions.md").write_text(SOLUTIONS.format(name=country_name(c)), encoding="utf-8")
    regional = inputs / "narratives" / "regional"
    regional.mkdir(parents=True, exist_ok=True)
    (regional / "overview.md").write_text(textwrap.dedent("""\
        Across the region, host countries continue to lead the response to one of the largest displacement
        situations in the world. Regularisation programmes, access to national health and education systems,
        and labour-market inclusion remain the backbone of the response; partners in this plan complement
        national efforts where needs exceed capacity.

        This plan brings together the requirements of the appealing partners in each country. Its figures are
        computed from the partners' sector submissions; the country chapters that follow give the detail.
        """), encoding="utf-8")
    return root
