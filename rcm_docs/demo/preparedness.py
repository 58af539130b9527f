"""The example's country at risk: Panama preparing for southbound reverse flows, from Costa Rica at Paso Canoas to
the boats leaving Miramar for Colombia. Its risk analysis, preparedness actions and partner capacity come from
rcm_docs/demo/data/preparedness/PAN/, its sector response strategies from texts/preparedness/PAN/, and its
contingency submissions from the rows below. Organisations, institutions and places are real; figures are not."""
from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

from . import files
from .framework import INDICATORS, OBJECTIVES
from .partners import PARTNERS, Partner

PREPARING = "PAN"

# The national partners and authorities of Panama that the inputs name.
NATIONAL = [
    Partner("Red Cross Panama", "", "Red Cross/Red Crescent", "HEA WSH PRO", "PAN"),
    Partner("Caritas Panama", "", "Faith-based organisation", "SHE FSC PRO", "PAN"),
    Partner("Panamanian Association for Family Planning", "APLAFA", "NNGO", "HEA PRO", "PAN"),
    Partner("National Migration Service of Panama", "SNM", "Government", "PRO", "PAN"),
    Partner("Ministry of Social Development of Panama", "MIDES", "Government", "SHE PRO", "PAN"),
    Partner("Ministry of Health of Panama", "MINSA", "Government", "HEA", "PAN"),
]
INTERNATIONAL = ("UNHCR", "IOM", "UNICEF", "WFP", "PAHO/WHO", "UNFPA", "HIAS", "NRC", "Save the Children", "World Vision")

# Contingency submissions: (sector, organisation, objective, indicator, activity, admin1,
#   people in destination, in transit, host community (or an output for an indicator counting something else),
#   budget in USD, share in cash and vouchers).
ROWS = [
    ("PRO", "UNHCR", "PRO2", "PR1", "Protection monitoring, identification and referral of people at heightened risk",
     "Chiriquí", 0, 9000, 0, 420_000, 0),
    ("PRO", "UNHCR", "PRO1", "PR2", "Counselling on asylum, regularisation and return options", "Panamá", 2500, 3000, 0,
     180_000, 0),
    ("PRO", "HIAS", "PRO2", "PR1", "Case management and legal counselling for survivors of violence", "Panamá", 1200, 1500,
     0, 210_000, .2),
    ("PRO", "NRC", "PRO1", "PR2", "Information, counselling and legal assistance in Colón", "Colón", 400, 2500, 0, 150_000, 0),
    ("PRO", "UNICEF", "PRO2", "PR1", "Child protection desks and case management for unaccompanied and separated children",
     "Chiriquí", 0, 2200, 0, 260_000, 0),
    ("PRO", "UNFPA", "PRO2", "PR1", "Safe spaces and response for survivors of gender-based violence", "Colón", 300, 1800, 0,
     140_000, 0),
    ("PRO", "HIAS", "PRO3", "PR3", "Training of border officials and shelter staff on protection", "National", 120, None,
     None, 30_000, 0),
    ("EDU", "Save the Children", "EDU2", "ED2", "Child-friendly spaces and early learning kits", "Chiriquí", 0, 1800, 0,
     70_000, 0),
    ("HEA", "PAHO/WHO", "HEA1", "HE1", "Primary health care and epidemiological surveillance at Paso Canoas", "Chiriquí",
     0, 14000, 2000, 520_000, 0),
    ("HEA", "Red Cross Panama", "HEA1", "HE1", "First aid and psychological first aid along the route", "Colón", 0, 6000, 0,
     160_000, 0),
    ("HEA", "APLAFA", "HEA1", "HE2", "Sexual and reproductive health consultations", "Panamá", 3000, None, None, 75_000, 0),
    ("HEA", "UNFPA", "HEA1", "HE1", "Prenatal care and dignity kits for women in transit", "Panamá", 1500, 2500, 0,
     190_000, 0),
    ("HEA", "PAHO/WHO", "HEA3", "HE3", "Supplies and staff for the health posts of the route", "Chiriquí", 4, None, None,
     140_000, 0),
    ("FSC", "WFP", "FSC1", "FS1", "Food assistance at the border and in shelters", "Chiriquí", 0, 18000, 1500, 1_250_000, .5),
    ("FSC", "WFP", "FSC1", "FS1", "Food vouchers for people waiting for boats", "Colón", 600, 9000, 0, 640_000, .9),
    ("FSC", "Caritas Panama", "FSC1", "FS1", "Hot meals at the parish kitchen and shelter", "Colón", 0, 2500, 0, 90_000, 0),
    ("FSC", "World Vision", "FSC1", "FS1", "Food baskets for host families", "Panamá", 800, 0, 1500, 110_000, .6),
    ("WSH", "UNICEF", "WSH1", "WA1", "Water trucking, storage and latrines at Paso Canoas", "Chiriquí", 0, 12000, 1500,
     380_000, 0),
    ("WSH", "UNICEF", "WSH1", "WA1", "Safe water and sanitation at the Miramar waiting area", "Colón", 0, 6000, 800,
     290_000, 0),
    ("WSH", "Red Cross Panama", "WSH1", "WA2", "Family hygiene kits and menstrual hygiene supplies", "Panamá", 1000, 5000,
     0, 95_000, 0),
    ("WSH", "UNICEF", "WSH1", "WA2", "Hygiene kits for people arriving in Puerto Obaldía", "Guna Yala", 0, 2000, 0, 60_000, 0),
    ("SHE", "UNHCR", "SHE1", "SH1", "Emergency shelter at the Paso Canoas reception site", "Chiriquí", 0, 6000, 0, 690_000, 0),
    ("SHE", "IOM", "SHE1", "SH1", "Collective shelters with the Ministry of Social Development", "Panamá", 800, 4000, 0,
     560_000, 0),
    ("SHE", "Caritas Panama", "SHE1", "SH1", "Places in the parish shelter of Colón", "Colón", 0, 1500, 0, 85_000, 0),
    ("SHE", "UNHCR", "SHE1", "SH1", "Temporary shelter in Puerto Obaldía", "Guna Yala", 0, 500, 0, 80_000, 0),
    ("SHE", "IOM", "SHE1", "SH3", "Essential household item kits", "National", 3000, None, None, 195_000, 0),
    ("BNE", "UNHCR", "BNE1", "MC1", "Multipurpose cash for families who stay in Panama", "Panamá", 3000, 2000, 0, 900_000, .9),
    ("BNE", "IOM", "BNE1", "MC2", "Clothing and essential items for people in transit", "Chiriquí", 0, 7000, 0, 240_000, 0),
    ("BNE", "Save the Children", "BNE1", "MC1", "Cash for families with young children", "Colón", 400, 1200, 0, 200_000, .9),
]
XLSX = ("FSC", "SHE")  # the workbooks among the submissions, as sector leads send them


def partners(registry: list[Partner]) -> list[Partner]:
    """The registry with the partners and authorities the preparedness inputs name (international ones a smaller
    registry left out, then Panama's own)."""
    have = {p.short for p in registry}
    extra = [p for p in PARTNERS if p.short in INTERNATIONAL and p.short not in have]
    return registry + extra + [p for p in NATIONAL if p.short not in have]


def _data(name: str) -> str:
    return resources.files(__package__).joinpath("data", "preparedness", PREPARING, name).read_text(encoding="utf-8")


def _filtered(name: str, sectors: list[str], keep: tuple[str, ...] = ()) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(_data(name))))
    assert {len(r) for r in rows} == {len(rows[0])}, f"{name}: a row with more or fewer cells than the header"
    return [rows[0]] + [r for r in rows[1:] if r[rows[0].index("sector")] in (*sectors, *keep)]


def write(inputs: Path, sector_list: list[tuple[str, str]]) -> None:
    """inputs/preparedness/PAN/: scenario.yaml, actions.csv, capacity.csv, submissions/, narratives/."""
    folder = inputs / "preparedness" / PREPARING
    (folder / "submissions").mkdir(parents=True, exist_ok=True)
    sectors = [s for s, _ in sector_list]
    (folder / "scenario.yaml").write_text(_data("scenario.yaml"), encoding="utf-8")
    for name, keep in (("actions.csv", ("coordination",)), ("capacity.csv", ())):
        header, *body = _filtered(name, sectors, keep)
        files.write_csv(folder / name, header, body)
    names = dict(sector_list)
    indicators = {i.code: i for i in INDICATORS}
    for sector in sectors:
        rows = [_row(r, indicators[r[3]]) for r in ROWS if r[0] == sector]
        if not rows:
            continue
        if sector in XLSX:
            files.write_xlsx(folder / "submissions" / f"{sector}.xlsx", rows,
                             f"{names[sector]} contingency submission - Panama", hxl=True)
        else:
            files.write_dicts(folder / "submissions" / f"{sector}.csv", rows)
    (folder / "narratives").mkdir(exist_ok=True)
    for sector in sectors:
        text = resources.files(__package__).joinpath("texts", "preparedness", PREPARING, f"{sector}.md")
        if text.is_file():
            (folder / "narratives" / f"{sector}.md").write_text(text.read_text(encoding="utf-8"), encoding="utf-8")


def _row(spec: tuple, indicator) -> dict:
    sector, org, objective, _, activity, area, dest, transit, host, budget, cva_share = spec
    text = {code: t for code, t, _ in OBJECTIVES[sector]}[objective]
    people = indicator.people
    cva = int(round(budget * cva_share, -2))
    return {"organisation": org, "objective": text, "activity": activity, "indicator": indicator.text, "admin1": area,
            "budget_usd": budget, "in_kind_usd": budget - cva, "cva_usd": cva,
            "target_in_destination": dest if people else "", "target_in_transit": transit if people else "",
            "target_host_community": host if people else "", "output": "" if people else dest,
            "implementing_partner": "", "description": ""}
