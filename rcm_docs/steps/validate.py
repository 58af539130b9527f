"""Validation steps: every submission, funding file and reporting period's progress file checked, each
with its report; accepted rows and verdicts written for the steps downstream. Never fails on bad data."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from ..common.files import atomic_write_text
from ..common.plan import workspace_plan
from ..common.workspace import funding_files, progress_files, submission_files
from .shared import printable, rel, write_json


def check_submissions(root, country: str, files: list[tuple[Path, str]] | None = None,
                      cache: Path | None = None) -> list[tuple[Path, object]]:
    """Every submission of one country checked as the build checks it: each file on its own, then across
    the country's files (the same activity appealed for in two sectors' files). `rcm-docs validate` calls
    this too, so the command and the build agree on every problem. files: (path, sector) pairs to check,
    by default the country's submissions, each of the sector its name says. cache: a folder keeping each
    file's own check (FileChecks), so that a country whose one file changed checks that file alone.
    -> (path, Result) pairs."""
    import pandas as pd

    from ..intake.readers.framework import read_indicators
    from ..intake.readers.registries import read_gazetteer, read_partners
    from ..intake.tables.checks import Problem, Registry, Result
    from ..intake.tables.contract import Reason
    from ..intake.tables.validate import (
        cross_sector_duplicates,
        scale_warnings,
        validate_file,
    )

    plan = workspace_plan(root)
    registry = Registry(read_partners(Path(root) / "inputs" / "partners.csv"))
    gazetteer = read_gazetteer(Path(root) / "inputs" / "gazetteer.csv", plan.all_country_codes)
    framework = read_indicators(Path(root) / "inputs" / "indicators.csv", plan)
    if files is None:
        files = [(p, p.stem) for p in submission_files(root, country)]
    kept = FileChecks(cache, root, country, plan.max_file_bytes) if cache else None
    results = []
    for path, sector in files:
        path = Path(path)
        display = rel(root, path)
        if sector not in plan.sector_codes:
            close = [c for c in plan.sector_codes if c.casefold() == sector.casefold()]
            fix = (f"rename the file to {close[0]}{path.suffix}" if close
                   else f"name the file after a sector code of the plan: {', '.join(plan.sector_codes)}")
            result = Result(display, country, sector, pd.DataFrame(), [Problem(
                display, None, None, None, None, path.name, Reason.UNKNOWN_SECTOR_FILE,
                f"{sector!r} is not a sector code of the plan", fix)], 0)
        else:
            check = functools.partial(validate_file, path, plan, registry, country, sector, display,
                                      gazetteer[country] if gazetteer else None, framework)
            result = kept.check(path, display, sector, check) if kept else check()
        results.append((path, result))
    if kept:
        kept.forget_the_rest()
    cross_sector_duplicates([r for _, r in results])
    scale_warnings([r for _, r in results], plan)
    return results


@functools.lru_cache(maxsize=1)
def _reader_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("pandas", "numpy", "python-calamine", "openpyxl"):
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


class FileChecks:
    """Each submission's own check (validate_file's Result, before the checks across the country's files),
    kept under the SHA-256 of everything it depends on: the file's bytes and name, the country and sector,
    plan.yaml, the partner registry, the gazetteer, the indicator framework, rcm-docs' own code, Python's
    version and those of the libraries that read the file. Only a file read whole is kept: a refused or
    unreadable one (a link, a file being saved, one over the size limit) is checked again each time, since
    why it was refused may lie outside its bytes. A kept check that cannot be read is made again; checks
    this run did not use are forgotten; a cache that cannot be written only costs the next run its time."""

    CONTEXT = ("plan.yaml", "partners.csv", "gazetteer.csv", "indicators.csv")

    def __init__(self, folder: Path, root, country: str, max_bytes: int):
        import hashlib
        import sys

        from ..common.workspace import code_version

        self.folder, self.max_bytes = Path(folder) / country, max_bytes
        # The readers' versions too: an upgraded pandas or calamine may read the same bytes differently.
        h = hashlib.sha256(f"{code_version()}\0{sys.version}\0{_reader_versions()}\0{country}\0".encode())
        for name in self.CONTEXT:
            f = Path(root) / "inputs" / name
            h.update(name.encode() + b"\0" + (f.read_bytes() if f.is_file() else b"-") + b"\0")
        self.context = h.hexdigest()
        self.used: set[str] = set()

    def _key(self, path: Path, display: str, sector: str) -> tuple[str, str] | None:
        """-> (key, SHA-256 of the bytes), or None for a file not to keep: not a plain file (a link), or
        over the size limit (read_submission refuses both before reading them)."""
        import hashlib
        import stat

        st = Path(path).lstat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > self.max_bytes:
            return None
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        data = h.hexdigest()
        return hashlib.sha256(f"{self.context}\0{display}\0{sector}\0{data}".encode()).hexdigest(), data

    def check(self, path: Path, display: str, sector: str, make):
        """The file's kept check, or make() (validate_file), kept for the next run when the file was read whole
        and is still the bytes hashed here."""
        import os
        import pickle
        import tempfile

        try:
            found = self._key(path, display, sector)
        except OSError:
            found = None  # validate_file says what is wrong with the file
        if found is None:
            return make()
        key, data = found
        self.used.add(key)
        try:
            return pickle.loads((self.folder / f"{key}.pickle").read_bytes())
        except Exception:  # noqa: BLE001  none kept, or unreadable: checked again
            pass
        result = make()
        if result.sha256 != data:
            return result  # refused or unreadable (sha256 None), or changed while it was checked: keep nothing
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as f:
                f.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, self.folder / f"{key}.pickle")
        except OSError:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
        return result

    def forget_the_rest(self) -> None:
        try:
            for f in list(self.folder.glob("*.pickle")) + list(self.folder.glob(".*.tmp")):
                if f.suffix == ".tmp" or f.stem not in self.used:
                    f.unlink(missing_ok=True)
        except OSError:
            pass


CHECKS_KEPT = "build/.cache/checked"  # under build/, outside every folder a step's outputs empty


def validate_country(*, root, country: str, rows_out, status_out, reports_dir) -> dict:
    """Validate every submission of one country; accepted rows -> rows_out, verdicts -> status_out.
    Never fails on bad data: the verdicts gate the documents downstream."""
    import pandas as pd

    from ..intake.tables.validate import output_columns
    from ..model.merge import merge, write_rows_csv

    plan = workspace_plan(root)
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    results = check_submissions(root, country, cache=Path(root) / CHECKS_KEPT)
    frames, subs = [], []
    for path, result in results:
        sector_name = plan.sector_name(result.sector) if result.sector in plan.sector_codes else result.sector
        failed = None
        if any(p.row for p in result.problems):
            failed = annotate(path, result, reports_dir / f"{printable(path.stem)}.annotated.xlsx", plan.epoch)
        subs.append(write_report(root, reports_dir, path, result, plan.country_name(country), sector_name, failed))
        frames.append(result.rows)
    rows = merge(frames, plan)
    if rows.empty:
        rows = pd.DataFrame(columns=output_columns(plan))
    write_rows_csv(rows, rows_out)
    status = {"country": country, "submissions": subs,
              "rejected": [s["file"] for s in subs if s["verdict"] == "rejected"], **_map_check(root, plan, country, rows)}
    write_json(status_out, status)
    return status


def _map_check(root, plan, country: str, rows) -> dict:
    """The accepted rows' areas that no map location matches (each with its file, rows and the closest name
    on the map), or why the country's boundaries file cannot be used: for the validation summary."""
    from ..intake.readers.places import (
        BoundariesError,
        unmapped_rows,
        workspace_locations,
    )

    try:
        located = workspace_locations(root, plan, country, rows["admin1"].unique() if len(rows) else [])
    except BoundariesError as e:
        return {"unmapped": [], "map_problem": str(e)}
    return {"unmapped": unmapped_rows(located, rows), "map_problem": None}


def annotate(path: Path, result, out: Path, epoch=None) -> str | None:
    """A submission's annotated copy; a file it cannot be made of must not fail its whole country (the
    report lists every problem anyway). -> None, or why there is no annotated copy."""
    from ..intake.tables.annotate import write_annotated

    try:
        write_annotated(path, result, out, epoch)
        return None
    except Exception as e:  # noqa: BLE001  any reader or writer error: the copy is a convenience
        out.unlink(missing_ok=True)
        return f"{type(e).__name__}: {e}"


def write_report(root, reports_dir: Path, path: Path, result, where: str, what: str, no_annotated: str | None = None) -> dict:
    """One file's validation report (Markdown and HTML) and its line in the status file."""
    from ..intake.tables.report import submission_report, to_html

    report = reports_dir / f"{printable(path.name)}.md"
    text = submission_report(result, where, what)
    if no_annotated:
        text += (f"\nNo annotated copy of this file could be written ({printable(no_annotated)}); "
                 "every problem is listed above.\n")
    atomic_write_text(report, text)
    atomic_write_text(report.with_suffix(".html"), to_html(text, f"Validation report: {result.file}"))
    return {"file": result.file, "sector": result.sector, "verdict": result.verdict, "rows": result.data_rows,
            "errors": len(result.errors), "warnings": len(result.warnings), "report": rel(root, report)}


def validate_funding(*, root, rows_out, status_out, reports_dir) -> dict:
    """Every funding file checked like a submission; accepted rows -> rows_out. Never fails on bad data."""
    import pandas as pd

    from ..intake.readers.funding import validate_funding as check
    from ..intake.readers.registries import read_partners
    from ..intake.tables.checks import Registry
    from ..model.merge import write_rows_csv

    plan = workspace_plan(root)
    registry = Registry(read_partners(Path(root) / "inputs" / "partners.csv"))
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    frames, subs = [], []
    for path in funding_files(root):
        display = rel(root, path)
        result = check(path, plan, registry, display)
        subs.append(write_report(root, reports_dir, path, result, "all countries", "funding"))
        frames.append(result.rows)
    rows = pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(not f.empty for f in frames) else pd.DataFrame(
        columns=["donor", "organisation", "organisation_type", "country", "sector", "amount_usd", "status", "date",
                 "source_file", "source_row"])
    write_rows_csv(rows, rows_out)
    status = {"country": "funding", "submissions": subs, "rejected": [s["file"] for s in subs if s["verdict"] == "rejected"]}
    write_json(status_out, status)
    return status


def validate_sitrep(*, root, period: str, rows_dir, figures_out, status_out, reports_dir) -> dict:
    """Progress files and figures.csv of one reporting period, checked like submissions. Never fails on bad data.
    Accepted rows -> rows_dir/<ISO3>.rows.csv, one file per plan country: a country's sitrep reads every earlier
    month, and reading every country's rows of every month for each country was most of its time."""
    import pandas as pd

    from ..intake.readers.framework import read_indicators
    from ..intake.readers.progress import (
        output_columns,
        read_key_figures,
        validate_progress,
    )
    from ..intake.readers.registries import read_gazetteer, read_partners
    from ..intake.tables.checks import Registry, Result
    from ..model.merge import write_rows_csv

    plan = workspace_plan(root)
    registry = Registry(read_partners(Path(root) / "inputs" / "partners.csv"))
    gazetteer = read_gazetteer(Path(root) / "inputs" / "gazetteer.csv", plan.all_country_codes)
    framework = read_indicators(Path(root) / "inputs" / "indicators.csv", plan)
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    frames, figures, subs = [], pd.DataFrame(), []
    checks = [(p, "progress") for p in progress_files(root, period)]
    fig_csv = Path(root) / "inputs" / "sitreps" / period / "figures.csv"
    if fig_csv.is_file():
        checks.append((fig_csv, "figures"))
    for path, what in checks:
        display = rel(root, path)
        if what == "progress":
            rows, problems = validate_progress(path, plan, registry, gazetteer, display, framework)
            frames.append(rows)
        else:
            figures, problems = read_key_figures(path, plan, display)
        result = Result(display, "", what, pd.DataFrame(), problems, 0)
        subs.append(write_report(root, reports_dir, path, result, f"reporting period {period}", what))
    rows = pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(not f.empty for f in frames) \
        else pd.DataFrame(columns=output_columns(plan))
    Path(rows_dir).mkdir(parents=True, exist_ok=True)
    for country in plan.country_codes:
        write_rows_csv(rows[rows["country"] == country], Path(rows_dir) / f"{country}.rows.csv")
    write_rows_csv(figures if not figures.empty else pd.DataFrame(
        columns=["country", "figure", "value", "as_of", "source", "source_file", "source_row"]), figures_out)
    status = {"country": f"sitrep {period}", "submissions": subs, "rejected": [s["file"] for s in subs if s["verdict"] == "rejected"]}
    write_json(status_out, status)
    return status


def _notes(root, plan) -> dict[str, list[str]]:
    """What else the drafter must know before the documents go out: refused key messages, sitrep highlights
    missing per sector, months with progress but no sitrep."""
    from ..common.workspace import reporting_periods, sitrep_periods
    from ..intake.readers.messages import problems

    docs = plan.country_codes + ["regional"]
    sitreps = sitrep_periods(root)
    highlights = []
    for period in sitreps:
        folder = Path(root) / "inputs" / "sitreps" / period / "highlights"
        for doc in docs:
            have = {p.stem for p in (folder / doc).glob("*.md")}
            lacking = [plan.sector_name(s) for s in plan.sector_codes if s not in have]
            if lacking:
                name = "Regional" if doc == "regional" else plan.country_name(doc)
                highlights.append(f"{period}, {name}: no highlights from {', '.join(lacking)} "
                                  f"(one file per sector code in inputs/sitreps/{period}/highlights/{doc}/)")
    quiet = [p for p in reporting_periods(root) if p not in sitreps]
    return {"Key messages refused": problems(root, docs),
            "Sitrep highlights missing": highlights,
            "Months with progress reports but no situation report": [
                f"{p}: its progress counts in later sitreps; add highlights/ or figures.csv to write one" for p in quiet]}


def validation_summary(*, root, status_jsons: list, out_md, out_html) -> None:
    from ..intake.readers.narratives import pending_narratives
    from ..intake.tables.report import summary_report, to_html

    plan = workspace_plan(root)
    statuses = [json.loads(Path(p).read_text(encoding="utf-8")) for p in status_jsons]
    missing = []
    for st in statuses:
        if st["country"] not in plan.country_codes:
            continue  # funding files: no sector is expected of them
        have = {s["sector"] for s in st["submissions"]}
        missing += [f"{plan.country_name(st['country'])}: {plan.sector_name(s)} (`inputs/submissions/{st['country']}/{s}.csv` or `.xlsx`)"
                    for s in plan.sector_codes if s not in have]
    text = summary_report(statuses, pending_narratives(root, plan), missing, _notes(root, plan))
    atomic_write_text(out_md, text)
    atomic_write_text(out_html, to_html(text, f"Validation summary: {plan.title}"))
