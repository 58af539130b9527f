"""Tables people open in a spreadsheet (CSV, XLSX), written so that no cell runs as a formula."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

# A cell starting with one of these is run as a formula by Excel and LibreOffice (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Text starting with an apostrophe gets one more, so that undefuse() gives back exactly what was written.
_ESCAPED = FORMULA_START + ("'",)


def defuse(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers are left alone."""
    if isinstance(value, str) and value.startswith(_ESCAPED):
        return "'" + value
    return value


def _may_start_with(s: pd.Series, starts: tuple[str, ...]) -> bool:
    """False when no text of the column starts with one of `starts`; True when one may. One join of the
    column in C instead of a Python call per cell: the exact test below then runs only where it can
    find something (the build reads and writes every CSV under build/ through these)."""
    try:
        joined = "\0" + "\0".join(s.to_numpy(dtype=object, copy=False))
    except TypeError:  # not all text (numbers, missing values): the exact test decides
        return True
    return any("\0" + c in joined for c in starts)


def defuse_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if (out[col].dtype == object or pd.api.types.is_string_dtype(out[col])) and _may_start_with(out[col], _ESCAPED):
            s = out[col]
            text = s.map(type) == str
            risky = text & s.where(text, "").str.startswith(_ESCAPED)
            if risky.any():
                out[col] = s.where(~risky, "'" + s.where(risky, ""))
    return out


def undefuse_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The values defuse_frame was given, from a CSV it wrote (text columns read as str)."""
    for col in df.columns:
        if (df[col].dtype == object or pd.api.types.is_string_dtype(df[col])) and _may_start_with(df[col], ("'",)):
            s = df[col]
            quoted = s.map(type).eq(str) & s.where(s.map(type).eq(str), "").str.startswith("'")
            if quoted.any():
                df[col] = s.where(~quoted, s.where(quoted, "").str[1:])
    return df


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path, epoch: int) -> None:
    """An XLSX of plain values with fixed metadata and timestamps. Text is always written as text
    (never a formula, link or number), which is what keeps =HYPERLINK(...) from a submission inert.
    xlsxwriter writes ~250,000 cells a second, about twice openpyxl; empty text cells are left empty."""
    import datetime as dt
    import math

    import xlsxwriter

    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    wb = xlsxwriter.Workbook(str(tmp), options)
    stamp = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None)
    wb.set_properties({"author": "rcm-docs", "created": stamp})
    bold = wb.add_format({"bold": True})
    for name, df in sheets.items():
        ws = wb.add_worksheet(name[:31])
        ws.freeze_panes(1, 0)
        ws.write_row(0, 0, [str(c) for c in df.columns], bold)
        columns = [df[c].tolist() for c in df.columns]
        # The methods write_string and write_number call once their decorator has read 'A1'-style arguments
        # (which these never are): a fifth of the time on the 17-country plan's 1.3 million cells.
        text = getattr(ws, "_write_string", ws.write_string)
        number = getattr(ws, "_write_number", ws.write_number)
        for i, row in enumerate(zip(*columns), start=1):
            for j, v in enumerate(row):
                if v.__class__ is str:
                    if v:
                        text(i, j, v)
                elif v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    number(i, j, v)
                else:
                    text(i, j, str(v))
    wb.close()  # xlsxwriter stamps zip entries with a fixed date and core.xml with "created": reproducible as is
    os.replace(tmp, path)
