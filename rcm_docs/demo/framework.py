"""The example plan's response framework, modelled on R4V's RMRP: sectors, strategic objectives, each
sector's objectives and the strategic objectives they serve, the indicator framework (R4V indicator types:
only Direct Assistance counts people), and who leads each sector."""
from __future__ import annotations

from dataclasses import dataclass

SECTORS = [
    ("PRO", "Protection"), ("EDU", "Education"), ("HEA", "Health"), ("FSC", "Food Security"),
    ("WSH", "Water, Sanitation and Hygiene"), ("SHE", "Shelter"), ("INT", "Integration"),
    ("BNE", "Basic Needs and Multipurpose Cash"), ("NUT", "Nutrition"), ("HTR", "Humanitarian Transportation"),
    ("CCS", "Common Services"), ("CPR", "Child Protection"),
]

GROUPS = [
    {"code": "in_destination", "name": "Refugees and migrants in destination", "kind": "other"},
    {"code": "in_transit", "name": "Refugees and migrants in transit", "kind": "other"},
    {"code": "host_community", "name": "Host community", "host_community": True, "kind": "host_community"},
]
GROUP_CODES = [g["code"] for g in GROUPS]

STRATEGIC = [
    ("SO1", "Emergency response: refugees and migrants in transit and newly arrived in destination have timely "
            "access to life-saving assistance and essential services."),
    ("SO2", "Protection: refugees and migrants can enter, regularise their stay and exercise their rights, with "
            "particular attention to people at heightened risk."),
    ("SO3", "Integration: refugees and migrants in destination become self-reliant and are included in national "
            "systems and local economies, alongside their host communities."),
    ("SO4", "Capacity strengthening: national and local authorities, host communities and local organisations "
            "have the capacities to sustain the response."),
]

# Sector -> [(code, text, strategic objectives served)].
OBJECTIVES = {
    "PRO": [("PRO1", "Refugees and migrants can access territory, asylum procedures, regularisation and documentation", ["SO2"]),
            ("PRO2", "People at heightened risk receive specialised protection services, case management and referral", ["SO1", "SO2"]),
            ("PRO3", "National protection systems and community-based protection networks are strengthened", ["SO2", "SO4"])],
    "EDU": [("EDU1", "Refugee and migrant children and adolescents enrol, stay and learn in formal and non-formal education", ["SO3"]),
            ("EDU2", "Children in transit and newly arrived have safe learning spaces and education supplies", ["SO1"]),
            ("EDU3", "Schools and education authorities are able to include refugee and migrant learners", ["SO4"])],
    "HEA": [("HEA1", "Refugees and migrants in transit and in destination receive primary, mental and sexual and "
                     "reproductive health care", ["SO1"]),
            ("HEA2", "Refugees and migrants are enrolled in national health systems and insurance schemes", ["SO3"]),
            ("HEA3", "Health facilities in host areas have the staff, supplies and equipment to serve the additional "
                     "population", ["SO4"])],
    "FSC": [("FSC1", "Refugees, migrants and host community members facing food insecurity receive food assistance", ["SO1"]),
            ("FSC2", "Households regain food security through productive projects and links to social protection", ["SO3"])],
    "WSH": [("WSH1", "People in transit and in informal settlements have safe water, sanitation and hygiene", ["SO1"]),
            ("WSH2", "Schools, health facilities and shelters meet minimum water, sanitation and hygiene standards", ["SO1", "SO4"])],
    "SHE": [("SHE1", "People in transit and new arrivals have safe temporary shelter and essential household items", ["SO1"]),
            ("SHE2", "Refugees and migrants in destination have access to adequate and secure housing", ["SO3"])],
    "INT": [("INT1", "Refugees and migrants access decent work and income, alongside host community members", ["SO3"]),
            ("INT2", "Xenophobia is reduced and social cohesion strengthened in host communities", ["SO2", "SO3"]),
            ("INT3", "Local authorities and employers are able to include refugees and migrants in economic life", ["SO4"])],
    "BNE": [("BNE1", "Vulnerable refugee and migrant households meet their basic needs through multipurpose cash and "
                     "essential items", ["SO1"]),
            ("BNE2", "Cash assistance is aligned with national social protection and financial inclusion", ["SO3", "SO4"])],
    "NUT": [("NUT1", "Children under five and pregnant and lactating women are screened and treated for malnutrition", ["SO1"]),
            ("NUT2", "Caregivers and health services practise recommended infant and young child feeding", ["SO1", "SO4"])],
    "HTR": [("HTR1", "People in transit move safely and in dignity between border points and reception centres", ["SO1"]),
            ("HTR2", "Refugees and migrants reach family, services or job offers elsewhere in the country", ["SO3"])],
    "CCS": [("CCS1", "Partners plan, monitor and report on a common evidence base", ["SO4"]),
            ("CCS2", "Affected people are informed, consulted and can raise complaints safely", ["SO2"])],
    "CPR": [("CPR1", "Children at risk, including unaccompanied and separated children, receive specialised child "
                     "protection services", ["SO2"]),
            ("CPR2", "Families and communities protect children along the route and in destination", ["SO2", "SO4"])],
}


@dataclass(frozen=True)
class Indicator:
    code: str
    sector: str
    text: str
    type: str  # people (R4V Direct Assistance) or what it counts otherwise
    unit: str
    key: bool
    objectives: tuple[str, ...]
    groups: tuple[float, float, float] = (1.0, 0.4, 0.3)  # chance a row targets each population group
    cva: tuple[float, float, float] = (0.0, 0.0, 0.0)  # share of the budget in cash: low, high, chance of any
    output: tuple[int, int] = (0, 0)  # non-people indicators: the range of a row's output
    unit_cost: float = 0.0  # USD per unit of output
    national: float = 0.04  # chance a row is country-wide

    @property
    def people(self) -> bool:
        return self.type == "people"


def _i(code, sector, text, type_="people", unit="people", key=False, objectives=(), **kw) -> Indicator:
    return Indicator(code, sector, text, type_, unit, key, tuple(objectives), **kw)


INDICATORS = [
    _i("PR1", "PRO", "# of refugees and migrants who received protection-related assistance and specialised services",
       key=True, objectives=("PRO2",), groups=(1, .6, .15), cva=(.1, .3, .25)),
    _i("PR2", "PRO", "# of refugees and migrants supported to access asylum, regularisation and documentation",
       key=True, objectives=("PRO1",), groups=(1, .3, 0)),
    _i("PR3", "PRO", "# of public officials and community leaders trained on international protection and GBV prevention",
       "Capacity Building", "officials", objectives=("PRO3",), output=(15, 180), unit_cost=190, national=.15),
    _i("PR4", "PRO", "# of Support Spaces functioning along the route and in destination", "Mechanism/Advocacy",
       "support spaces", objectives=("PRO2", "PRO3"), output=(1, 6), unit_cost=42_000),
    _i("ED1", "EDU", "# of refugee and migrant children and adolescents enrolled in formal or non-formal education",
       key=True, objectives=("EDU1",), groups=(1, .1, .35)),
    _i("ED2", "EDU", "# of children in transit or newly arrived supported with education supplies or temporary "
       "learning spaces", objectives=("EDU2",), groups=(.6, 1, .2)),
    _i("ED3", "EDU", "# of teachers and education officials trained on inclusive education and psychosocial support",
       "Capacity Building", "teachers", key=True, objectives=("EDU3",), output=(20, 400), unit_cost=230, national=.1),
    _i("ED4", "EDU", "# of schools supported with supplies, rehabilitation or expanded capacity", "Infrastructure",
       "schools", objectives=("EDU3", "EDU1"), output=(2, 25), unit_cost=18_000),
    _i("HE1", "HEA", "# of refugees and migrants receiving primary health care consultations", key=True,
       objectives=("HEA1", "HEA2"), groups=(1, .8, .25)),
    _i("HE2", "HEA", "# of sexual and reproductive health consultations provided, including prenatal care", "Other",
       "consultations", objectives=("HEA1",), output=(500, 30_000), unit_cost=24),
    _i("HE3", "HEA", "# of health facilities supported to care for refugees and migrants", "Infrastructure",
       "facilities", key=True, objectives=("HEA3", "HEA2"), output=(2, 30), unit_cost=36_000),
    _i("HE4", "HEA", "# of health personnel and community health workers trained", "Capacity Building",
       "health workers", objectives=("HEA3",), output=(20, 400), unit_cost=260, national=.1),
    _i("FS1", "FSC", "# of refugees, migrants and host community members receiving food assistance (in kind, cash or "
       "vouchers)", key=True, objectives=("FSC1",), groups=(1, 1, .4), cva=(.3, .9, .7)),
    _i("FS2", "FSC", "# of refugees, migrants and host community members supported with food production or income "
       "projects", objectives=("FSC2",), groups=(1, 0, .6), cva=(.1, .4, .4)),
    _i("FS3", "FSC", "# of community kitchens and food assistance facilities supported", "Infrastructure", "facilities",
       objectives=("FSC1",), output=(2, 40), unit_cost=12_000),
    _i("FS4", "FSC", "# of staff and volunteers of food assistance facilities trained in food safety and nutrition",
       "Capacity Building", "volunteers", objectives=("FSC1", "FSC2"), output=(10, 200), unit_cost=160),
    _i("WA1", "WSH", "# of refugees, migrants and host community members with access to sufficient safe water",
       key=True, objectives=("WSH1",), groups=(.6, 1, .6)),
    _i("WA2", "WSH", "# of refugees and migrants receiving hygiene kits or menstrual hygiene supplies",
       objectives=("WSH1",), groups=(.7, 1, .2)),
    _i("WA3", "WSH", "# of schools, health facilities and shelters with improved water, sanitation and hygiene services",
       "Infrastructure", "facilities", key=True, objectives=("WSH2",), output=(2, 30), unit_cost=26_000),
    _i("WA4", "WSH", "# of hygiene promotion campaigns carried out with communities", "Campaign", "campaigns",
       objectives=("WSH1", "WSH2"), output=(1, 8), unit_cost=12_000, national=.2),
    _i("SH1", "SHE", "# of refugees and migrants hosted in temporary collective shelters", key=True,
       objectives=("SHE1", "SHE2"), groups=(.5, 1, 0)),
    _i("SH2", "SHE", "# of refugees and migrants receiving rental support or housing improvements", key=True,
       objectives=("SHE2",), groups=(1, 0, .2), cva=(.6, .95, .85)),
    _i("SH3", "SHE", "# of essential household item kits distributed", "Other", "kits", objectives=("SHE1",),
       output=(200, 8_000), unit_cost=65),
    _i("SH4", "SHE", "# of collective shelters rehabilitated or expanded to meet minimum standards", "Infrastructure",
       "shelters", objectives=("SHE1",), output=(1, 12), unit_cost=60_000),
    _i("IN1", "INT", "# of refugees, migrants and host community members supported to access or keep a job", key=True,
       objectives=("INT1",), groups=(1, 0, .5)),
    _i("IN2", "INT", "# of refugees, migrants and host community members supported with self-employment or "
       "entrepreneurship", objectives=("INT1",), groups=(1, 0, .5), cva=(.2, .5, .6)),
    _i("IN3", "INT", "# of private-sector employers sensitised on hiring refugees and migrants", "Capacity Building",
       "employers", objectives=("INT3",), output=(10, 150), unit_cost=750),
    _i("IN4", "INT", "# of social cohesion and anti-xenophobia campaigns", "Campaign", "campaigns", key=True,
       objectives=("INT2",), output=(1, 6), unit_cost=20_000, national=.25),
    _i("MC1", "BNE", "# of people receiving multipurpose cash transfers", key=True, objectives=("BNE1",),
       groups=(1, .5, .15), cva=(.82, .94, 1)),
    _i("MC2", "BNE", "# of refugees and migrants receiving essential non-food items", objectives=("BNE1",),
       groups=(.6, 1, .1)),
    _i("MC3", "BNE", "# of joint cash targeting, feedback or referral mechanisms in operation", "Mechanism/Advocacy",
       "mechanisms", objectives=("BNE2",), output=(1, 4), unit_cost=40_000, national=.4),
    _i("NU1", "NUT", "# of children aged 0-59 months screened for acute malnutrition", key=True, objectives=("NUT1",),
       groups=(1, 1, .5)),
    _i("NU2", "NUT", "# of children aged 6-59 months and pregnant and lactating women receiving nutrition supplements",
       objectives=("NUT1",), groups=(1, .8, .3)),
    _i("NU3", "NUT", "# of caregivers of children aged 0-23 months receiving infant and young child feeding counselling",
       objectives=("NUT2",), groups=(1, .6, .3)),
    _i("NU4", "NUT", "# of health and community workers trained to deliver nutrition services", "Capacity Building",
       "health workers", objectives=("NUT2",), output=(15, 250), unit_cost=240),
    _i("HT1", "HTR", "# of refugees and migrants assisted with transport between two points within the country",
       key=True, objectives=("HTR1", "HTR2"), groups=(.3, 1, 0)),
    _i("HT2", "HTR", "# of refugees and migrants receiving local transport assistance to reach services or work",
       objectives=("HTR2",), groups=(1, .3, 0), cva=(.5, .9, .5)),
    _i("HT3", "HTR", "# of drivers, transport operators and officials trained on safe and dignified transport",
       "Capacity Building", "officials", objectives=("HTR1",), output=(10, 120), unit_cost=210),
    _i("CS1", "CCS", "# of joint needs assessments conducted", "Other", "assessments", key=True, objectives=("CCS1",),
       output=(1, 3), unit_cost=45_000, national=.6),
    _i("CS2", "CCS", "# of information management products published", "Other", "products", objectives=("CCS1",),
       output=(4, 24), unit_cost=3_500, national=.5),
    _i("CS3", "CCS", "# of complaint and feedback mechanisms available to affected people", "Mechanism/Advocacy",
       "mechanisms", key=True, objectives=("CCS2",), output=(1, 5), unit_cost=30_000),
    _i("CP1", "CPR", "# of refugee and migrant children and adolescents who received specialised child protection "
       "services", key=True, objectives=("CPR1",), groups=(1, 1, .2)),
    _i("CP2", "CPR", "# of children, adolescents and caregivers receiving community-based psychosocial support",
       objectives=("CPR2",), groups=(1, .7, .4)),
    _i("CP3", "CPR", "# of child protection workers and officials trained", "Capacity Building",
       "child protection workers", objectives=("CPR2",), output=(15, 200), unit_cost=220),
    _i("CP4", "CPR", "# of awareness campaigns on child protection risks along the route", "Campaign", "campaigns",
       objectives=("CPR2",), output=(1, 6), unit_cost=15_000, national=.2),
]
BY_SECTOR: dict[str, list[Indicator]] = {}
for _ind in INDICATORS:
    BY_SECTOR.setdefault(_ind.sector, []).append(_ind)

# Share of each population group in need of a sector (destination, transit, host community), before area jitter.
NEED_SHARE = {"PRO": (.55, .85, .10), "EDU": (.22, .18, .06), "HEA": (.50, .75, .20), "FSC": (.45, .80, .18),
              "WSH": (.25, .70, .15), "SHE": (.35, .80, .08), "INT": (.56, .05, .20), "BNE": (.42, .70, .08),
              "NUT": (.07, .12, .03), "HTR": (.03, .55, 0), "CPR": (.12, .25, .04)}
# Cost of a sector's activities per person targeted (USD over the year).
COST_PER_PERSON = {"PRO": 120, "EDU": 150, "HEA": 110, "FSC": 150, "WSH": 60, "SHE": 220, "INT": 170, "BNE": 160,
                   "NUT": 60, "HTR": 90, "CPR": 120}
# girls, boys, women, men among the people a sector targets.
SEX_AGE = {"EDU": (.47, .45, .05, .03), "NUT": (.38, .37, .25, 0), "CPR": (.42, .38, .12, .08),
           "INT": (.02, .02, .54, .42), "HEA": (.20, .17, .40, .23)}
SEX_AGE_DEFAULT = (.20, .19, .33, .28)

# Sector leads (coordination.csv): the UN lead, a UN co-lead where there is one, and the NGO co-lead per country.
LEADS = {"PRO": ("UNHCR", ""), "EDU": ("UNICEF", ""), "HEA": ("PAHO/WHO", ""), "FSC": ("WFP", "FAO"),
         "WSH": ("UNICEF", ""), "SHE": ("UNHCR", "IOM"), "INT": ("IOM", "UNDP"), "BNE": ("UNHCR", "IOM"),
         "NUT": ("UNICEF", "WFP"), "HTR": ("IOM", ""), "CCS": ("UNHCR", "IOM"), "CPR": ("UNICEF", "")}
# Where the other agency leads: shelter is co-led by UNHCR and IOM, and IOM leads it in some countries.
LEAD_BY_COUNTRY = {("SHE", "PER"): ("IOM", "UNHCR"), ("SHE", "ECU"): ("IOM", "UNHCR"), ("SHE", "CHL"): ("IOM", "UNHCR"),
                   ("BNE", "CHL"): ("IOM", "UNHCR")}
NGO_CO_LEADS = {
    "PRO": {"COL": "NRC", "PER": "HIAS", "ECU": "Mision Scalabriniana - Ecuador", "BRA": "Missão Paz", "CHL": "JMS",
            "PAN": "HIAS"},
    "EDU": {"COL": "NRC", "PER": "Save the Children", "ECU": "Plan International", "BRA": "AVSI",
            "CHL": "Corporación Colectivo Sin Fronteras", "PAN": "Save the Children"},
    "HEA": {"COL": "Profamilia", "PER": "MdM", "ECU": "Red Cross Ecuador", "BRA": "MdM", "CHL": "IRC",
            "PAN": "Red Cross Panama"},
    "FSC": {"COL": "ACF", "PER": "Caritas Peru", "ECU": "World Vision", "BRA": "Caritas Brazil", "CHL": "World Vision",
            "PAN": "World Vision"},
    "WSH": {"COL": "ACF", "PER": "Red Cross Peru", "ECU": "NRC", "BRA": "NRC", "CHL": "TECHO", "PAN": "Red Cross Panama"},
    "SHE": {"COL": "NRC", "PER": "Caritas Peru", "ECU": "HIAS", "BRA": "AVSI", "CHL": "TECHO", "PAN": "NRC"},
    "INT": {"COL": "DRC", "PER": "HIAS", "ECU": "Asociación Venezuela en Ecuador AC", "BRA": "Compassiva",
            "CHL": "ONG Migrantes por el Maule", "PAN": "HIAS"},
    "BNE": {"COL": "DRC", "PER": "CARE", "ECU": "World Vision", "BRA": "Caritas Brazil", "CHL": "World Vision",
            "PAN": "NRC"},
    "NUT": {"COL": "ACF", "PER": "ACF", "ECU": "ACF", "BRA": "ACF", "CHL": "World Vision"},
    "HTR": {"COL": "Red Cross Colombia", "PER": "Red Cross Peru", "ECU": "Red Cross Ecuador", "BRA": "IFRC", "CHL": "IFRC"},
    "CCS": {"COL": "NRC", "PER": "CARE", "ECU": "HIAS", "BRA": "AVSI", "CHL": "World Vision"},
    "CPR": {"COL": "Save the Children", "PER": "Plan International", "ECU": "Plan International",
            "BRA": "Plan International", "CHL": "World Vision"},
}
