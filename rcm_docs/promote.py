"""`rcm-docs promote ISO3`: after an influx, a country's contingency plan becomes the starting inputs of its chapter,
so that the first RRP draft is a build, not a copy-paste."""
from __future__ import annotations

from pathlib import Path

from .common.errors import InputError, UsageError
from .common.plan import load_plan
from .common.workspace import submission_files


def promote(workspace: str, country: str, force: bool = False) -> str:
    """An influx has come: a country's contingency plan becomes the starting inputs of its chapter. Adds the
    country to plan.yaml's countries, copies its contingency submissions to inputs/submissions/<ISO3>/, writes
    its population planning rows (and people in need, when the scenario gives them) and copies its sector
    response strategies as the chapter's sector narratives. Refuses to replace what the chapter already has,
    unless force. -> what it wrote, one line each."""
    import shutil

    from .common.workspace import contingency_submissions, preparedness_dir
    from .steps.preparedness import check_preparedness

    ws = Path(workspace)
    plan = load_plan(ws / "inputs" / "plan.yaml")
    country = country.upper()
    if country not in plan.preparedness_codes:
        raise UsageError(f"{country}: not a country of plan.yaml's preparedness list "
                         f"({', '.join(plan.preparedness_codes) or 'none'}); only a contingency plan can be promoted")
    results, data = check_preparedness(ws, country)
    rejected = [r.file for _, r in results if r.verdict == "rejected"]
    if rejected:
        raise InputError(f"{country}: these preparedness files are rejected, so nothing is promoted: "
                         f"{', '.join(rejected)}; see `rcm-docs validate {ws / 'inputs' / 'preparedness' / country}`")
    submissions = contingency_submissions(ws, country)
    if not submissions:
        raise InputError(f"{country}: no contingency submission in {preparedness_dir(ws, country) / 'submissions'} to promote")
    planning = next(s for s in data["scenario"]["scenarios"] if s["planning"])
    figure = planning["planning_figure"]
    inputs = ws / "inputs"
    target, narratives = inputs / "submissions" / country, inputs / "narratives" / country
    strategies = sorted((preparedness_dir(ws, country) / "narratives").glob("*.md"))
    there = ([str(p.relative_to(ws)) for p in submission_files(ws, country)]
             + [f"{p.relative_to(ws)}: rows of {country}" for p in (inputs / "population.csv", inputs / "needs.csv")
                if _rows_of(p, country)]
             + [str((narratives / p.name).relative_to(ws)) for p in strategies if (narratives / p.name).exists()])
    if there and not force:
        raise UsageError(f"{country} already has chapter inputs: {'; '.join(there)}. Give --force to replace them")
    wrote = []
    if country not in plan.country_codes:
        path = inputs / "plan.yaml"
        from .common.gate import read_text

        path.write_text(_add_country(read_text(path), country), encoding="utf-8")
        wrote.append(f"inputs/plan.yaml: {country} added to countries (it stays under preparedness, so its contingency "
                     "plan and dashboard still build; take it out once the contingency plan is closed)")
    for p in submission_files(ws, country):
        p.unlink()
        wrote.append(f"{p.relative_to(ws)}: removed (--force)")
    target.mkdir(parents=True, exist_ok=True)
    for p in submissions:
        shutil.copyfile(p, target / p.name)
        wrote.append(f"{(target / p.name).relative_to(ws)}: copied from {p.relative_to(ws)}")
    source = f"Contingency plan, scenario {planning['code']}: {planning['name']}"
    as_of = data["scenario"]["analysis_date"]
    current = figure.get("current") or {}
    rows = [{"country": country, "population_group": g.code, "current": current.get(g.code, 0),
             "planned": figure["by_group"][g.code], "source": source, "as_of": as_of} for g in plan.population_groups]
    _replace_rows(inputs / "population.csv", country, rows, ["country", "population_group", "current", "planned"])
    wrote.append(f"inputs/population.csv: {len(rows)} planning rows of {country} (planned = the scenario's planning figure)")
    if figure.get("people_in_need"):
        needs = [{"country": country, "sector": "intersectoral", "population_group": g.code, "admin1": "",
                  "people_in_need": figure["people_in_need"][g.code], "source": source, "as_of": as_of}
                 for g in plan.population_groups]
        _replace_rows(inputs / "needs.csv", country, needs,
                      ["country", "sector", "population_group", "admin1", "people_in_need", "source", "as_of"])
        wrote.append(f"inputs/needs.csv: {len(needs)} intersectoral people-in-need rows of {country}")
    for p in strategies:
        narratives.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, narratives / p.name)
        wrote.append(f"{(narratives / p.name).relative_to(ws)}: the contingency plan's response strategy, to update")
    load_plan(inputs / "plan.yaml")  # what we wrote must pass our own checks
    wrote.append(f"Build the first draft of the {plan.country_name(country)} chapter with: snakemake --cores 2")
    return "\n".join(wrote)


def _rows_of(path: Path, country: str) -> int:
    import csv

    if not path.is_file():
        return 0
    import io

    from .common.gate import read_text

    text = read_text(path, 20 * 1024 * 1024)  # a link out of the workspace is refused
    return sum(1 for r in csv.DictReader(io.StringIO(text, newline="")) if (r.get("country") or "").strip() == country)


def _replace_rows(path: Path, country: str, rows: list[dict], required: list[str]) -> None:
    """A registry CSV with the country's rows replaced by `rows`: other rows and columns kept as they were; the
    columns `rows` carry are added to the header where it lacks them."""
    import csv
    import io

    header, kept = list(required), []
    if path.is_file():
        from .common.gate import read_text

        reader = csv.DictReader(io.StringIO(read_text(path, 20 * 1024 * 1024), newline=""))
        header = list(reader.fieldnames or required)
        kept = [r for r in reader if (r.get("country") or "").strip() != country]
    header += [c for c in rows[0] if c not in header]
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(kept + rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _add_country(text: str, code: str) -> str:
    """plan.yaml's text with `code` added at the end of countries, in the list's own style (a block list or
    [A, B]); every other line, comments included, as it was."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    node = next(v for k, v in root.value if k.value == "countries")
    if node.flow_style:
        close = text.rindex("]", 0, node.end_mark.index)
        return text[:close] + f", {code}" + text[close:]
    last = node.value[-1]
    start = text.rindex("\n", 0, last.start_mark.index) + 1
    end = text.find("\n", last.end_mark.index)
    end = len(text) if end == -1 else end
    return text[:end] + "\n" + text[start:last.start_mark.index] + code + text[end:]
