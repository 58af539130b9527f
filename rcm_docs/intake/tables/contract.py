"""The submission data contract: columns, header matching, reason codes.

One place defines what a sector submission holds; the reader, the validator and
docs/workspace.md (and docs/preparedness.md) all take it from here.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from enum import Enum

from ...common.plan import Plan

NATIONAL_AREAS = frozenset({"national", "nationwide", "country-wide", "countrywide", "nacional"})


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "text" or "number"
    required: bool
    help: str
    hxl: str
    aliases: tuple[str, ...] = ()


BASE_COLUMNS = (
    Column("organisation", "text", True, "Appealing organisation, as named in partners.csv (name or acronym).", "#org+name", ("organization", "organisation_name", "organization_name", "partner")),
    Column("objective", "text", True, "Sector objective the activity serves.", "#sector+objective"),
    Column("activity", "text", True, "Short title of the activity.", "#activity+name", ("activity_name",)),
    Column("indicator", "text", True, "Indicator the targets count against.", "#indicator+name"),
    Column("admin1", "text", True, "First-level administrative area, or 'National' for country-wide activities.", "#adm1+name", ("location", "region", "department", "province")),
    Column("budget_usd", "number", True, "Total requirement of the activity in USD (in-kind plus cash and voucher assistance).", "#value+required+usd", ("budget", "total_budget_usd", "requirement_usd", "requirements_usd")),
    Column("in_kind_usd", "number", False, "In-kind and programme costs in USD.", "#value+required+inkind+usd"),
    Column("cva_usd", "number", False, "Cash and voucher assistance in USD; part of budget_usd.", "#value+required+cva+usd", ("cash_usd", "cva")),
    Column("girls", "number", False, "People targeted: girls (under 18).", "#targeted+f+children"),
    Column("boys", "number", False, "People targeted: boys (under 18).", "#targeted+m+children"),
    Column("women", "number", False, "People targeted: women (18 and over).", "#targeted+f+adults"),
    Column("men", "number", False, "People targeted: men (18 and over).", "#targeted+m+adults"),
    Column("output", "number", False, "Target of an indicator that does not count people, in the indicator's unit.", "#output+num",
           ("total_output", "output_target")),
    Column("implementing_partner", "text", False, "Implementing partner, where another organisation delivers.", "#org+impl"),
    Column("description", "text", False, "Description of the activity.", "#activity+description"),
    Column("country", "text", False, "ISO3 code of the country; must match the folder the file is in.", "#country+code"),
    Column("sector", "text", False, "Sector code; must match the file name.", "#sector+code"),
)
SEX_AGE = ("girls", "boys", "women", "men")


def target_column(group_code: str) -> str:
    return f"target_{group_code}"


def columns_for(plan: Plan) -> tuple[Column, ...]:
    """The full column list for a plan: base columns plus one target column per population group."""
    targets = tuple(
        Column(target_column(g.code), "number", True, f"People targeted: {g.name}.", f"#targeted+{g.code}")
        for g in plan.population_groups
    )
    base = list(BASE_COLUMNS)
    return tuple(base[:6] + list(targets) + base[6:])


# Progress reports (inputs/sitreps/<period>/progress/*): people reached per row.
_BASE = {c.name: c for c in BASE_COLUMNS}


def reached_column(group_code: str) -> str:
    return f"reached_{group_code}"


def progress_columns(plan: Plan) -> tuple[Column, ...]:
    return (
        Column("country", "text", True, "ISO3 code of a country of the plan.", "#country+code"),
        Column("sector", "text", True, "Sector code, as in the plan.", "#sector+code"),
        _BASE["organisation"], _BASE["indicator"], _BASE["admin1"],
        Column("reached", "number", True, "People reached, all population groups.", "#reached"),
        *(Column(reached_column(g.code), "number", False, f"People reached: {g.name}.", f"#reached+{g.code}")
          for g in plan.population_groups),
        dataclasses.replace(_BASE["activity"], required=False),
    )


FIGURE_COLUMNS = (
    Column("country", "text", True, "ISO3 code of a country of the plan, or 'regional'.", "#country+code"),
    Column("figure", "text", True, "What the figure counts, e.g. 'New arrivals'.", "#indicator+name"),
    Column("value", "number", True, "The figure.", "#indicator+value+num"),
    Column("as_of", "date", True, "Date the figure refers to, as YYYY-MM-DD.", "#date"),
    Column("source", "text", True, "Where the figure comes from.", "#meta+source"),
)


# Contributions (inputs/funding/*): one row per contribution.
FUNDING_COLUMNS = (
    Column("donor", "text", True, "Donor, as it wishes to be acknowledged.", "#org+donor"),
    Column("organisation", "text", True, "Recipient organisation, as named in partners.csv (name or acronym).", "#org+name"),
    Column("country", "text", True, "ISO3 code of a country of the plan, or 'regional'.", "#country+code"),
    Column("sector", "text", False, "Sector code, or empty for funding not earmarked to a sector.", "#sector+code"),
    Column("amount_usd", "number", True, "Amount in USD.", "#value+funding+usd"),
    Column("date", "text", False, "Date of the contribution, as YYYY-MM-DD.", "#date"),
    Column("status", "text", True, "pledged, committed or paid.", "#status"),
)


# Preparedness (inputs/preparedness/<ISO3>/): the preparedness actions and the partners' capacity.
ACTION_KINDS = {"minimum": ("minimum", "mpa", "minimum preparedness action"),
                "advanced": ("advanced", "apa", "advanced preparedness action")}
ACTION_STATUSES = ("not started", "in progress", "done")
COORDINATION = "coordination"  # an action's sector when it serves every sector (coordination, the risk analysis)

ACTION_COLUMNS = (
    Column("action", "text", True, "The preparedness action, as the plan words it.", "#activity+name",
           ("preparedness_action", "activity")),
    Column("kind", "text", True, "minimum (a minimum preparedness action) or advanced (for a high risk).", "#activity+type",
           ("type", "action_type")),
    Column("sector", "text", True, "Sector code of the plan, or 'coordination' for an action serving every sector.",
           "#sector+code"),
    Column("responsible", "text", True, "Organisation responsible, as named in partners.csv (name or acronym).", "#org+name",
           ("organisation", "organization", "responsible_organisation", "lead")),
    Column("deadline", "date", True, "Date the action is due, as YYYY-MM-DD.", "#date+deadline", ("due", "due_date")),
    Column("status", "text", True, "not started, in progress or done.", "#status"),
    Column("note", "text", False, "Progress, obstacles, what the action still needs.", "#meta+note", ("notes", "comment", "comments")),
)


@dataclass(frozen=True)
class Unit:
    """A unit partners map capacity in. people: the people one unit serves, by a stated standard; None for a
    unit that does not serve people by itself (staff, service points, vehicles), listed but never compared."""
    name: str
    people: float | None
    meaning: str
    aliases: tuple[str, ...] = ()


CAPACITY_UNITS = (
    Unit("people", 1, "people the partner can serve: one person each", ("persons", "people served", "individuals")),
    Unit("shelter spaces", 1, "places in collective shelters or reception centres: one person each",
         ("shelter places", "beds", "places")),
    Unit("tents/shelter kits", 5, "family tents or emergency shelter kits: one household of five each (Sphere's "
         "planning household)", ("tents", "shelter kits", "tent", "shelter kit", "tents and shelter kits")),
    Unit("hygiene kits", 5, "family hygiene kits: one household of five for a month", ("hygiene kit",)),
    Unit("food rations (person-months)", 1, "a month of food for one person: one person for the response's first month",
         ("food rations", "rations", "person-months", "person months")),
    Unit("m3 water/day", 1000 / 15, "safe water a day: one cubic metre serves 66 people at Sphere's 15 litres a person "
         "a day", ("m3/day", "m3 water per day", "m3 of water per day", "cubic metres of water per day")),
    Unit("staff", None, "staff who can be deployed; listed, not compared with people", ("personnel", "staff members")),
    Unit("service points", None, "places where a service is delivered (help desks, health posts, water points); "
         "listed, not compared with people", ("service point", "points of service")),
    Unit("vehicles", None, "vehicles or boats for people or goods; listed, not compared with people", ("vehicle", "boats")),
)

CAPACITY_COLUMNS = (
    dataclasses.replace(_BASE["organisation"], help="Organisation that holds the capacity, as named in partners.csv "
                        "(name or acronym)."),
    Column("sector", "text", True, "Sector code of the plan.", "#sector+code"),
    Column("admin1", "text", True, "Area where the capacity is, as in the gazetteer, or 'National' for capacity that "
           "can go anywhere in the country.", "#adm1+name", ("location", "area", "region", "department", "province")),
    Column("capacity", "text", True, "What the capacity is: a stock, a team, a facility, a service.", "#capacity+name",
           ("description", "item")),
    Column("quantity", "decimal", True, "How much, in the unit.", "#capacity+num", ("amount", "number")),
    Column("unit", "text", True, "One of the capacity units: " + ", ".join(u.name for u in CAPACITY_UNITS) + ".",
           "#capacity+unit"),
    Column("days_to_deploy", "number", True, "Days from the decision to respond until the capacity is in place.",
           "#capacity+days", ("days", "deployment_days", "days_to_deployment")),
)


def capacity_unit(text: str) -> Unit | None:
    """A unit as typed ('Tents', 'm3/day', 'Food rations') -> its Unit, None when it is not one of ours."""
    key = " ".join(str(text).split()).casefold()
    for u in CAPACITY_UNITS:
        if key == u.name.casefold() or key in (a.casefold() for a in u.aliases):
            return u
    return None


def normalise_header(text: object) -> str:
    """'Budget USD ', 'budget_usd', 'Admin 1' -> 'budgetusd', 'admin1': headers match whatever the
    case, spaces, underscores or hyphens the submitter typed."""
    return re.sub(r"[\s_\-./()]+", "", str(text if text is not None else "").lower())


def header_lookup(columns: tuple[Column, ...]) -> dict[str, str]:
    """Normalised header or alias -> contract column name."""
    out = {}
    for col in columns:
        out[normalise_header(col.name)] = col.name
        for alias in col.aliases:
            out[normalise_header(alias)] = col.name
    return out


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Reason(str, Enum):
    """Closed set of reasons a submission is questioned; each has a category, severity and fix."""

    UNREADABLE = "unreadable"
    REFUSED = "refused-file"
    WRONG_TEMPLATE = "wrong-template"
    EMPTY_FILE = "empty-file"
    NO_DATA_ROWS = "no-data-rows"
    MISSING_COLUMN = "missing-column"
    DUPLICATE_COLUMN = "duplicate-column"
    UNKNOWN_COLUMN = "unknown-column"
    EXTRA_CELLS = "extra-cells"
    UNKNOWN_SECTOR_FILE = "unknown-sector-file"
    MISSING_VALUE = "missing-value"
    NOT_A_NUMBER = "not-a-number"
    NEGATIVE = "negative-number"
    UNKNOWN_ORGANISATION = "unknown-organisation"
    UNKNOWN_ADMIN1 = "unknown-admin1"
    OUTLIER = "outlier"
    DUPLICATE_ACROSS_SECTORS = "duplicate-across-sectors"
    SEX_AGE_MISMATCH = "sex-age-mismatch"
    CVA_ABOVE_BUDGET = "cva-above-budget"
    BUDGET_BREAKDOWN_MISMATCH = "budget-breakdown-mismatch"
    DUPLICATE_ROW = "duplicate-row"
    COUNTRY_MISMATCH = "country-mismatch"
    UNKNOWN_COUNTRY = "unknown-country"
    UNKNOWN_SECTOR = "unknown-sector"
    REACHED_BREAKDOWN_MISMATCH = "reached-breakdown-mismatch"
    NOT_A_DATE = "not-a-date"
    SECTOR_MISMATCH = "sector-mismatch"
    AMBIGUOUS_NUMBER = "ambiguous-number"
    UNKNOWN_INDICATOR = "unknown-indicator"
    UNKNOWN_OBJECTIVE = "unknown-objective"
    SCALE = "off-by-a-factor"
    PARTNER_NOT_REGISTERED_HERE = "partner-not-registered-in-country"
    PEOPLE_ON_OUTPUT_INDICATOR = "people-on-output-indicator"
    WHICH_SHEET = "which-sheet"
    NO_HEADER = "no-header"
    EXCEL_ERROR = "excel-error"
    TEXT_TOO_LONG = "text-too-long"
    UNKNOWN_STATUS = "unknown-status"
    UNKNOWN_ACTION_KIND = "unknown-action-kind"
    UNKNOWN_UNIT = "unknown-unit"
    INVALID_SCENARIO = "invalid-scenario"
    MISSING_FILE = "missing-file"
    REVIEW_DUE = "review-due"


STRUCTURE = {
    Reason.UNREADABLE, Reason.REFUSED, Reason.WRONG_TEMPLATE, Reason.EMPTY_FILE, Reason.NO_DATA_ROWS, Reason.MISSING_COLUMN,
    Reason.DUPLICATE_COLUMN, Reason.UNKNOWN_COLUMN, Reason.EXTRA_CELLS, Reason.UNKNOWN_SECTOR_FILE, Reason.WHICH_SHEET,
    Reason.NO_HEADER, Reason.MISSING_FILE,
}
WARNINGS = {Reason.UNKNOWN_COLUMN, Reason.BUDGET_BREAKDOWN_MISMATCH, Reason.OUTLIER, Reason.DUPLICATE_ACROSS_SECTORS,
            Reason.SCALE, Reason.PARTNER_NOT_REGISTERED_HERE, Reason.PEOPLE_ON_OUTPUT_INDICATOR, Reason.REVIEW_DUE}

# What each reason means, in the submitter's terms: the rule's title in reports.
TITLES = {
    Reason.UNREADABLE: "file cannot be read",
    Reason.REFUSED: "file refused before reading (too large, or unsafe)",
    Reason.WRONG_TEMPLATE: "not the submission template",
    Reason.EMPTY_FILE: "file is empty",
    Reason.NO_DATA_ROWS: "no data rows under the header",
    Reason.MISSING_COLUMN: "required column missing",
    Reason.DUPLICATE_COLUMN: "column appears twice",
    Reason.UNKNOWN_COLUMN: "column not in the template (ignored)",
    Reason.EXTRA_CELLS: "values to the right of the last header",
    Reason.UNKNOWN_SECTOR_FILE: "file name is not a sector of the plan",
    Reason.MISSING_VALUE: "required value missing",
    Reason.NOT_A_NUMBER: "not a number",
    Reason.NEGATIVE: "negative number",
    Reason.UNKNOWN_ORGANISATION: "organisation not in the partner registry",
    Reason.UNKNOWN_ADMIN1: "admin1 not in the country's gazetteer",
    Reason.OUTLIER: "implausibly large value (check for extra zeros)",
    Reason.DUPLICATE_ACROSS_SECTORS: "same activity also submitted in another sector",
    Reason.SEX_AGE_MISMATCH: "girls+boys+women+men differ from the population-group targets",
    Reason.CVA_ABOVE_BUDGET: "cash and voucher amount above the total budget",
    Reason.BUDGET_BREAKDOWN_MISMATCH: "in-kind plus CVA differ from the total budget",
    Reason.DUPLICATE_ROW: "row repeats an earlier row",
    Reason.COUNTRY_MISMATCH: "country column disagrees with the folder",
    Reason.UNKNOWN_COUNTRY: "country is not a country of the plan",
    Reason.UNKNOWN_SECTOR: "sector is not a sector of the plan",
    Reason.REACHED_BREAKDOWN_MISMATCH: "people reached by population group differ from people reached",
    Reason.NOT_A_DATE: "not a date (YYYY-MM-DD)",
    Reason.SECTOR_MISMATCH: "sector column disagrees with the file name",
    Reason.AMBIGUOUS_NUMBER: "number whose thousands and decimal marks the file does not settle",
    Reason.UNKNOWN_INDICATOR: "indicator not in the sector's indicator framework",
    Reason.UNKNOWN_OBJECTIVE: "objective not among the sector's objectives",
    Reason.SCALE: "whole file far off the plan's other files (a factor of 1,000?)",
    Reason.PARTNER_NOT_REGISTERED_HERE: "partner appeals in a country where it is not registered",
    Reason.PEOPLE_ON_OUTPUT_INDICATOR: "people targets on an indicator that does not count people (not counted)",
    Reason.WHICH_SHEET: "not clear which sheet is the submission (two sheets with the template's columns, or a hidden one)",
    Reason.NO_HEADER: "values in a column whose header is blank",
    Reason.EXCEL_ERROR: "Excel error (#REF!, #DIV/0!, ...) or formula with no saved value, which reads as blank",
    Reason.TEXT_TOO_LONG: "text longer than an Excel cell holds (32,767 characters)",
    Reason.UNKNOWN_STATUS: "status is not one of: " + ", ".join(ACTION_STATUSES),
    Reason.UNKNOWN_ACTION_KIND: "kind is not minimum or advanced",
    Reason.UNKNOWN_UNIT: "capacity in a unit that is not one of the capacity units",
    Reason.INVALID_SCENARIO: "scenario.yaml does not follow the scenario's shape",
    Reason.MISSING_FILE: "a file the documents need is missing",
    Reason.REVIEW_DUE: "the risk analysis is due for review",
}


def severity(reason: Reason) -> Severity:
    return Severity.WARNING if reason in WARNINGS else Severity.ERROR
