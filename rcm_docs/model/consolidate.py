"""How people and money are added up, once for every figure.

Budgets add up; people do not. People targeted are consolidated the R4V way: within a sector, the highest
activity target per area (admin1); across sectors, the highest sector figure per area; areas then add up
to the country, countries to the region. A 'National' row is never added to the areas it summarises: the
country figure is the larger of the national figure and the sum of the areas."""
from __future__ import annotations

import pandas as pd

from ..intake.tables.contract import NATIONAL_AREAS, target_column


def as_money(x) -> float:
    return round(float(x), 2)


def as_people(x) -> int:
    return int(round(float(x)))


def consolidate(rows: pd.DataFrame, groups: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """People targeted -> (per sector x group, whole-country per group), without double counting."""
    cols = [target_column(g) for g in groups]
    if rows.empty:
        return pd.DataFrame(columns=cols, dtype=float), pd.Series(0.0, index=cols)
    area = rows["admin1"].str.strip().str.casefold()
    national = area.isin(NATIONAL_AREAS)
    sub = rows.loc[~national].assign(_area=area[~national])
    per_area = sub.groupby(["sector", "_area"])[cols].max()
    by_sector = per_area.groupby(level="sector").sum()
    nat_sector = rows.loc[national].groupby("sector")[cols].max()
    # The larger of the areas' sum and the national figure, per sector and group (a missing side counts 0).
    by_sector = pd.concat([by_sector, nat_sector]).groupby(level=0).max() if not nat_sector.empty else by_sector
    across = per_area.groupby(level="_area").max().sum() if not per_area.empty else pd.Series(0.0, index=cols)
    nat_all = nat_sector.max() if not nat_sector.empty else pd.Series(0.0, index=cols)
    total = pd.concat([across, nat_all], axis=1).max(axis=1).reindex(cols).fillna(0)
    return by_sector.reindex(columns=cols).fillna(0), total


def consolidated_by(rows: pd.DataFrame, groups: list[str], key: list[str]) -> pd.Series:
    """People (all groups) per value of `key`, each consolidated as consolidate() does for a country: per
    area the highest sector figure, areas added up, a national row never added to its areas. One pass for
    every key value: an indicator's or an objective's people without a consolidate() call each."""
    cols = [target_column(g) for g in groups]
    if rows.empty:
        return pd.Series(dtype=float)
    area = rows["admin1"].str.strip().str.casefold()
    national = area.isin(NATIONAL_AREAS)
    sub = rows.loc[~national].assign(_area=area[~national])
    per_area = sub.groupby(key + ["sector", "_area"])[cols].max().groupby(level=key + ["_area"]).max()
    areas = per_area.groupby(level=key).sum()
    nat = rows.loc[national].groupby(key + ["sector"])[cols].max().groupby(level=key).max()
    total = pd.concat([areas, nat]).groupby(level=list(range(len(key)))).max() if not nat.empty else areas
    return total.reindex(columns=cols).fillna(0).sum(axis=1)
