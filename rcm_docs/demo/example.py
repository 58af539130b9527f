"""Write the example workspace: every file of the data contract, from one seed."""
from __future__ import annotations

import random
from pathlib import Path

from ..common.plan import country_name
from . import files, places, preparedness, sitreps, texts
from .framework import GROUP_CODES, SECTORS
from .partners import registry
from .rows import COLUMNS, SectorFile, people_in_need, public


def generate(root: str | Path, countries: int = 5, sectors: int = 8, partners: int = 46, rows: int = 600,
             seed: int = 2026, xlsx_share: float = 0.35) -> Path:
    """Write a complete workspace under root/inputs; the same arguments give the same files."""
    rng = random.Random(seed)
    root = Path(root)
    inputs = root / "inputs"
    (inputs / "submissions").mkdir(parents=True, exist_ok=True)
    codes = places.COUNTRIES[:countries]
    sector_list = SECTORS[:sectors]
    sector_codes = [s for s, _ in sector_list]
    names = {c: country_name(c) for c in codes}
    # Panama prepares for an influx (inputs/preparedness/PAN/): its partners join the registry; in a plan that
    # already responds there, it prepares for a new scenario as well.
    partner_list = preparedness.partners(registry(partners, codes))
    preparing = [preparedness.PREPARING]
    both = codes + [c for c in preparing if c not in codes]

    files.plan_yaml(inputs / "plan.yaml", codes, sector_list, preparing)
    files.partners_csv(inputs / "partners.csv", partner_list)
    files.population_csv(inputs / "population.csv", codes)
    files.indicators_csv(inputs / "indicators.csv", sector_codes)
    files.coordination_csv(inputs / "coordination.csv", both, sector_codes, partner_list)
    files.gazetteer_csv(inputs / "gazetteer.csv", both)
    preparedness.write(inputs, sector_list)

    pin = people_in_need(codes, sector_codes, random.Random(seed + 3))
    # The needs analysis gave some sectors a country-wide figure only; two countries state an intersectoral one.
    need_rng = random.Random(seed + 4)
    with_need = [s for s in sector_codes if s != "PRO" and any((codes[0], s, g, a) in pin for g in GROUP_CODES
                                                               for a, _, _ in places.areas(codes[0]))]
    country_wide = {(c, need_rng.choice(with_need)) for c in codes} if with_need else set()
    intersectoral = {c: _intersectoral(c, pin, need_rng) for c in codes[:2]}
    files.needs_csv(inputs / "needs.csv", codes, sector_codes, pin, country_wide, intersectoral)

    per_file = max(1, rows // (countries * sectors))
    generated = []
    for c in codes:
        folder = inputs / "submissions" / c
        folder.mkdir(parents=True, exist_ok=True)
        for code, name in sector_list:
            data = SectorFile(c, code, partner_list, pin, rng).rows(per_file, names[c])
            generated += [dict(r, _country=c, _sector=code) for r in data]
            table = [public(r) for r in data]
            if not table:
                continue
            if rng.random() < xlsx_share:
                files.write_xlsx(folder / f"{code}.xlsx", table, f"{name} sector submission - {names[c]}",
                                 hxl=rng.random() < .5)
            else:
                files.write_dicts(folder / f"{code}.csv", table)

    figures = texts.Figures(generated, pin, country_wide, intersectoral)
    texts.write_narratives(inputs, codes, sector_list, names, figures)
    sitreps.funding(inputs, generated, random.Random(seed + 1))
    sitreps.sitreps(inputs, generated, codes, sector_list, random.Random(seed + 2))
    return root


def _intersectoral(c: str, pin: dict, rng: random.Random) -> dict[str, int]:
    """A country's overall people in need per group: a little above the highest sector in each area (people with
    needs the sectors did not measure), never above the population planning figure."""
    out = {}
    for g in GROUP_CODES:
        per_area = {}
        for (cc, _, gg, a), v in pin.items():
            if cc == c and gg == g:
                per_area[a] = max(per_area.get(a, 0), v)
        planned = places.population(c)[g][1]
        out[g] = int(round(min(.97 * planned, sum(per_area.values()) * rng.uniform(1.03, 1.08)), -2))
    return out


__all__ = ["generate", "COLUMNS"]
