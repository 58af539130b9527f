"""The example's countries: where refugees and migrants from Venezuela live and cross, how many, who
coordinates the response. Names of places, forums and authorities are real; every figure is invented,
kept in the order of magnitude of the R4V platform's public estimates."""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

COUNTRIES = ["COL", "PER", "ECU", "BRA", "CHL", "ARG", "MEX", "PAN", "CRI", "DOM", "BOL", "PRY", "URY", "GUY",
             "TTO", "ABW", "CUW"]

# Areas where the response works: (admin1, share of the people in destination, share of those in transit).
# Names are spelled as in the gazetteer (R4V's admin1 list). Host communities follow the destination shares.
AREAS = {
    "COL": [("Bogotá D.C.", .21, .06), ("Norte de Santander", .13, .34), ("Antioquia", .13, .15),
            ("Atlántico", .10, .02), ("La Guajira", .08, .08), ("Valle del Cauca", .09, .02), ("Arauca", .05, .07),
            ("Nariño", .03, .26)],
    "PER": [("Lima", .64, .15), ("Callao", .05, .01), ("La Libertad", .07, .03), ("Arequipa", .05, .05),
            ("Piura", .05, .05), ("Tumbes", .02, .45), ("Tacna", .02, .26)],
    "ECU": [("Pichincha", .44, .12), ("Guayas", .23, .05), ("Manabi", .08, .01), ("El Oro", .06, .35),
            ("Imbabura", .04, .04), ("Carchi", .02, .41), ("Sucumbios", .02, .02)],
    "BRA": [("Roraima", .19, .70), ("Amazonas", .13, .20), ("São Paulo", .13, .02), ("Paraná", .13, .02),
            ("Santa Catarina", .15, .02), ("Rio Grande do Sul", .09, .02), ("Distrito Federal", .03, .02)],
    "CHL": [("Metropolitana", .62, .05), ("Antofagasta", .09, .08), ("Tarapacá", .08, .50), ("Valparaíso", .08, .02),
            ("Arica y Parinacota", .05, .35)],
    "ARG": [("Ciudad Autonoma de Buenos Aires", .38, .10), ("Buenos Aires", .30, .10), ("Córdoba", .09, .05),
            ("Mendoza", .06, .05), ("Santa Fe", .06, .05), ("Jujuy", .02, .40), ("Salta", .02, .25)],
    "MEX": [("Ciudad de México", .35, .20), ("Nuevo León", .15, .15), ("Jalisco", .12, .05),
            ("Chiapas", .08, .40), ("Baja California", .08, .15), ("Quintana Roo", .10, .05)],
    "PAN": [("Panamá", .66, .20), ("Panamá Oeste", .18, .10), ("Chiriquí", .07, .30), ("Darién", .01, .35),
            ("Colón", .06, .05)],
    "CRI": [("San José", .55, .25), ("Alajuela", .18, .15), ("Heredia", .15, .05), ("Puntarenas", .05, .45),
            ("Limón", .04, .10)],
    "DOM": [("Ozama", .62, .30), ("Cibao Norte", .16, .20), ("Valdesia", .08, .20), ("Yuma", .10, .30)],
    "BOL": [("Santa Cruz", .35, .15), ("La Paz", .30, .30), ("Cochabamba", .20, .15), ("Oruro", .05, .35),
            ("Tarija", .07, .05)],
    "PRY": [("Asunción", .50, .30), ("Central", .35, .30), ("Alto Paraná", .08, .25), ("Itapúa", .05, .15)],
    "URY": [("Montevideo", .65, .40), ("Canelones", .18, .20), ("Maldonado", .08, .10), ("Rivera", .05, .30)],
    "GUY": [("Demerara-Mahaica", .40, .20), ("Barima-Waini", .30, .45), ("Cuyuni-Mazaruni", .15, .20),
            ("Essequibo Islands-West Demerara", .12, .15)],
    "TTO": [("Port of Spain", .25, .20), ("San Juan-Laventille", .20, .10), ("Chaguanas", .15, .10),
            ("San Fernando", .14, .20), ("Siparia", .10, .25), ("Penal-Debe", .10, .15)],
    "ABW": [("Oranjestad", .45, .40), ("Noord", .25, .20), ("San Nicolaas", .15, .25), ("Santa Cruz", .12, .15)],
    "CUW": [("Willemstad", .75, .60), ("Bandabou", .12, .25), ("Bandariba", .10, .15)],
}

# Population planning figures: group -> (current, planned for the end of 2026).
POPULATION = {
    "COL": {"in_destination": (2_810_000, 2_890_000), "in_transit": (420_000, 380_000), "host_community": (1_450_000, 1_450_000)},
    "PER": {"in_destination": (1_560_000, 1_600_000), "in_transit": (95_000, 110_000), "host_community": (620_000, 650_000)},
    "ECU": {"in_destination": (444_000, 460_000), "in_transit": (160_000, 150_000), "host_community": (300_000, 300_000)},
    "BRA": {"in_destination": (590_000, 620_000), "in_transit": (45_000, 50_000), "host_community": (230_000, 240_000)},
    "CHL": {"in_destination": (535_000, 545_000), "in_transit": (38_000, 40_000), "host_community": (190_000, 200_000)},
}
OTHER_DESTINATION = {"ARG": 165_000, "MEX": 115_000, "PAN": 60_000, "CRI": 31_000, "DOM": 115_000, "BOL": 16_000,
                     "PRY": 6_500, "URY": 33_000, "GUY": 22_000, "TTO": 35_000, "ABW": 17_000, "CUW": 14_000}

# Whose figures population.csv quotes, and as of when.
MIGRATION_AUTHORITY = {
    "COL": "Migración Colombia", "PER": "Superintendencia Nacional de Migraciones",
    "ECU": "Ministry of Foreign Affairs and Human Mobility", "BRA": "Federal Police (SISMIGRA) and Operação Acolhida",
    "CHL": "National Migration Service (SERMIG) and National Statistics Institute (INE)",
    "ARG": "Dirección Nacional de Migraciones", "MEX": "Mexican Commission for Refugee Assistance (COMAR)",
    "PAN": "Servicio Nacional de Migración", "CRI": "Dirección General de Migración y Extranjería",
    "DOM": "Dirección General de Migración", "BOL": "Dirección General de Migración",
    "PRY": "Dirección Nacional de Migraciones", "URY": "Dirección Nacional de Migración",
    "GUY": "Ministry of Home Affairs", "TTO": "Ministry of National Security (Immigration Division)",
    "ABW": "Department of Integration, Management and Admission of Foreigners (DIMAS)",
    "CUW": "Ministry of Justice (Admission Organisation)",
}
POPULATION_AS_OF = {"COL": "2025-08-31", "PER": "2025-07-31", "ECU": "2025-08-31", "BRA": "2025-09-30", "CHL": "2025-06-30"}
DEFAULT_AS_OF = "2025-06-30"

# Sub-regional platforms (R4V) for the countries without a national one of their own.
SUBREGION = {"ARG": "Southern Cone", "BOL": "Southern Cone", "PRY": "Southern Cone", "URY": "Southern Cone",
             "MEX": "Central America and Mexico", "PAN": "Central America and Mexico", "CRI": "Central America and Mexico",
             "DOM": "Caribbean", "GUY": "Caribbean", "TTO": "Caribbean", "ABW": "Caribbean", "CUW": "Caribbean"}

# The coordination of a country preparing for an influx, not yet in the response (Panama in the example).
PREPARING_COORDINATION = {"forum": "Working Group for Refugees and Migrants (GTRM Panama)", "co_chairs": ["UNHCR", "IOM"],
                          "government": "National Migration Service and Ministry of Social Development", "rc_unct": True,
                          "hct": False, "hubs": ["Panama City", "David", "Colón"]}

COORDINATION = {
    "COL": {"forum": "Interagency Group on Mixed Migration Flows (GIFMM)",
            "government": "Migración Colombia and the Ministry of Foreign Affairs", "hct": True,
            "hubs": ["Cúcuta", "Riohacha", "Ipiales", "Arauca", "Barranquilla", "Bogotá", "Medellín", "Cali"],
            # Departments where the HRP's response to the armed conflict also operates (real ones, 2025 HRP).
            "idp_response_areas": ["Norte de Santander", "Arauca", "Nariño", "Antioquia", "La Guajira"]},
    "PER": {"forum": "Working Group for Refugees and Migrants (GTRM Peru)",
            "government": "Superintendencia Nacional de Migraciones and the Ministry of Foreign Affairs", "hct": False,
            "hubs": ["Tumbes", "Lima", "Tacna", "Arequipa", "Trujillo"]},
    "ECU": {"forum": "Working Group for Refugees and Migrants (GTRM Ecuador)",
            "government": "Ministry of Foreign Affairs and Human Mobility", "hct": True,
            "hubs": ["Quito", "Guayaquil", "Tulcán", "Huaquillas", "Manta", "Lago Agrio"]},
    "BRA": {"forum": "R4V National Platform in Brazil",
            "government": "Federal Government: Operação Acolhida (Casa Civil) and the Ministry of Justice and Public Security",
            "hct": False, "hubs": ["Boa Vista", "Pacaraima", "Manaus", "Brasília", "São Paulo"]},
    "CHL": {"forum": "R4V National Platform in Chile",
            "government": "National Migration Service (SERMIG) and the Ministry of the Interior", "hct": False,
            "hubs": ["Santiago", "Arica", "Iquique", "Antofagasta"]},
}
# Colombia's Humanitarian Response Plan: the clusters the plan's sectors map to.
HRP_CLUSTERS = {"COL": {"PRO": "Protection", "EDU": "Education", "HEA": "Health", "FSC": "Food Security and Nutrition",
                        "WSH": "Water, Sanitation and Hygiene", "SHE": "Shelter", "INT": "Early Recovery",
                        "NUT": "Food Security and Nutrition", "CPR": "Protection (Child Protection AoR)"}}
REGIONAL = {"forum": "R4V Regional Inter-Agency Coordination Platform", "co_chairs": ["UNHCR", "IOM"],
            "government": "Quito Process (Process of Quito on human mobility of Venezuelan nationals)",
            "hubs": ["Panama City"]}

# Fictional people: names for contacts, never real staff.
CONTACT_NAMES = [
    "Lucía Fernández Ortega", "Andrés Patiño Ruiz", "Mariana Quispe Salas", "Tomás Herrera Vidal",
    "Camila Benítez Rojas", "Daniel Okafor", "Gabriela Moreira Lins", "Rafael Souza Campos", "Valentina Rivas Muñoz",
    "Joaquín Espinoza Lara", "Inés Castillo Paredes", "Martín Arias Cordero", "Sofía Delgado Pinto",
    "Hugo Villalobos Sanz", "Paula Acosta Reyes", "Diego Navarro Ibáñez", "Elena Martins Duarte", "Nicolás Cárdenas Gil",
    "Ana Beatriz Lopes", "Felipe Guerra Ocampo", "Carolina Mejía Ríos", "Sebastián Toro Alzate", "Renata Vieira Costa",
    "Julián Ortiz Montes", "Daniela Fuentes Vera", "Mateo Salazar Peña", "Laura Giménez Sosa", "Pablo Aguirre Molina",
    "Claudia Ramos Ferrer", "Óscar Medina Ponce", "Beatriz Carvalho Nunes", "Rodrigo Ibarra Soto", "Natalia Vega Cruz",
    "Héctor Luna Cabrera",
]


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, list[str]]:
    """ISO3 -> every admin1 area (R4V's list; pycountry's for countries R4V lists as a whole)."""
    out: dict[str, list[str]] = {}
    text = resources.files(__package__).joinpath("data/admin1.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        out.setdefault(row["country"], []).append(row["admin1"])
    return out


@lru_cache(maxsize=1)
def locations() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(ISO3, admin1) -> (code, lon, lat) for the areas a map cannot place by name: Natural Earth spells Aysén
    'Aisén del General Carlos Ibáñez del Campo' (its code says which), and Ñuble (2018) is newer than its points."""
    text = resources.files(__package__).joinpath("data/admin1_locations.csv").read_text(encoding="utf-8")
    return {(r["country"], r["admin1"]): (r["code"], r["lon"], r["lat"]) for r in csv.DictReader(text.splitlines())}


def areas(code: str) -> list[tuple[str, float, float]]:
    """(admin1, destination share, transit share), shares scaled so the listed areas hold 92% of each group."""
    listed = AREAS[code]
    dest, transit = sum(a[1] for a in listed), sum(a[2] for a in listed)
    return [(name, .92 * d / dest, .92 * t / transit) for name, d, t in listed]


def population(code: str) -> dict[str, tuple[int, int]]:
    if code in POPULATION:
        return POPULATION[code]
    dest = OTHER_DESTINATION[code]
    return {"in_destination": (dest, round(dest * 1.04, -2)), "in_transit": (round(dest * .12, -2), round(dest * .11, -2)),
            "host_community": (round(dest * .4, -2), round(dest * .42, -2))}


def coordination(code: str, name: str, sector_codes: list[str]) -> dict:
    """plan.yaml's coordination entry of one country."""
    known = COORDINATION.get(code)
    if known is None:
        platform = SUBREGION[code]
        known = {"forum": f"R4V {platform} Sub-regional Platform ({name} chapter)",
                 "government": MIGRATION_AUTHORITY[code], "hct": False,
                 "hubs": [a[0] for a in AREAS[code][:2]]}
    out = {"forum": known["forum"], "co_chairs": ["UNHCR", "IOM"], "government": known["government"],
           "rc_unct": True, "hct": known["hct"]}
    clusters = {s: c for s, c in HRP_CLUSTERS.get(code, {}).items() if s in sector_codes}
    if clusters:
        out["hrp_clusters"] = clusters
    out["hubs"] = list(known["hubs"])
    if known.get("idp_response_areas"):
        out["idp_response_areas"] = list(known["idp_response_areas"])
    return out


def contacts(codes: list[str], names: dict[str, str]) -> list[dict]:
    """Two fictional contacts for the region and for each country: the platform's coordinator and its IM lead."""
    out, pool = [], iter(CONTACT_NAMES * 3)
    for key in ["regional"] + codes:
        where = "Regional" if key == "regional" else names[key]
        for title, org in (("Inter-agency coordinator", "UNHCR"), ("Information management officer", "IOM")):
            person = next(pool)
            first, last = person.split()[0], person.split()[1]
            email = f"{_ascii(first[0] + '.' + last).lower()}.{key.lower()}@example.org"
            out.append({"name": person, "title": f"{title}, {where}", "organisation": org, "email": email,
                        "country": key})
    return out


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
