"""Merge validated submissions into the plan's rows, in a stable order; the rows' CSV interchange format."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..common.files import atomic_write_text
from ..common.plan import Plan
from ..common.sheets import defuse_frame, undefuse_frame


def order_rows(df: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Stable order: plan's country and sector order, then file and row: the same inputs, the same bytes."""
    if df.empty:
        return df
    c = {code: i for i, code in enumerate(plan.country_codes)}
    s = {code: i for i, code in enumerate(plan.sector_codes)}
    key = pd.DataFrame({"c": df["country"].map(c), "s": df["sector"].map(s), "f": df["source_file"], "r": df["source_row"]})
    return df.loc[key.sort_values(["c", "s", "f", "r"], kind="stable").index].reset_index(drop=True)


def merge(frames: list[pd.DataFrame], plan: Plan) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame()
    return order_rows(pd.concat(frames, ignore_index=True), plan)


def write_rows_csv(df: pd.DataFrame, path: str | Path) -> None:
    """CSV with LF line ends and formulas defused: a drafter opens whatever is in build/ in a spreadsheet."""
    atomic_write_text(path, defuse_frame(df).to_csv(index=False, lineterminator="\n"))


def read_table_csv(path: str | Path, numbers: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table write_rows_csv wrote: text as text (formula defusing undone), the `numbers` columns as numbers."""
    df = undefuse_frame(pd.read_csv(path, keep_default_na=False, dtype=str))
    for c in df.columns:
        if c in numbers or any(n.endswith("*") and c.startswith(n[:-1]) for n in numbers):
            df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce")
    return df


def read_rows_csv(path: str | Path) -> pd.DataFrame:
    text_cols = {"country": str, "sector": str, "organisation": str, "organisation_type": str, "objective": str,
                 "activity": str, "indicator": str, "indicator_code": str, "indicator_type": str, "unit": str, "admin1": str, "implementing_partner": str, "description": str,
                 "source_file": str, "source_sheet": str}
    try:
        df = undefuse_frame(pd.read_csv(path, dtype=text_cols, keep_default_na=False))
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    for col in df.columns:
        if col not in text_cols:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce")
    return df


