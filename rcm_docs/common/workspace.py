"""Where things live in a plan workspace (any folder with an inputs/ tree)."""
from __future__ import annotations

import re
from pathlib import Path

SUBMISSION_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
PROJECT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _visible(p: Path) -> bool:
    # Excel leaves ~$lock files beside open workbooks; editors leave dotfiles.
    return not p.name.startswith((".", "~$"))


def submission_files(root: str | Path, country: str) -> list[Path]:
    folder = Path(root) / "inputs" / "submissions" / country
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _visible(p) and p.suffix.lower() in SUBMISSION_SUFFIXES)


def funding_files(root: str | Path) -> list[Path]:
    folder = Path(root) / "inputs" / "funding"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _visible(p) and p.suffix.lower() in SUBMISSION_SUFFIXES)


def stray_files(root: str | Path, countries: list[str]) -> list[str]:
    """Files under inputs/submissions (and inputs/boundaries) that no rule would read: a drop that would
    silently vanish."""
    base = Path(root) / "inputs" / "submissions"
    out = []
    folder = Path(root) / "inputs" / "boundaries"
    for p in sorted(folder.iterdir()) if folder.is_dir() else []:
        if _visible(p) and not (p.is_file() and p.suffix == ".geojson" and p.stem in countries):
            out.append(f"{p}: admin1 boundaries go in inputs/boundaries/<ISO3>.geojson, for a country of the plan "
                       f"({', '.join(countries)})")
    if not base.is_dir():
        return out
    for c in countries:
        seen: dict[str, Path] = {}
        for p in submission_files(root, c):
            key = p.stem.casefold()
            if key in seen:
                out.append(f"{p}: {seen[key].name} is the same sector's submission; keep one of the two files")
            seen[key] = p
    for p in sorted(base.rglob("*")):
        if not p.is_file() or not _visible(p):
            continue
        rel = p.relative_to(base)
        if len(rel.parts) != 2:
            out.append(f"{p}: submissions go in inputs/submissions/<ISO3>/<sector-code>.csv or .xlsx")
        elif rel.parts[0] not in countries:
            out.append(f"{p}: folder {rel.parts[0]!r} is not a country of the plan ({', '.join(countries)}); "
                       f"add it to countries in plan.yaml or move the file")
        elif p.suffix.lower() not in SUBMISSION_SUFFIXES:
            out.append(f"{p}: {p.suffix or 'no extension'} files are not read; save it as .xlsx or .csv")
    return out


def progress_files(root, period: str) -> list[Path]:
    """inputs/sitreps/<period>/progress/*: the partners' progress reports of one reporting period."""
    folder = Path(root) / "inputs" / "sitreps" / period / "progress"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                  and p.suffix.lower() in (".csv", ".xlsx", ".xlsm", ".xls", ".ods"))


def reporting_periods(root) -> list[str]:
    """inputs/sitreps/<YYYY-MM>/: every month partners reported progress (or a sitrep is written) for, in order."""
    folder = Path(root) / "inputs" / "sitreps"
    return sorted(p.name for p in folder.glob("*") if p.is_dir() and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", p.name))


def sitrep_periods(root) -> list[str]:
    """The months that get a situation report: those whose folder holds highlights/ or figures.csv. A month
    with progress/ only feeds the later sitreps' figures since the plan's start and their monthly trend."""
    folder = Path(root) / "inputs" / "sitreps"
    return [p for p in reporting_periods(root)
            if (folder / p / "highlights").is_dir() or (folder / p / "figures.csv").is_file()]


ISSUED = Path("inputs") / "issued" / "sitreps"  # <period>/: the documents as sent, kept as inputs


ISSUE_LOG = Path("inputs") / "issued" / "log.csv"
ISSUE_LOG_COLUMNS = ["period", "action", "date", "reason"]


def issue_log(root) -> list[dict]:
    """Every issue and re-issue of a sitrep month, oldest first (inputs/issued/log.csv)."""
    import csv

    path = Path(root) / ISSUE_LOG
    if not path.is_file():
        return []
    import io

    from .gate import read_text

    text = read_text(path, 10 * 1024 * 1024, shown=ISSUE_LOG)  # a link out of the workspace is refused
    return [{k: r.get(k) or "" for k in ISSUE_LOG_COLUMNS} for r in csv.DictReader(io.StringIO(text, newline=""))]


def issued_periods(root) -> list[str]:
    """The sitrep months marked issued (`rcm-docs issue PERIOD`): their documents are copied, never rebuilt."""
    folder = Path(root) / ISSUED
    return sorted(p.name for p in folder.glob("*") if p.is_dir() and re.fullmatch(r"\d{4}-\d{2}", p.name))


def boundaries_file(root: str | Path, country: str) -> Path | None:
    """inputs/boundaries/<ISO3>.geojson: a country's admin1 polygons, when the workspace has them."""
    p = Path(root) / "inputs" / "boundaries" / f"{country}.geojson"
    return p if p.is_file() else None


def narrative_path(doc: str, section: str) -> str:
    """inputs/narratives/<ISO3|regional>/<overview|sector-code>.md, relative to the workspace."""
    return f"inputs/narratives/{doc}/{section}.md"


def template_dirs(root: str | Path, project_templates: str | Path | None = None) -> list[Path]:
    """Workspace templates/ first (overrides), then the project's."""
    dirs = [Path(root) / "templates", Path(project_templates or PROJECT_TEMPLATES)]
    return [d for i, d in enumerate(dirs) if d.is_dir() and d.resolve() not in [x.resolve() for x in dirs[:i]]]


def find_template(name: str, dirs: list[Path]) -> Path:
    for d in dirs:
        if (d / name).is_file():
            return d / name
    raise FileNotFoundError(f"template {name!r} not found in {', '.join(map(str, dirs))}")


_code_version: list[str] = []  # the installed code does not change under a running build (3 MB hashed once)


def code_version() -> str:
    """A short hash of the package's code, schemas, pandoc script and geo reference: what a build step's result
    depends on besides its inputs."""
    if not _code_version:
        _code_version.append(_hash_package())
    return _code_version[0]


def adopt_code_version(value: str) -> None:
    """A build's worker process takes the code version its build computed, instead of hashing the package
    again at its first step (30 ms, on the way to the first document)."""
    _code_version[:] = [value]


def _hash_package() -> str:
    import hashlib

    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and (p.suffix in (".py", ".json", ".lua") or p.parent.name == "geo") and "__pycache__" not in p.parts:
            h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


# Preparedness (inputs/preparedness/<ISO3>/): a country at risk's scenario, actions, partner capacity, contingency
# submissions and the sector response strategies of its contingency plan.
PREPAREDNESS_FILES = ("scenario.yaml", "actions.csv", "capacity.csv")


def preparedness_dir(root, country: str) -> Path:
    return Path(root) / "inputs" / "preparedness" / country


def preparedness_inputs(root, country: str) -> list[Path]:
    """Every file the preparedness steps of one country read: scenario.yaml, actions and capacity (CSV or a
    workbook), the contingency submissions and the narratives."""
    folder = preparedness_dir(root, country)
    if not folder.is_dir():
        return []
    own = [p for p in sorted(folder.iterdir()) if p.is_file() and _visible(p)
           and (p.name == "scenario.yaml" or (p.stem in ("actions", "capacity") and p.suffix.lower() in SUBMISSION_SUFFIXES))]
    return own + contingency_submissions(root, country) + sorted(
        p for p in (folder / "narratives").glob("*.md") if p.is_file() and _visible(p))


def preparedness_table(root, country: str, name: str) -> Path | None:
    """inputs/preparedness/<ISO3>/<name>.csv (or .xlsx ...), None when absent."""
    folder = preparedness_dir(root, country)
    found = sorted(p for p in folder.glob(f"{name}.*") if p.is_file() and _visible(p)
                   and p.suffix.lower() in SUBMISSION_SUFFIXES) if folder.is_dir() else []
    return found[0] if found else None


def contingency_submissions(root, country: str) -> list[Path]:
    folder = preparedness_dir(root, country) / "submissions"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _visible(p) and p.suffix.lower() in SUBMISSION_SUFFIXES)


def stray_preparedness(root, countries: list[str]) -> list[str]:
    """Files under inputs/preparedness that no step would read: a country that is not preparing, a file the
    contract does not name, two files for one table."""
    base = Path(root) / "inputs" / "preparedness"
    if not base.is_dir():
        return []
    out = []
    for p in sorted(base.rglob("*")):
        if not p.is_file() or not _visible(p):
            continue
        rel = p.relative_to(base)
        if rel.parts[0] not in countries:
            out.append(f"{p}: folder {rel.parts[0]!r} is not a country of the plan's preparedness list "
                       f"({', '.join(countries) or 'none'}); add it to preparedness in plan.yaml or move the file")
            continue
        read = set(preparedness_inputs(root, rel.parts[0]))
        if p not in read:
            out.append(f"{p}: not read; a country's preparedness folder holds scenario.yaml, actions.csv, capacity.csv, "
                       "submissions/<SECTOR>.csv or .xlsx and narratives/<SECTOR>.md")
    for c in countries:
        for name in ("actions", "capacity"):
            found = [p for p in preparedness_dir(root, c).glob(f"{name}.*") if p.is_file() and _visible(p)
                     and p.suffix.lower() in SUBMISSION_SUFFIXES]
            if len(found) > 1:
                out.append(f"{preparedness_dir(root, c)}: {', '.join(sorted(p.name for p in found))} are the same table; keep one")
        seen: dict[str, Path] = {}
        for p in contingency_submissions(root, c):
            if p.stem.casefold() in seen:
                out.append(f"{p}: {seen[p.stem.casefold()].name} is the same sector's submission; keep one of the two files")
            seen[p.stem.casefold()] = p
    return out
