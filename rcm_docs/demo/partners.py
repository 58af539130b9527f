"""The example's partner registry: real organisations of the R4V RMRP 2023-24 registry, with their type, whether
they are national or international actors (and where national ones work), and the sectors they appeal in.
Every figure attached to them in the example is invented."""
from __future__ import annotations

from dataclasses import dataclass

LOCAL_TYPES = ("NNGO", "Refugee-led organisation", "Civil society")


@dataclass(frozen=True)
class Partner:
    name: str
    acronym: str
    type: str
    sectors: str  # the sector codes it appeals in, most prominent first
    countries: str = ""  # ISO3 codes of a national partner; empty for an international one

    @property
    def scope(self) -> str:
        return "national" if self.countries else "international"

    @property
    def local(self) -> bool:
        return self.scope == "national"

    def works_in(self, country: str) -> bool:
        return not self.countries or country in self.countries.split()

    @property
    def short(self) -> str:
        return self.acronym or self.name


# The default registry (46 partners), UN agencies first: a smaller --partners keeps the leads.
PARTNERS = [
    Partner("United Nations High Commissioner for Refugees", "UNHCR", "UN", "PRO SHE BNE CCS INT EDU CPR WSH HTR"),
    Partner("International Organization for Migration", "IOM", "UN", "HTR SHE INT BNE HEA PRO WSH CCS FSC"),
    Partner("United Nations Children's Fund", "UNICEF", "UN", "EDU WSH CPR NUT PRO HEA BNE"),
    Partner("World Food Programme", "WFP", "UN", "FSC NUT BNE"),
    Partner("Pan American Health Organization / World Health Organization", "PAHO/WHO", "UN", "HEA NUT WSH"),
    Partner("United Nations Population Fund", "UNFPA", "UN", "PRO HEA CPR"),
    Partner("United Nations Development Programme", "UNDP", "UN", "INT"),
    Partner("International Labour Organization", "ILO", "UN", "INT"),
    Partner("United Nations Entity for Gender Equality and the Empowerment of Women", "UN Women", "UN", "PRO INT"),
    Partner("Food and Agriculture Organization of the United Nations", "FAO", "UN", "FSC"),
    Partner("Norwegian Refugee Council", "NRC", "INGO", "PRO EDU SHE BNE WSH"),
    Partner("Danish Refugee Council", "DRC", "INGO", "PRO BNE INT SHE"),
    Partner("Action against Hunger", "ACF", "INGO", "FSC NUT WSH HEA BNE"),
    Partner("CARE", "", "INGO", "PRO BNE FSC INT"),
    Partner("HIAS", "", "INGO", "PRO INT BNE"),
    Partner("International Rescue Committee", "IRC", "INGO", "PRO HEA BNE EDU"),
    Partner("Plan International", "", "INGO", "CPR EDU PRO WSH"),
    Partner("Save the Children International", "Save the Children", "INGO", "EDU CPR NUT BNE"),
    Partner("World Vision International", "World Vision", "INGO", "FSC CPR EDU BNE WSH"),
    Partner("Doctors of the World", "MdM", "INGO", "HEA PRO"),
    Partner("AVSI Foundation", "AVSI", "INGO", "SHE INT EDU"),
    Partner("TECHO", "", "INGO", "SHE WSH"),
    Partner("Jesuit Refugee Service", "JRS", "Faith-based organisation", "PRO INT EDU"),
    Partner("Lutheran World Federation", "LWF", "Faith-based organisation", "PRO FSC WSH"),
    Partner("Caritas Ecuador", "", "Faith-based organisation", "FSC SHE BNE PRO INT", "ECU"),
    Partner("Caritas Peru", "", "Faith-based organisation", "FSC SHE BNE PRO INT", "PER"),
    Partner("Caritas Brazil", "", "Faith-based organisation", "FSC SHE BNE PRO INT", "BRA"),
    Partner("Mision Scalabriniana - Ecuador", "", "Faith-based organisation", "PRO SHE INT", "ECU"),
    Partner("Missão Paz", "", "Faith-based organisation", "SHE INT PRO", "BRA"),
    Partner("Jesuit Migrant Service", "JMS", "Faith-based organisation", "INT PRO", "CHL"),
    Partner("Pastoral of Human Mobility - Peruvian Episcopal Conference", "", "Faith-based organisation",
            "PRO FSC SHE", "PER"),
    Partner("International Federation of Red Cross and Red Crescent Societies", "IFRC", "Red Cross/Red Crescent",
            "HEA WSH BNE"),
    Partner("Red Cross Colombia", "", "Red Cross/Red Crescent", "HEA WSH HTR BNE PRO", "COL"),
    Partner("Red Cross Peru", "", "Red Cross/Red Crescent", "HEA WSH HTR BNE PRO", "PER"),
    Partner("Red Cross Ecuador", "", "Red Cross/Red Crescent", "HEA WSH HTR BNE PRO", "ECU"),
    Partner("Profamilia Association", "Profamilia", "NNGO", "HEA PRO", "COL"),
    Partner("Halü Bienestar Humano Foundation", "HALU", "NNGO", "HEA PRO", "COL"),
    Partner("Alas de Colibrí Foundation", "", "NNGO", "PRO INT EDU", "ECU"),
    Partner("Diálogo Diverso", "", "NNGO", "PRO INT", "ECU"),
    Partner("CEDRO", "", "NNGO", "HEA PRO", "PER"),
    Partner("ONG Migrantes por el Maule", "", "NNGO", "INT PRO FSC", "CHL"),
    Partner("Asociación Venezuela en Ecuador AC", "", "Refugee-led organisation", "INT PRO FSC EDU", "ECU"),
    Partner("Unión Venezolana en Perú", "", "Refugee-led organisation", "INT PRO FSC", "PER"),
    Partner("Venezolanos en Barranquilla", "", "Refugee-led organisation", "INT PRO FSC EDU", "COL"),
    Partner("Corporación Colectivo Sin Fronteras", "", "Civil society", "EDU CPR PRO", "CHL"),
    Partner("Compassiva", "", "Civil society", "INT PRO EDU", "BRA"),
]

# Registered when --partners asks for more: further real partners, then fictional ones.
MORE_PARTNERS = [
    Partner("Oxfam", "", "INGO", "WSH FSC PRO"),
    Partner("Humanity & Inclusion", "HI", "INGO", "HEA PRO"),
    Partner("Mercy Corps", "", "INGO", "BNE INT"),
    Partner("Adventist Development and Relief Agency", "ADRA", "INGO", "FSC BNE SHE"),
    Partner("ACTED", "", "INGO", "BNE SHE WSH"),
    Partner("COOPI - International Cooperation Foundation", "COOPI", "INGO", "PRO FSC"),
    Partner("INTERSOS", "", "INGO", "PRO HEA"),
    Partner("International Medical Corps", "IMC", "INGO", "HEA NUT"),
    Partner("SOS Children's Villages", "", "INGO", "CPR EDU"),
    Partner("Terre des Hommes Suisse", "", "INGO", "CPR"),
    Partner("Panamerican Development Foundation", "PADF", "INGO", "INT PRO"),
    Partner("United Nations Human Settlements Programme", "UN-Habitat", "UN", "SHE INT"),
    Partner("United Nations Office of the High Commissioner for Human Rights", "OHCHR", "UN", "PRO"),
    Partner("United Nations Office on Drugs and Crime", "UNODC", "UN", "PRO"),
    Partner("Caritas Manaus", "", "Faith-based organisation", "SHE FSC PRO", "BRA"),
    Partner("Center for Migration and Human Rights of the Diocese of Roraima", "CMDH", "Faith-based organisation",
            "PRO SHE", "BRA"),
    Partner("Scalabrini Foundation Chile", "", "Faith-based organisation", "PRO INT SHE", "CHL"),
    Partner("Fundación Colombovenezolana Nueva Ilusión", "", "NNGO", "INT EDU", "COL"),
    Partner("Más Igualdad Perú", "", "NNGO", "PRO HEA", "PER"),
    Partner("Argentine Commission for Refugees and Migrants", "CAREF", "NNGO", "PRO INT", "ARG"),
    Partner("Manos Veneguayas Association", "", "NNGO", "INT PRO", "URY"),
    Partner("Colonia Foundation of Venezuelans in the Dominican Republic", "FUNCOVERD", "Refugee-led organisation",
            "INT PRO", "DOM"),
    Partner("Venex Curacao Foundation", "", "Refugee-led organisation", "PRO BNE", "CUW"),
    Partner("VenAruba Solidaria", "", "Refugee-led organisation", "PRO BNE", "ABW"),
    Partner("Living Water Community", "LWC", "NNGO", "PRO BNE EDU", "TTO"),
    Partner("Fundación Scalabrini Bolivia", "", "Faith-based organisation", "PRO SHE", "BOL"),
]
FICTIONAL_TYPES = ("NNGO", "INGO", "Civil society", "Refugee-led organisation")
FICTIONAL_SECTORS = ("PRO INT EDU", "HEA WSH", "FSC BNE SHE", "CPR NUT HTR CCS")


def registry(size: int, countries: list[str]) -> list[Partner]:
    """The first `size` partners: the default 46, further real ones, then fictional ones (national ones
    spread over the plan's countries)."""
    real = PARTNERS + MORE_PARTNERS
    if size <= len(real):
        return real[:size]
    out = list(real)
    for i in range(len(real) + 1, size + 1):
        kind = FICTIONAL_TYPES[i % len(FICTIONAL_TYPES)]
        where = countries[i % len(countries)] if kind != "INGO" else ""
        out.append(Partner(f"Partner organisation {i}", f"PO{i}", kind, FICTIONAL_SECTORS[i % len(FICTIONAL_SECTORS)], where))
    return out
