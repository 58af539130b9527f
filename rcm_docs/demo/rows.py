"""People in need and the sector submissions that answer them.

People in need come first, per country, sector, population group and area, from the population planning
figures; each submission row then targets a share of the need in its area, a large share for the sector
lead and UN agencies, a small one for a local organisation. So people targeted always stay below people
in need (coverage 20-60% per sector), and budgets follow the people reached and the cost of the sector."""
from __future__ import annotations

import itertools
import math
import random

from . import places
from .activities import ACTIVITIES, FOCUS, SPECIALISTS
from .framework import (
    BY_SECTOR,
    COST_PER_PERSON,
    GROUP_CODES,
    LEAD_BY_COUNTRY,
    LEADS,
    NEED_SHARE,
    NGO_CO_LEADS,
    OBJECTIVES,
    SEX_AGE,
    SEX_AGE_DEFAULT,
    Indicator,
)
from .partners import Partner

NEED_FACTOR = {"COL": 1.0, "PER": 1.0, "ECU": 1.05, "BRA": .9, "CHL": .85}
# A row's share of the need in its area, by who appeals: (low, high); UN agencies' as a fraction of the sector's
# ceiling, since the highest share in an area is the sector's coverage there.
COVERAGE = {"lead": (.6, .92), "UN": (.08, .35), "INGO": (.1, .35), "Faith-based organisation": (.05, .15),
            "Red Cross/Red Crescent": (.05, .15)}
LOCAL_COVERAGE = (.03, .1)
TYPE_COST = {"UN": .62, "INGO": 1.15, "Faith-based organisation": .9, "Red Cross/Red Crescent": .95, "NNGO": .85,
             "Refugee-led organisation": .7, "Civil society": .75}
OUTPUT_SCALE = {"UN": 1.0, "INGO": .6}
ORG_WEIGHT = {"UN": 1.0, "INGO": 1.8}  # how often a partner of the file appeals for one more activity
LOCAL_WEIGHT, LEAD_WEIGHT = 3.2, 2.0
# A local organisation's activity reaches at most so many people: many small activities, not a few large ones.
LOCAL_REACH = {"Red Cross/Red Crescent": 60_000, "Faith-based organisation": 40_000, "NNGO": 15_000,
               "Civil society": 6_000, "Refugee-led organisation": 4_000}
OUTLIER_CAP = 45  # the validator warns at 50 times a file's median: the example stays under it
COLUMNS = (["organisation", "objective", "activity", "indicator", "admin1", "budget_usd", "in_kind_usd", "cva_usd"]
           + [f"target_{g}" for g in GROUP_CODES] + ["girls", "boys", "women", "men", "output", "implementing_partner",
                                                     "description"])


def _round(x: float, step: int) -> int:
    return int(round(x / step) * step)


def _money(x: float) -> int:
    return max(3000, _round(x, 500 if x < 50_000 else 1000 if x < 1_000_000 else 5000))


def people_in_need(codes: list[str], sector_codes: list[str], rng: random.Random) -> dict:
    """(country, sector, group, admin1) -> people in need, for every sector with a need (not common services)."""
    pin = {}
    for c in codes:
        pop = places.population(c)
        for s in sector_codes:
            if s not in NEED_SHARE:
                continue
            for gi, g in enumerate(GROUP_CODES):
                planned = pop[g][1]
                for area, w_dest, w_transit in places.areas(c):
                    share = min(.95, NEED_SHARE[s][gi] * NEED_FACTOR.get(c, .95) * rng.uniform(.85, 1.1))
                    value = planned * (w_transit if g == "in_transit" else w_dest) * share
                    pin[(c, s, g, area)] = _round(value, 100 if value > 10_000 else 10)
    return pin


def sector_leads(sector: str, country: str, partners: list[Partner]) -> list[tuple[Partner, str]]:
    """The sector's lead and co-leads in a country (coordination.csv), among the partners working there: the UN
    lead, a UN co-lead where the sector has one, an NGO co-lead (an international NGO where the example names none)."""
    here = [p for p in partners if p.works_in(country)]
    by_name = {p.short: p for p in here} | {p.name: p for p in here}
    lead, un_co = LEAD_BY_COUNTRY.get((sector, country)) or LEADS[sector]
    ngo = NGO_CO_LEADS.get(sector, {}).get(country)
    if ngo is None:
        ngos = [p for p in here if p.type == "INGO" and sector in p.sectors.split()]
        ngo = ngos[sum(map(ord, country)) % len(ngos)].short if ngos else ""
    out = []
    for name, role in ((lead, "lead"), (un_co, "co-lead"), (ngo, "co-lead")):
        p = by_name.get(name)
        if p is not None and p not in [q for q, _ in out]:
            out.append((p, role))
    return out


class SectorFile:
    """One sector's submission in one country: its partners and rows."""

    def __init__(self, country: str, sector: str, partners: list[Partner], pin: dict, rng: random.Random):
        self.c, self.s, self.pin, self.rng = country, sector, pin, rng
        self.areas = [a[0] for a in places.areas(country)]
        self.indicators = BY_SECTOR[sector]
        self.objectives = {code: text for code, text, _ in OBJECTIVES[sector]}
        here = [p for p in partners if p.works_in(country)]
        leads = sector_leads(sector, country, partners)
        self.lead = next((p for p, role in leads if role == "lead"), None)
        self.co_leads = [p for p, role in leads if role == "co-lead"]
        self.here = here
        self.eligible = [p for p in here if sector in p.sectors.split()] or here[:3]
        self.local = [p for p in here if p.local]
        self.cap = rng.uniform(.4, .62)  # the sector's ceiling: its highest coverage of an area's need
        self._cache: dict[str, tuple] = {}
        self.need = {a: sum(pin.get((country, sector, g, a), 0) for g in GROUP_CODES) for a in self.areas}
        total = sum(self.need.values())
        self.share = {a: (v / total if total else 1 / len(self.areas)) for a, v in self.need.items()}
        # Partners cluster where the need is, less than in proportion to it.
        self.area_weights = list(itertools.accumulate((self.need[a] + 1) ** .6 for a in self.areas))

    def _orgs(self, n: int) -> list[Partner]:
        """The partners appealing in this file: the leads, then others drawn by weight."""
        rng = self.rng
        keys_per_org = sum(len(ACTIVITIES[i.code]) for i in self.indicators) * (len(self.areas) + 1)
        k = max(rng.randint(5, 9), math.ceil(n * 4 / keys_per_org))
        chosen = [p for p in [self.lead, *self.co_leads] if p is not None]
        local = [p for p in self.eligible if p.local and p not in chosen]
        chosen += rng.sample(local, k=min(len(local), rng.randint(2, 4)))
        others = [p for p in self.eligible if p not in chosen]
        if len(chosen) + len(others) < k:  # a large synthetic plan: partners of other sectors join in
            others += [p for p in self.here if p not in chosen and p not in others][:k - len(chosen) - len(others)]
        weights = [LOCAL_WEIGHT if p.local else ORG_WEIGHT.get(p.type, 1.3) for p in others]
        while others and len(chosen) < k:
            i = rng.choices(range(len(others)), weights)[0]
            chosen.append(others.pop(i))
            weights.pop(i)
        return chosen or self.eligible[:1]

    def rows(self, n: int, country_name: str) -> list[dict]:
        rng, out, seen = self.rng, [], set()
        orgs = self._orgs(n)
        weights = list(itertools.accumulate(LEAD_WEIGHT if p is self.lead else LOCAL_WEIGHT if p.local
                                            else ORG_WEIGHT.get(p.type, 1.3) for p in orgs))
        people = [i for i in self.indicators if i.people]
        # The lead first: its main indicator in the areas of greatest need.
        plan = []
        if self.lead is not None and people:
            main = [i for i in people if i.key] or people[:1]
            top, covered = sorted(self.areas, key=lambda a: -self.need[a]), 0.0
            for area in top:
                if covered >= .8 or len(plan) + len(main) > max(1, n // 2):
                    break
                plan += [(self.lead, ind, area) for ind in main]
                covered += self.share[area]
        attempts = 0
        while len(out) < n and attempts < n * 30:
            attempts += 1
            planned = bool(plan)
            if plan:
                org, ind, area = plan.pop(0)
            else:
                org = rng.choices(orgs, cum_weights=weights)[0]
                _, inds, cum = self._options(org)
                ind = rng.choices(inds, cum_weights=cum)[0]
                area = "National" if rng.random() < ind.national else rng.choices(self.areas, cum_weights=self.area_weights)[0]
            activity, description = rng.choice(self._options(org)[0].get(ind) or ACTIVITIES[ind.code])
            objective = rng.choice(ind.objectives)
            ip = ""
            if org.type == "UN" and self.local and rng.random() < .15:
                ip = rng.choice(self.local).name
            key = (org.name, objective, activity, ind.code, area, ip)
            if key in seen:
                continue
            row = self._row(org, ind, objective, activity, description, area, ip, country_name, planned)
            if row is None:
                continue
            seen.add(key)
            out.append(row)
            # The same activity under the sector's other objective in the same area (shelters in transit and in
            # destination, say): two rows, legitimately, each with its own people and budget.
            other = [o for o in ind.objectives if o != objective]
            if other and ind.people and area != "National" and len(out) < n and rng.random() < .3:
                twin_key = (org.name, other[0], activity, ind.code, area, ip)
                twin = self._row(org, ind, other[0], activity, description, area, ip, country_name)
                if twin_key not in seen and twin is not None:
                    seen.add(twin_key)
                    out.append(twin)
        _tame_outliers(out)
        return [_finish(r, self.s, rng) for r in out]

    def _options(self, org: Partner) -> tuple[dict[Indicator, list[tuple[str, str]]], list[Indicator], list[float]]:
        """What this partner would appeal for in the sector: its focus indicators, and activities that are not
        another partner's specialty; with the indicators' cumulative weights (people indicators drawn thrice as often)."""
        if org.name not in self._cache:
            names = {org.name, org.short}
            focus = set(FOCUS.get(org.short, "").split())
            inds = [i for i in self.indicators if i.code in focus] or self.indicators
            options = {}
            for i in inds:
                acts = [a for a in ACTIVITIES[i.code] if a[0] not in SPECIALISTS or names & set(SPECIALISTS[a[0]].split(","))]
                if acts:
                    options[i] = acts
            options = options or {i: ACTIVITIES[i.code] for i in self.indicators}
            inds = list(options)
            self._cache[org.name] = options, inds, list(itertools.accumulate(3 if i.people else 1 for i in inds))
        return self._cache[org.name]

    def _row(self, org: Partner, ind: Indicator, objective: str, activity: str, description: str, area: str, ip: str,
             country_name: str, lead: bool = False) -> dict | None:
        rng = self.rng
        targets = {g: "" for g in GROUP_CODES}
        output = ""
        if ind.people:
            low, high = (COVERAGE["lead"] if lead and org is self.lead
                         else LOCAL_COVERAGE if org.local else COVERAGE.get(org.type, LOCAL_COVERAGE))
            cover = rng.uniform(low, high) * (self.cap if org.type == "UN" else 1)
            if area == "National":
                cover *= .25
            elif not (lead and org is self.lead):
                # Many partners work where the need is largest: each of them covers less of it.
                cover *= min(1.0, 1 / (len(self.areas) * self.share[area])) ** .7
            first = max(range(3), key=lambda gi: ind.groups[gi])
            for gi, g in enumerate(GROUP_CODES):
                if gi != first and rng.random() >= ind.groups[gi]:
                    targets[g] = 0
                    continue
                need = (sum(self.pin.get((self.c, self.s, g, a), 0) for a in self.areas) if area == "National"
                        else self.pin.get((self.c, self.s, g, area), 0))
                targets[g] = _round(need * min(cover, self.cap), 10)
            if org.local:
                reach = LOCAL_REACH.get(org.type, 5_000) * rng.uniform(.3, 1)
                scale = min(1.0, reach / max(1, sum(targets.values())))
                targets = {g: _round(v * scale, 10) for g, v in targets.items()}
            total = sum(targets.values())
            if total == 0:
                return None
            budget = total * COST_PER_PERSON[self.s] * rng.uniform(.75, 1.3) * TYPE_COST.get(org.type, 1)
        else:
            lo, hi = ind.output
            output = max(lo, round(rng.randint(lo, hi) * OUTPUT_SCALE.get(org.type, .3)))
            budget = output * ind.unit_cost * rng.uniform(.8, 1.25)
        cva = rng.uniform(ind.cva[0], ind.cva[1]) if rng.random() < ind.cva[2] else 0.0
        where = f"across {country_name}" if area == "National" else f"in {area}"
        text = description.format(where=where) + (f" Delivered with {ip}." if ip else "")
        return {
            "organisation": org.acronym if org.acronym and rng.random() < .5 else org.name,
            "objective": self.objectives[objective],
            "activity": activity,
            "indicator": ind.code if rng.random() < .1 else ind.text,
            "admin1": area,
            "budget_usd": _money(budget),
            "_cva": cva,
            **{f"target_{g}": v for g, v in targets.items()},
            "output": output,
            "implementing_partner": ip,
            "description": text,
            "_org": org, "_ind": ind, "_objective": objective,
        }


def _tame_outliers(rows: list[dict]) -> None:
    """Keep every budget and target under OUTLIER_CAP times its file's median: the example's warnings are deliberate."""
    if len(rows) < 10:
        return
    for col in ["budget_usd"] + [f"target_{g}" for g in GROUP_CODES]:
        values = sorted(r[col] for r in rows if r[col] not in ("", 0))
        if not values:
            continue
        mid = len(values) // 2
        median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
        cap = OUTLIER_CAP * median
        for r in rows:
            if r[col] not in ("", 0) and r[col] > cap:
                r[col] = _money(cap * .98) if col == "budget_usd" else _round(cap * .98, 10)


def _finish(row: dict, sector: str, rng: random.Random) -> dict:
    """Cash and in-kind split, and the sex and age breakdown where the partner gives one."""
    budget = row["budget_usd"]
    cva = _round(budget * row.pop("_cva"), 100)
    row["in_kind_usd"], row["cva_usd"] = budget - cva, cva
    total = sum(row[f"target_{g}"] or 0 for g in GROUP_CODES)
    sex = {"girls": "", "boys": "", "women": "", "men": ""}
    if row["_ind"].people and rng.random() < .6:
        shares = SEX_AGE.get(sector, SEX_AGE_DEFAULT)
        jitter = [s * rng.uniform(.9, 1.1) for s in shares]
        parts = [int(total * j / sum(jitter)) for j in jitter]
        parts[max(range(4), key=lambda i: shares[i])] += total - sum(parts)
        sex = dict(zip(("girls", "boys", "women", "men"), parts))
    row.update(sex)
    return row


def public(row: dict) -> dict:
    """A row as the submission file holds it."""
    return {c: row[c] for c in COLUMNS}
