"""The one place numbers, money and dates are formatted for documents."""
from __future__ import annotations

import datetime as dt
import re


def number(x) -> str:
    """12345.4 -> '12,345'"""
    return f"{round(float(x)):,}"


def money(x, currency: str = "USD") -> str:
    """Tables: 45200000 -> 'USD 45,200,000'"""
    return f"{currency} {number(x)}"


def money_short(x, currency: str = "USD") -> str:
    """Prose: 45200000 -> 'USD 45.2 million', 950000 -> 'USD 950,000'"""
    x = float(x)
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(x) >= size:
            return f"{currency} {x / size:,.1f} {word}"
    return money(x, currency)


def short(x) -> str:
    """Key-figure tiles, the unit named in the label: 103559000 -> '103.6 million', 950000 -> '950,000'"""
    x = float(x)
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(x) >= size:
            return f"{x / size:,.1f} {word}"
    return number(x)


def people_short(x) -> str:
    """Prose: 1234567 -> '1.2 million', 45600 -> '45,600'"""
    x = float(x)
    return f"{x / 1e6:,.1f} million" if abs(x) >= 1e6 else number(x)


def percent(x, digits: int = 1) -> str:
    """0.2345 -> '23.5%'"""
    return f"{float(x) * 100:.{digits}f}%"


def and_list(items) -> str:
    """['Chiriquí', 'Panamá', 'Colón'] -> 'Chiriquí, Panamá and Colón' (items already formatted)."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def days(x) -> str:
    """Days to deploy or overdue: 1 -> '1 day', 4.5 -> '4.5 days' (a median may fall between two)."""
    x = float(x)
    text = f"{x:,.0f}" if x.is_integer() else f"{x:,.1f}"
    return f"{text} day" if x == 1 else f"{text} days"


def date(d) -> str:
    """2026-11-15 -> '15 November 2026'"""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return f"{d.day} {d:%B %Y}"


def count(n, one: str, many: str) -> str:
    """(1, 'sector submission', 'sector submissions') -> '1 sector submission'; 12 -> '12 sector submissions'."""
    n = int(n)
    return f"{number(n)} {one if n == 1 else many}"


def month(d) -> str:
    """2026-06-30 or 2026-06 -> 'June 2026'"""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10] if len(d) > 7 else d[:7] + "-01")
    return f"{d:%B %Y}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~^$@\"])")


def md(text) -> str:
    """Text from inputs as literal Markdown inline text: no markup, links or raw code get through."""
    s = " ".join(str(text if text is not None else "").split())
    s = _MD_SPECIAL.sub(r"\\\1", s)
    # A leading '-' or digit-dot would start a list inside a table cell or paragraph.
    return re.sub(r"^(\d+)\.", r"\1\\.", s)


def yaml_md(text) -> str:
    """Text from inputs as a YAML single-quoted scalar holding literal Markdown (for title blocks)."""
    return "'" + md(text).replace("'", "''") + "'"
