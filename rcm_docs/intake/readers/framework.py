"""The plan's planning framework beside plan.yaml: the indicator framework (indicators.csv), people in need
(needs.csv) and sector leadership (coordination.csv). Each is optional and kept by the coordinator; one
that breaks its contract stops the build with every problem, one per line, like the other registries."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from ...common.plan import Objective, Plan
from ..tables.checks import text_key
from ..tables.contract import NATIONAL_AREAS
from .registries import RegistryError, read_registry_csv

# R4V's indicator types; 'people' is its Direct Assistance: the only type that counts people.
INDICATOR_TYPES = {"people": "people", "direct assistance": "people", "capacity building": "capacity building",
                   "campaign": "campaign", "mechanism/advocacy": "mechanism/advocacy", "mechanism": "mechanism/advocacy",
                   "advocacy": "mechanism/advocacy", "infrastructure": "infrastructure", "other": "other"}
INTERSECTORAL = "intersectoral"


@dataclass(frozen=True)
class Indicator:
    code: str
    sector: str
    text: str
    type: str  # a value of INDICATOR_TYPES
    unit: str
    key: bool

    @property
    def counts_people(self) -> bool:
        return self.type == "people"


class Framework:
    """The indicator framework: each sector's indicators, found by code or by text."""

    def __init__(self, indicators: list[Indicator]):
        self.indicators = indicators
        self._by: dict[tuple[str, str], Indicator] = {}
        for i in indicators:
            self._by[(i.sector, text_key(i.code))] = i
            self._by.setdefault((i.sector, text_key(i.text)), i)

    def find(self, sector: str, name: str) -> Indicator | None:
        return self._by.get((sector, text_key(name)))

    def suggest(self, sector: str, name: str) -> str | None:
        texts = [i.text for i in self.indicators if i.sector == sector]
        m = difflib.get_close_matches(text_key(name), [text_key(t) for t in texts], n=1, cutoff=0.6)
        return next(t for t in texts if text_key(t) == m[0]) if m else None

    def of(self, sector: str) -> list[Indicator]:
        return [i for i in self.indicators if i.sector == sector]


def read_indicators(path: str | Path, plan: Plan) -> Framework | None:
    """inputs/indicators.csv -> the Framework, or None when the workspace has none (then any indicator
    text is accepted and every row counts people, as before the framework existed)."""
    path = Path(path)
    if not path.exists():
        return None
    rows, lines = read_registry_csv(path, ["code", "sector", "indicator", "type"], ["unit", "key"])
    problems, out, seen = [], [], {}
    for r, line in zip(rows, lines):
        where = f"{path}: line {line}"
        if r["sector"] not in plan.sector_codes:
            problems.append(f"{where}, column sector: {r['sector']!r} is not a sector code of the plan ({', '.join(plan.sector_codes)})")
        kind = INDICATOR_TYPES.get(text_key(r["type"]))
        if kind is None:
            problems.append(f"{where}, column type: {r['type']!r}; write people (Direct Assistance), Capacity Building, "
                            "Campaign, Mechanism/Advocacy, Infrastructure or Other")
        if not r["code"] or not r["indicator"]:
            problems.append(f"{where}: code and indicator are both needed")
        elif text_key(r["code"]) in seen:
            problems.append(f"{where}, column code: {r['code']!r} is already on line {seen[text_key(r['code'])]}; codes are unique")
        seen.setdefault(text_key(r["code"]), line)
        if text_key(r.get("key", "")) not in ("", "yes", "no", "y", "n", "true", "false", "1", "0"):
            problems.append(f"{where}, column key: {r['key']!r}; write yes or no")
        out.append(Indicator(r["code"], r["sector"], r["indicator"], kind or "other",
                             r.get("unit") or ("people" if kind == "people" else "units"),
                             text_key(r.get("key", "")) in ("yes", "y", "true", "1")))
    if problems:
        raise RegistryError("\n".join(problems))
    return Framework(out)


def find_objective(objectives: tuple[Objective, ...], name: str) -> Objective | None:
    k = text_key(name)
    return next((o for o in objectives if text_key(o.code) == k or text_key(o.text) == k), None)


def suggest_objective(objectives: tuple[Objective, ...], name: str) -> str | None:
    m = difflib.get_close_matches(text_key(name), [text_key(o.text) for o in objectives], n=1, cutoff=0.5)
    return next(o.text for o in objectives if text_key(o.text) == m[0]) if m else None


def read_needs(path: str | Path, plan: Plan, gazetteer: dict | None = None):
    """inputs/needs.csv -> DataFrame (country, sector, population_group, admin1, people_in_need, source, as_of),
    or None when the workspace has none. sector may be 'intersectoral'; admin1 blank means country-wide."""
    import datetime as dt

    import pandas as pd

    path = Path(path)
    if not path.exists():
        return None
    cols = ["country", "sector", "population_group", "admin1", "people_in_need", "source", "as_of"]
    rows, lines = read_registry_csv(path, ["country", "sector", "population_group", "people_in_need"], ["admin1", "source", "as_of"])
    problems, out = [], []
    groups = [g.code for g in plan.population_groups]
    sectors = {s.casefold(): s for s in plan.sector_codes + [INTERSECTORAL]}
    for r, line in zip(rows, lines):
        where = f"{path}: line {line}"
        if r["country"] not in plan.country_codes:
            problems.append(f"{where}, column country: {r['country']!r} is not a country of the plan ({', '.join(plan.country_codes)})")
        sector = sectors.get(r["sector"].casefold())
        if sector is None:
            problems.append(f"{where}, column sector: {r['sector']!r} is neither a sector code of the plan nor {INTERSECTORAL!r}")
        if r["population_group"] not in groups:
            problems.append(f"{where}, column population_group: {r['population_group']!r} is not a population group of the plan ({', '.join(groups)})")
        area = r.get("admin1", "")
        if area and gazetteer and r["country"] in gazetteer and text_key(area) not in NATIONAL_AREAS \
                and text_key(area) not in gazetteer[r["country"]]:
            problems.append(f"{where}, column admin1: {area!r} is not an admin1 area of {r['country']} in inputs/gazetteer.csv")
        try:
            pin = float(r["people_in_need"].replace(" ", "").replace("\u00a0", ""))
            if pin < 0 or pin % 1:
                raise ValueError
        except ValueError:
            problems.append(f"{where}, column people_in_need: {r['people_in_need']!r} is not a whole, non-negative number of people "
                            "(digits only, no separators)")
            pin = 0.0
        as_of = r.get("as_of", "")
        if as_of:
            try:
                dt.date.fromisoformat(as_of)
            except ValueError:
                problems.append(f"{where}, column as_of: {as_of!r} is not a date; write it as YYYY-MM-DD")
        out.append({"country": r["country"], "sector": sector or r["sector"], "population_group": r["population_group"],
                    "admin1": "" if text_key(area) in NATIONAL_AREAS else area, "people_in_need": pin,
                    "source": r.get("source", ""), "as_of": as_of})
    if problems:
        raise RegistryError("\n".join(problems))
    return pd.DataFrame(out, columns=cols)


def read_coordination(path: str | Path, plan: Plan) -> list[dict]:
    """inputs/coordination.csv -> [{country, sector, role, organisation}]; [] when the workspace has none."""
    path = Path(path)
    if not path.exists():
        return []
    rows, lines = read_registry_csv(path, ["country", "sector", "role", "organisation"])
    problems = []
    for r, line in zip(rows, lines):
        where = f"{path}: line {line}"
        if r["country"] not in plan.all_country_codes + ["regional"]:
            problems.append(f"{where}, column country: {r['country']!r} is not a country of the plan (nor preparing), "
                            "nor 'regional'")
        if r["sector"] not in plan.sector_codes:
            problems.append(f"{where}, column sector: {r['sector']!r} is not a sector code of the plan")
        r["role"] = r["role"].casefold().replace(" ", "-")
        if r["role"] not in ("lead", "co-lead"):
            problems.append(f"{where}, column role: {r['role']!r}; write lead or co-lead")
    if problems:
        raise RegistryError("\n".join(problems))
    return [{k: r[k] for k in ("country", "sector", "role", "organisation")} for r in rows]
