"""The plan's registries, kept by the coordinator: partners (partners.csv), population planning figures
(population.csv), the admin1 gazetteer (gazetteer.csv). A registry that breaks its contract stops the
build with every problem, one per line."""
from __future__ import annotations

from pathlib import Path

from ...common.errors import InputError
from ...common.gate import UnsafeFile, read_bytes
from ..tables.contract import normalise_header
from ..tables.read import read_csv

MAX_REGISTRY_BYTES = 20 * 1024 * 1024  # a gazetteer of every admin2 of a region is a few MB


class RegistryError(InputError):
    """partners.csv or population.csv breaks its contract: every problem, one per line."""


def read_registry_csv(path: str | Path, required: list[str], optional: list[str] = ()) -> tuple[list[dict], list[int]]:
    path = Path(path)
    if not path.exists():
        raise RegistryError(f"{path}: not found; the workspace needs it (columns: {', '.join(required)})")
    try:
        data = read_bytes(path, MAX_REGISTRY_BYTES)  # a link to a file outside the workspace is never followed
    except UnsafeFile as e:
        raise RegistryError(str(e)) from None
    names = {normalise_header(c): c for c in [*required, *optional]}
    table = read_csv(path, set(names), data)
    headers = [names.get(normalise_header(h), normalise_header(h)) for h in table.headers]
    missing = [c for c in required if c not in headers]
    if missing:
        raise RegistryError(f"{path}: line {table.header_row}: missing column(s) {', '.join(missing)}")
    rows = [{h: (str(v).strip() if v is not None else "") for h, v in zip(headers, r)} for r in table.rows]
    return rows, table.row_numbers


SCOPES = ("national", "international")


def read_partners(path: str | Path):
    """The partner registry as a DataFrame (organisation, acronym, type, scope, countries); duplicates and
    blanks refused. scope (national or international) and countries (ISO3 codes where the partner is
    registered, separated by spaces, commas or semicolons) are optional."""
    import re

    import pandas as pd

    rows, lines = read_registry_csv(path, ["organisation", "type"], ["acronym", "scope", "countries"])
    problems, seen = [], {}
    for row, line in zip(rows, lines):
        org = row["organisation"]
        if not org:
            problems.append(f"{path}: line {line}, column organisation: empty; give the organisation's full name")
        elif org.casefold() in seen:
            problems.append(f"{path}: line {line}, column organisation: {org!r} is already on line {seen[org.casefold()]}; keep one")
        else:
            seen[org.casefold()] = line
        if not row["type"]:
            problems.append(f"{path}: line {line}, column type: empty for {org!r}; give its type (UN, INGO, NNGO, ...)")
        row["scope"] = row.get("scope", "").casefold()
        if row["scope"] not in SCOPES + ("",):
            problems.append(f"{path}: line {line}, column scope: {row['scope']!r} for {org!r}; write national or international")
        codes = [c.upper() for c in re.split(r"[\s,;]+", row.get("countries", "")) if c]
        bad = [c for c in codes if not re.fullmatch(r"[A-Z]{3}", c)]
        if bad:
            problems.append(f"{path}: line {line}, column countries: {', '.join(map(repr, bad))} for {org!r}; "
                            "write ISO3 codes (COL PER ECU), separated by spaces")
        row["countries"] = " ".join(codes)
    if problems:
        raise RegistryError("\n".join(problems))
    return pd.DataFrame({c: [r.get(c, "") for r in rows] for c in ("organisation", "acronym", "type", "scope", "countries")})


def read_population(path: str | Path, countries: list[str], groups: list[str]):
    """Planning figures per country and population group; unknown codes and bad numbers refused."""
    import datetime as dt

    import pandas as pd

    rows, lines = read_registry_csv(path, ["country", "population_group", "current", "planned"], ["source", "as_of"])
    problems, out = [], []
    for row, line in zip(rows, lines):
        if row["country"] not in countries:
            problems.append(f"{path}: line {line}, column country: {row['country']!r} is not a country of the plan ({', '.join(countries)})")
        if row["population_group"] not in groups:
            problems.append(f"{path}: line {line}, column population_group: {row['population_group']!r} is not a population group of the plan ({', '.join(groups)})")
        nums = {}
        for col in ("current", "planned"):
            try:
                nums[col] = float(row[col]) if row[col] else 0.0
                if nums[col] < 0:
                    raise ValueError
            except ValueError:
                problems.append(f"{path}: line {line}, column {col}: {row[col]!r} is not a whole, non-negative number of people")
        if row.get("as_of"):
            try:
                dt.date.fromisoformat(row["as_of"])
            except ValueError:
                problems.append(f"{path}: line {line}, column as_of: {row['as_of']!r} is not a date; write it as YYYY-MM-DD")
        out.append({"country": row["country"], "population_group": row["population_group"], **nums,
                    "source": row.get("source", ""), "as_of": row.get("as_of", "")})
    if problems:
        raise RegistryError("\n".join(problems))
    return pd.DataFrame(out, columns=["country", "population_group", "current", "planned", "source", "as_of"])


def read_gazetteer(path: str | Path, countries: list[str]) -> dict[str, dict[str, str]] | None:
    """Optional inputs/gazetteer.csv (country, admin1): per country, folded name -> name as written.
    None when the workspace has none, and then admin1 is not checked."""
    import re

    path = Path(path)
    if not path.exists():
        return None
    rows, lines = read_registry_csv(path, ["country", "admin1"])
    problems = [f"{path}: line {line}, column country: {r['country']!r} is not a country of the plan"
                for r, line in zip(rows, lines) if r["country"] not in countries]
    if problems:
        raise RegistryError("\n".join(problems))
    out: dict[str, dict[str, str]] = {c: {} for c in countries}
    for r in rows:
        if r["admin1"]:
            out[r["country"]][re.sub(r"\s+", " ", r["admin1"]).strip().casefold()] = r["admin1"]
    return out
