"""Narratives: Markdown written for the example's countries (rcm_docs/demo/texts/), with the figures of the
generated data filled in ({pin}, {targeted}, {requirements} ...), so that text and tables agree. A country or
sector the example has no text for gets one derived from a per-sector model that names the country and its
areas; no two sectors share a model, so no sentence repeats across sectors."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..common.fmt import money_short
from . import places
from .framework import GROUP_CODES

CROSS_CUTTING = ("aap", "psea", "agd", "environment")
# Left unwritten on purpose: the build lists them as pending and the draft shows where they go.
MISSING = {("ECU", "WSH"), ("CHL", "EDU")}


def _text(*parts: str) -> str | None:
    node = resources.files(__package__).joinpath("texts", *parts)
    return node.read_text(encoding="utf-8") if node.is_file() else None


def people(x: float) -> str:
    """Figures as a coordination team writes them in prose: 1.2 million, 341,000, 4,600, 870."""
    if x >= 1e6:
        return f"{x / 1e6:.1f} million"
    if x >= 10_000:
        return f"{round(x, -3):,.0f}"
    return f"{round(x, -2):,.0f}" if x >= 1000 else f"{round(x):,}"


WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count(n: int) -> str:
    """Small counts in words, as in running text: six partners, 21 partners."""
    return WORDS[n] if n < len(WORDS) else f"{n:,}"


def _consolidate(groups_of_rows: list[list[dict]]) -> float:
    """People targeted, by the plan's rule: per group, the highest row (then the highest sector) per area, areas
    added up, national rows never added to the areas they summarise."""
    total = 0
    for g in GROUP_CODES:
        per_area, national = {}, 0
        for rows in groups_of_rows:
            for r in rows:
                v = r[f"target_{g}"] or 0
                if r["admin1"] == "National":
                    national = max(national, v)
                elif v > per_area.get(r["admin1"], 0):
                    per_area[r["admin1"]] = v
        total += max(sum(per_area.values()), national)
    return total


class Figures:
    """The figures narratives quote, computed from the generated rows and needs by the plan's rules."""

    def __init__(self, rows: list[dict], pin: dict, country_wide: set, intersectoral: dict):
        self.rows, self.country_wide, self.intersectoral = {}, country_wide, intersectoral
        for r in rows:
            self.rows.setdefault((r["_country"], r["_sector"]), []).append(r)
        self.pin: dict = {}  # (country, sector) -> {(group, area): people in need}
        for (c, s, g, a), v in pin.items():
            self.pin.setdefault((c, s), {})[(g, a)] = v

    def sector(self, c: str, s: str) -> dict:
        part, need = self.rows.get((c, s), []), self.pin.get((c, s), {})
        pin, targeted = sum(need.values()), _consolidate([part])
        top = sorted({a for _, a in need}, key=lambda a: -sum(need.get((g, a), 0) for g in GROUP_CODES))
        return {"pin": people(pin), "targeted": people(targeted),
                "coverage": f"{round(100 * targeted / pin)}%" if pin else "not measured",
                "requirements": money_short(sum(r["budget_usd"] for r in part)),
                "partners": count(len({r["_org"].name for r in part})), "top": top}

    def country(self, c: str) -> dict:
        parts = [rows for (cc, _), rows in self.rows.items() if cc == c]
        if c in self.intersectoral:
            pin = sum(self.intersectoral[c].values())
        else:
            pin = 0
            for g in GROUP_CODES:
                areas, national = {}, 0
                for (cc, s), need in self.pin.items():
                    if cc != c:
                        continue
                    if (c, s) in self.country_wide:
                        national = max(national, sum(v for (gg, _), v in need.items() if gg == g))
                        continue
                    for (gg, a), v in need.items():
                        if gg == g and v > areas.get(a, 0):
                            areas[a] = v
                pin += max(sum(areas.values()), national)
        requirements = sum(r["budget_usd"] for rows in parts for r in rows)
        partners = len({r["_org"].name for rows in parts for r in rows})
        targeted = _consolidate(parts)
        return {"pin_n": pin, "targeted_n": targeted, "requirements_n": requirements, "partners": count(partners),
                "pin": people(pin), "targeted": people(targeted), "requirements": money_short(requirements)}

    def region(self, codes: list[str]) -> dict:
        per = [self.country(c) for c in codes]
        pin, targeted = sum(p["pin_n"] for p in per), sum(p["targeted_n"] for p in per)
        return {"pin": people(pin), "targeted": people(targeted), "countries": count(len(codes)),
                "requirements": money_short(sum(p["requirements_n"] for p in per)),
                "partners": count(len({r["_org"].name for rows in self.rows.values() for r in rows}))}


def _fill(template: str, values: dict) -> str:
    return template.format_map(values).strip() + "\n"


def write_narratives(inputs: Path, codes: list[str], sectors: list[tuple[str, str]], names: dict[str, str],
                     figures: Figures) -> None:
    for c in codes:
        folder = inputs / "narratives" / c
        folder.mkdir(parents=True, exist_ok=True)
        areas = [a[0] for a in places.areas(c)]
        country = {"country": names[c], **figures.country(c), "area1": areas[0], "area2": areas[1],
                   "area3": areas[2 % len(areas)], "authority": places.MIGRATION_AUTHORITY[c],
                   "subregion": places.SUBREGION.get(c, ""), "forum": places.coordination(c, names[c], [])["forum"]}
        overview = _text(c, "overview.md") or _text("derived", "overview.md")
        (folder / "overview.md").write_text(_fill(overview, country), encoding="utf-8")
        for s, sector_name in sectors:
            if (c, s) in MISSING:
                continue
            stats = figures.sector(c, s)
            top = stats.pop("top") or areas
            values = {**country, **stats, "sector": sector_name,
                      "area1": top[0], "area2": top[1 % len(top)], "area3": top[2 % len(top)]}
            text = _text(c, f"{s}.md") or _text("derived", f"{s}.md")
            if text:
                (folder / f"{s}.md").write_text(_fill(text, values), encoding="utf-8")
        messages = _text(c, "key_messages.md")  # figures named in braces are the build's to insert: copied as written
        if messages:
            (folder / "key_messages.md").write_text(messages.strip() + "\n", encoding="utf-8")
        for extra in ("inclusion", "solutions", "development", "mixed_situations", "underfunding", *CROSS_CUTTING):
            text = _text(c, f"{extra}.md")
            if text:
                (folder / f"{extra}.md").write_text(_fill(text, country), encoding="utf-8")
    regional = inputs / "narratives" / "regional"
    regional.mkdir(parents=True, exist_ok=True)
    values = figures.region(codes)
    (regional / "overview.md").write_text(_fill(_text("regional", "overview.md"), values), encoding="utf-8")
    (regional / "key_messages.md").write_text(_text("regional", "key_messages.md").strip() + "\n", encoding="utf-8")
    (regional / "underfunding.md").write_text(_fill(_text("regional", "underfunding.md"), values), encoding="utf-8")
    for s, _ in sectors:
        text = _text("regional", f"{s}.md")
        if text:
            (regional / f"{s}.md").write_text(_fill(text, values), encoding="utf-8")


def highlight(period: str, doc: str, sector: str) -> str | None:
    return _text("highlights", period, doc, f"{sector}.md")
