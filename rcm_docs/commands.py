"""What the sector-lead commands do: `rcm-docs validate` and `rcm-docs init`."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .common.errors import UsageError
from .common.plan import load_plan
from .common.workspace import SUBMISSION_SUFFIXES, submission_files
from .intake.tables.contract import TITLES, Severity


@dataclass
class Target:
    path: Path
    workspace: Path
    country: str
    sector: str
    preparing: bool = False  # a file of inputs/preparedness/<ISO3>/


def _preparing_country(ws: Path, path: Path) -> str | None:
    """The country of a path under the workspace's inputs/preparedness/<ISO3>/, else None."""
    try:
        rel = path.resolve().relative_to((ws / "inputs" / "preparedness").resolve())
    except ValueError:
        return None
    return rel.parts[0] if rel.parts else None


def _preparedness_targets(ws: Path, country: str) -> list[Target]:
    from .common.workspace import preparedness_dir, preparedness_inputs

    files = [preparedness_dir(ws, country) / "scenario.yaml"]  # listed even when missing: that is reported
    files += [p for p in preparedness_inputs(ws, country) if p.suffix != ".md" and p not in files]
    return [Target(f, ws, country, f.stem, True) for f in files]


def find_workspace(path: Path) -> Path | None:
    """The nearest folder at or above `path` holding inputs/plan.yaml."""
    for folder in [path, *path.parents] if path.is_dir() else list(path.parents):
        if (folder / "inputs" / "plan.yaml").is_file():
            return folder
    return None


def targets(paths: list[str], workspace: str | None, country: str | None, sector: str | None) -> list[Target]:
    """Files to validate, each with the workspace, country and sector it belongs to."""
    out = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{raw}: no such file or folder")
        ws = Path(workspace) if workspace else find_workspace(path.resolve())
        if ws is None:
            raise UsageError(f"{raw}: not inside a workspace (no inputs/plan.yaml above it); give --workspace")
        preparing = _preparing_country(ws, path)
        if path.is_dir():
            plan = load_plan(ws / "inputs" / "plan.yaml")
            if preparing:
                out += _preparedness_targets(ws, preparing)
                continue
            out += [Target(f, ws, f.parent.name, f.stem) for c in plan.country_codes for f in submission_files(ws, c)]
            out += [t for c in plan.preparedness_codes for t in _preparedness_targets(ws, c)]
            continue
        if preparing:
            out.append(Target(path, ws, preparing, path.stem, True))
            continue
        if path.suffix.lower() not in SUBMISSION_SUFFIXES:
            raise UsageError(f"{raw}: not a submission file ({', '.join(SUBMISSION_SUFFIXES)})")
        c = country or path.parent.name
        s = sector or path.stem
        out.append(Target(path, ws, c, s))
    return out


def _example(p) -> str:
    where = p.cell or (f"row {p.row}" if p.row else "file")
    if p.cell and p.column:  # 'line 6, column 6' or 'F6' says little to the submitter: the header too
        where += f" ({p.column})"
    value = f" {p.value!r}" if p.value and repr(p.value) not in p.message else ""
    return f"{where}{value}: {p.message}; {p.fix}"


def console_report(result, examples: int = 3) -> list[str]:
    """A verdict line, then problems grouped by rule with the first few examples."""
    lines = [f"{result.file}: {result.verdict.upper()} ({len(result.errors)} error(s), "
             f"{len(result.warnings)} warning(s) in {result.data_rows} "
             f"{'scenario(s)' if result.file.endswith('.yaml') else 'row(s)'})"]
    groups = defaultdict(list)
    for p in result.problems:
        groups[(p.severity, p.reason)].append(p)
    for (sev, reason), items in sorted(groups.items(), key=lambda kv: (kv[0][0] is not Severity.ERROR, kv[0][1].value)):
        rows = len({p.row for p in items})
        lines.append(f"  {sev.value} [{reason.value}] {rows} row(s): {TITLES[reason]}")
        lines += [f"    - {_example(p)}" for p in items[:examples]]
        if len(items) > examples:
            lines.append(f"    + {len(items) - examples} more")
    return lines


def validate(paths: list[str], workspace: str | None = None, country: str | None = None, sector: str | None = None,
             fmt: str = "text", annotate: str | None = None, examples: int = 3) -> tuple[int, str]:
    """-> (exit code, output). Exit 0 when nothing is rejected, 1 when something is. Each file is checked
    by the build's own step (build.validate.check_submissions), together with the other submissions of
    its country, so the command reports every problem the build will, the warnings across files too."""
    from .common.workspace import stray_files
    from .intake.tables.checks import Problem, Result
    from .intake.tables.contract import Reason
    from .steps.shared import printable, rel
    from .steps.validate import annotate as annotated_copy

    plans: dict[Path, object] = {}
    countries: dict[tuple[Path, str], dict[Path, object]] = {}  # the build's results, once per country
    results, notes = [], []
    for t in targets(paths, workspace, country, sector):
        if t.workspace not in plans:
            plans[t.workspace] = load_plan(t.workspace / "inputs" / "plan.yaml")
        plan = plans[t.workspace]
        if t.preparing:
            result = _preparedness_result(t, plan, countries)
        elif t.country not in plan.country_codes:
            import pandas as pd

            display = rel(t.workspace, t.path)
            result = Result(display, t.country, t.sector, pd.DataFrame(), [Problem(
                display, None, None, None, None, None, Reason.UNKNOWN_SECTOR_FILE,
                f"country {t.country!r} is not in the plan ({', '.join(plan.country_codes)})",
                "save the file as inputs/submissions/<ISO3>/<SECTOR>.xlsx, or give --country and --sector")], 0)
        else:
            result = _as_the_build_sees_it(t, countries)
        results.append(result)
        if annotate and t.path.suffix != ".yaml" and result.problems and any(p.row for p in result.problems):
            why = annotated_copy(t.path, result, Path(annotate) / f"{t.path.stem}.annotated.xlsx")
            if why:
                notes.append(f"{result.file}: no annotated copy ({why})")
    # A file no step would read stops the whole build before any job: a folder says so too.
    for raw in paths:
        ws = Path(workspace) if workspace else find_workspace(Path(raw).resolve())
        if Path(raw).is_dir() and ws is not None:
            plan = plans.get(ws) or load_plan(ws / "inputs" / "plan.yaml")
            notes += [f"not read, so the build stops: {printable(s)}" for s in stray_files(ws, plan.country_codes)]
    code = 1 if any(r.verdict == "rejected" for r in results) or any(n.startswith("not read") for n in notes) else 0
    if fmt == "json":
        return code, json.dumps([{"file": r.file, "country": r.country, "sector": r.sector, "verdict": r.verdict,
                                  "rows": r.data_rows, "problems": [p.to_dict() for p in r.problems]} for r in results],
                                indent=1, ensure_ascii=False)
    lines = []
    for r in results:
        lines += console_report(r, examples)
    rejected = sum(r.verdict == "rejected" for r in results)
    lines += notes
    lines.append(f"{len(results)} file(s): {len(results) - rejected} accepted, {rejected} rejected")
    return code, "\n".join(lines)


def _preparedness_result(t: Target, plan, cache: dict):
    """A preparedness file's result as the build's preparedness step checks it (with its country's other files)."""
    import pandas as pd

    from .intake.tables.checks import Problem, Result
    from .intake.tables.contract import Reason
    from .steps.preparedness import check_preparedness
    from .steps.shared import rel

    display = rel(t.workspace, t.path)
    if t.country not in plan.preparedness_codes:
        return Result(display, t.country, t.sector, pd.DataFrame(), [Problem(
            display, None, None, None, None, None, Reason.UNKNOWN_SECTOR_FILE,
            f"{t.country!r} is not in plan.yaml's preparedness list ({', '.join(plan.preparedness_codes) or 'none'})",
            "add the country to preparedness in plan.yaml, or move the file")], 0)
    key = (t.workspace, "preparedness", t.country)
    if key not in cache:
        cache[key] = {p.resolve(): r for p, r in check_preparedness(t.workspace, t.country)[0]}
    found = cache[key].get(t.path.resolve())
    if found is None:
        return Result(display, t.country, t.sector, pd.DataFrame(), [Problem(
            display, None, None, None, None, None, Reason.UNKNOWN_SECTOR_FILE,
            "not one of a country's preparedness files, so the build does not read it",
            "name it scenario.yaml, actions.csv or capacity.csv, or put a contingency submission in submissions/")], 0)
    return found


def _as_the_build_sees_it(t: Target, countries: dict):
    """The file's result when the build checks its country: a file of the workspace's submissions tree
    with its country's other files; any other file (or one given another --sector) as if dropped in as
    inputs/submissions/<country>/<sector>.<ext>, in place of that sector's current file."""
    from .steps.validate import check_submissions

    ws, me = t.workspace, t.path.resolve()
    tree = submission_files(ws, t.country)
    if t.sector == t.path.stem and me in {p.resolve() for p in tree}:
        if (ws, t.country) not in countries:
            countries[(ws, t.country)] = {p.resolve(): r for p, r in check_submissions(ws, t.country)}
        return countries[(ws, t.country)][me]
    others = [(p, p.stem) for p in tree if p.stem.casefold() != t.sector.casefold() and p.resolve() != me]
    files = sorted(others + [(t.path, t.sector)], key=lambda f: f[1] + f[0].suffix)  # the build's order: by name
    return check_submissions(ws, t.country, files)[files.index((t.path, t.sector))][1]


PLAN_TEMPLATE = """\
# Plan settings for rcm-docs. Checked before any build step runs: an unknown key or a bad code
# stops the build and names the key. Documentation: docs/workspace.md.

# Full title, printed on every document's title block.
title: {title}
# Short title for running headers.
short_title: {short_title}
# The refugee situation the plan responds to.
situation: {situation}
# Planning period.
period:
  start: {year}-01-01
  end: {year}-12-31
# Date the figures are as of; printed on documents and stamped into every file (reproducible builds).
as_of: {year}-01-01
# Currency of every amount (submission columns are *_usd).
currency: USD
# ISO 3166-1 alpha-3 codes; one chapter each. Names come from the code (override in country_names).
countries: [{countries}]
# Sectors of this plan, in document order. The code is the submission's file name: <ISO3>/<code>.xlsx
sectors:
  - {{code: PRO, name: Protection}}
  - {{code: EDU, name: Education}}
  - {{code: HEA, name: Health and Nutrition}}
  - {{code: FSC, name: Food Security}}
  - {{code: WSH, name: "Water, Sanitation and Hygiene"}}
  - {{code: SHE, name: Shelter and Settlements}}
  - {{code: LIV, name: Livelihoods and Economic Inclusion}}
  - {{code: BNE, name: Basic Needs}}
# Population groups targeted; submissions carry one target_<code> column per group.
population_groups:
  - {{code: refugees, name: Refugees and asylum-seekers}}
  - {{code: host_community, name: Host community, host_community: true}}
"""


def init(directory: str, countries: list[str], title: str) -> str:
    """A new workspace: commented plan.yaml, registry files, the folder tree. Refuses to overwrite."""
    from .common.plan import country_name

    root = Path(directory)
    if (root / "inputs").exists():
        raise UsageError(f"{root / 'inputs'} already exists; choose an empty folder")
    bad = [c for c in countries if country_name(c.upper()) is None]
    if bad:
        raise UsageError(f"not ISO 3166-1 alpha-3 country codes: {', '.join(bad)}")
    codes = [c.upper() for c in countries]
    inputs = root / "inputs"
    for c in codes:
        (inputs / "submissions" / c).mkdir(parents=True)
        (inputs / "narratives" / c).mkdir(parents=True)
    (inputs / "narratives" / "regional").mkdir(parents=True)
    year = 2027
    (inputs / "plan.yaml").write_text(PLAN_TEMPLATE.format(
        title=json.dumps(title), short_title=json.dumps(title), situation=json.dumps("Name of the refugee situation"),
        year=year, countries=", ".join(codes)), encoding="utf-8")
    (inputs / "partners.csv").write_text(
        "organisation,acronym,type\n"
        "United Nations High Commissioner for Refugees,UNHCR,UN\n", encoding="utf-8")
    (inputs / "population.csv").write_text(
        "country,population_group,current,planned\n"
        + "".join(f"{c},{g},0,0\n" for c in codes for g in ("refugees", "host_community")), encoding="utf-8")
    load_plan(inputs / "plan.yaml")  # what we wrote must pass our own checks
    return (f"New workspace in {root}: edit inputs/plan.yaml, list partners in inputs/partners.csv, planning "
            f"figures in inputs/population.csv; sector leads drop files in inputs/submissions/<ISO3>/. "
            f"Make a sector template with: rcm-docs template --workspace {root} --country {codes[0]} --sector PRO -o PRO.xlsx")


def template(workspace: str, country: str, sector: str, output: str) -> str:
    """The sector's Excel template, with the workspace's partners and (if any) gazetteer as drop-downs."""
    from .intake.readers.registries import read_gazetteer, read_partners
    from .intake.tables.xlsx_template import write_template

    ws = Path(workspace)
    plan = load_plan(ws / "inputs" / "plan.yaml")
    country, sector_code = country.upper(), {s.casefold(): s for s in plan.sector_codes}.get(sector.casefold())
    if country not in plan.country_codes:
        raise UsageError(f"--country {country}: not a country of the plan ({', '.join(plan.country_codes)})")
    if sector_code is None:
        raise UsageError(f"--sector {sector}: not a sector of the plan ({', '.join(plan.sector_codes)})")
    if not output.lower().endswith(".xlsx"):
        raise UsageError(f"-o {output}: the template is an Excel workbook; name it .xlsx")
    gazetteer = read_gazetteer(ws / "inputs" / "gazetteer.csv", plan.all_country_codes)
    areas = sorted(set(gazetteer[country].values())) if gazetteer else None
    write_template(plan, read_partners(ws / "inputs" / "partners.csv"), country, sector_code, output, areas, plan.epoch)
    return (f"Wrote {output}: fill in the Submission sheet, check it with `rcm-docs validate {output} "
            f"--workspace {workspace} --country {country} --sector {sector_code}`, then save it as "
            f"inputs/submissions/{country}/{sector_code}.xlsx")


def diff(old: str, new: str, out: str, fmt: str = "text") -> str:
    """Two builds: a redline DOCX for every document whose bytes changed (the build's folders kept under OUT),
    the documents added and removed, and changes.md / changes.xlsx: every figure that moved, derived ones
    included, with the inputs and submission rows behind it. Two DOCX: one redline and one line of counts."""
    old_p, new_p, out_p = Path(old), Path(new), Path(out)
    if old_p.suffix.lower() == ".docx" and new_p.suffix.lower() == ".docx":
        return _diff_documents(old_p, new_p, out_p, fmt)
    for p in (old_p, new_p):
        if not (p / "figures").is_dir():
            raise UsageError(f"{p}: not a build folder (no figures/ in it) nor a .docx file")
    from .review.drafts import diff_builds

    return diff_builds(old_p, new_p, out_p, fmt)


def _diff_documents(old_p: Path, new_p: Path, out_p: Path, fmt: str) -> str:
    from .review.drafts import count_line
    from .review.redline import redline

    target = out_p if out_p.suffix.lower() == ".docx" else out_p / f"{new_p.stem}.redline.docx"
    target.parent.mkdir(parents=True, exist_ok=True)
    counts = redline(old_p, new_p, target)
    if fmt == "json":
        return json.dumps({"document": str(new_p), "redline": str(target), **counts}, indent=1)
    return f"{new_p}: {count_line(counts)} -> {target}"

