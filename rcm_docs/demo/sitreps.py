"""Funding and monthly reporting that match the plan: contributions to the organisations that appeal, per
country and sector, never above what they appeal for; progress reported only against people indicators
(the others count trainings or facilities, which progress files do not carry); key figures and highlights."""
from __future__ import annotations

import random
from pathlib import Path

from . import places
from .files import write_csv
from .framework import GROUP_CODES
from .texts import highlight, people

DONORS = ["United States of America", "European Union", "Germany", "Canada", "Spain", "Switzerland", "Norway",
          "Sweden", "United Kingdom", "Japan", "Republic of Korea", "Netherlands",
          "Central Emergency Response Fund (CERF)", "Private donors"]
DONOR_WEIGHTS = [14, 12, 8, 5, 4, 3, 3, 2, 3, 2, 1, 2, 2, 2]
FUNDED = {"UN": (.85, .2, .55), "INGO": (.6, .15, .45)}  # chance of any funding, then the share funded
FUNDED_OTHER = (.4, .1, .4)
MONTHS = 9  # partners report progress monthly, January to September
MONTHLY = .065  # share of an activity's target reached in a month, on average: about 60% by September
SITREPS = ("2026-06", "2026-09")  # the months a situation report is written for
ARRIVALS = {"COL": (24_000, 38_000), "PER": (6_000, 10_000), "ECU": (4_000, 8_000), "BRA": (8_000, 12_000),
            "CHL": (2_000, 4_000)}


def _round(x: float, step: int) -> int:
    return int(round(x / step) * step)


def funding(inputs: Path, rows: list[dict], rng: random.Random) -> None:
    """Contributions covering about a third of the requirements; some earmarked to a sector, some pledged only."""
    appeals: dict[tuple, float] = {}
    for r in rows:
        key = (r["_country"], r["_sector"], r["_org"])
        appeals[key] = appeals.get(key, 0) + r["budget_usd"]
    out = []
    for (country, sector, org), budget in appeals.items():
        chance, low, high = FUNDED.get(org.type, FUNDED_OTHER)
        if rng.random() >= chance:
            continue
        funded = budget * rng.uniform(low, high)
        parts = rng.choice((1, 1, 2, 3)) if funded > 200_000 else 1
        donors = rng.sample(range(len(DONORS)), k=parts) if parts > 1 else rng.choices(range(len(DONORS)), DONOR_WEIGHTS)
        for d in donors:
            amount = max(1000, _round(funded / parts, 1000))
            status = rng.choices(["paid", "committed", "pledged"], [5, 3, 2])[0]
            out.append([DONORS[d], org.acronym or org.name, country, sector if rng.random() < .75 else "", amount,
                        f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}", status])
    for org, amount in (("UNHCR", 3_200_000), ("IOM", 2_400_000)):
        out.append(["European Union", org, "regional", "", amount, "2026-03-02", "paid"])
    folder = inputs / "funding"
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "contributions.csv", ["donor", "organisation", "country", "sector", "amount_usd", "date", "status"], out)


def _reached(rows: list[dict]) -> int:
    """People reached in one country and sector, consolidated like targets: highest per area, areas added."""
    per_area, national = {}, 0
    for r in rows:
        if r["admin1"] == "National":
            national = max(national, r["reached"])
        else:
            per_area[r["admin1"]] = max(per_area.get(r["admin1"], 0), r["reached"])
    return max(sum(per_area.values()), national)


def sitreps(inputs: Path, rows: list[dict], codes: list[str], sectors: list[tuple[str, str]], rng: random.Random) -> None:
    """Monthly progress from January to the last reporting month, new people reached in each month against the
    people indicators; a situation report (key figures, highlights) for the months in SITREPS."""
    by_country: dict[str, list[dict]] = {}
    for r in rows:
        by_country.setdefault(r["_country"], []).append(r)
    totals: dict[tuple, dict] = {}  # (country, key) -> reached so far, for the highlights' figures since January
    for month in range(1, MONTHS + 1):
        period = f"2026-{month:02d}"
        folder = inputs / "sitreps" / period
        (folder / "progress").mkdir(parents=True, exist_ok=True)
        for c in codes:
            merged: dict[tuple, dict] = {}  # one activity under two objectives is reported once
            for r in by_country.get(c, []):
                if not r["_ind"].people or rng.random() >= .8:
                    continue
                parts = [int((r[f"target_{g}"] or 0) * MONTHLY * rng.uniform(.5, 1.5)) for g in GROUP_CODES]
                # The validator reads names and codes as the partner registry and framework do: the key is canonical.
                key = (r["_sector"], r["_org"].name, r["activity"], r["_ind"].code, r["admin1"])
                if key in merged:
                    merged[key]["parts"] = [a + b for a, b in zip(merged[key]["parts"], parts)]
                else:
                    merged[key] = {"parts": parts, "by_group": rng.random() < .6, "organisation": r["organisation"],
                                   "indicator": r["indicator"]}
            out = []
            for key, m in merged.items():
                sector, _, activity, _, area = key
                total = sum(m["parts"])
                if total == 0:
                    continue
                out.append([c, sector, m["organisation"], activity, m["indicator"], area, total]
                           + (m["parts"] if m["by_group"] else [""] * 3))
                so_far = totals.setdefault((c, key), {"sector": sector, "admin1": area, "reached": 0})
                so_far["reached"] += total
            write_csv(folder / "progress" / f"{c}.csv",
                      ["country", "sector", "organisation", "activity", "indicator", "admin1", "reached"]
                      + [f"reached_{g}" for g in GROUP_CODES], out)
        if period in SITREPS:
            reported: dict[tuple, list[dict]] = {}
            for (c, _), t in totals.items():
                reported.setdefault((c, t["sector"]), []).append(t)
            _figures(folder, period, codes, rng)
            _highlights(folder, period, codes, sectors, reported)


def _figures(folder: Path, period: str, codes: list[str], rng: random.Random) -> None:
    month_end = f"{period}-30"
    out, arrivals_total, stock_total = [], 0, 0
    for c in codes:
        dest = places.population(c)["in_destination"][0]
        low, high = ARRIVALS.get(c, (dest * .006, dest * .012))
        arrivals = _round(rng.uniform(low, high), 10)
        stock = _round(dest * rng.uniform(1.0, 1.02), 100)
        arrivals_total, stock_total = arrivals_total + arrivals, stock_total + stock
        source = places.MIGRATION_AUTHORITY[c]
        out += [[c, "New arrivals in the month", arrivals, month_end, source],
                [c, "Refugees and migrants from Venezuela in the country", stock, month_end, source]]
    out += [["regional", "New arrivals in the month", arrivals_total, month_end, "Sum of the national figures"],
            ["regional", "Refugees and migrants from Venezuela in the countries of the plan", stock_total, month_end,
             "Sum of the national figures"]]
    write_csv(folder / "figures.csv", ["country", "figure", "value", "as_of", "source"], out)


def _highlights(folder: Path, period: str, codes: list[str], sectors: list[tuple[str, str]], reported: dict) -> None:
    for doc in codes + ["regional"]:
        for code, _ in sectors:
            text = highlight(period, doc, code)
            if text is None:
                continue
            where = codes if doc == "regional" else [doc]
            reached = sum(_reached(reported.get((c, code), [])) for c in where)
            (folder / "highlights" / doc).mkdir(parents=True, exist_ok=True)
            (folder / "highlights" / doc / f"{code}.md").write_text(
                text.format(reached=people(reached)).strip() + "\n", encoding="utf-8")
