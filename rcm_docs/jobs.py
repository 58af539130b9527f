"""The build's jobs: one function per Snakemake rule, each reading and writing files only.

The Snakefile maps paths to these; all logic stays in the stage modules.
"""
from __future__ import annotations

import functools
import json
import os
import re
import threading
from pathlib import Path

from .plan import Plan, load_plan
from .workspace import atomic_write_text, find_template, funding_files, narrative_path, submission_files


class IncompleteError(Exception):
    """A document would be built from partial data: a submission it depends on was rejected."""


def _plan(root) -> Plan:
    path = Path(root) / "inputs" / "plan.yaml"
    return _cached_plan(str(path.resolve()), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _cached_plan(path: str, mtime_ns: int) -> Plan:
    # Build steps run as threads of one process: parse plan.yaml once, again only if it changes.
    return load_plan(path)


def logged(log, step, *args, **kwargs):
    """Run one build step, leaving its outcome in the rule's log file; failures still fail the step.
    In a local build the step runs in one of the worker processes (see start_workers)."""
    import time

    t = time.perf_counter()
    try:
        result = _in_workers(_in_dir, os.getcwd(), step, *args, **kwargs)
    except Exception as e:
        atomic_write_text(log, f"{step.__name__}: failed after {time.perf_counter() - t:.2f} s\n{e}\n")
        raise
    stages = result.get("timings", {}) if isinstance(result, dict) else {}
    atomic_write_text(log, f"{step.__name__}: done in {time.perf_counter() - t:.2f} s\n"
                      + "".join(f"  {k}: {v:.3f} s\n" for k, v in stages.items()))


def _rel(root, path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def _json(path, data) -> None:
    atomic_write_text(path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n")


def validate_country(root, country: str, rows_out, status_out, reports_dir) -> dict:
    """Validate every submission of one country; accepted rows -> rows_out, verdicts -> status_out.
    Never fails on bad data: the verdicts gate the documents downstream."""
    import pandas as pd

    from .contract import Reason
    from .merge import merge, write_rows_csv
    from .read import read_gazetteer, read_partners
    from .validate import Problem, Registry, Result, cross_sector_duplicates, output_columns, validate_file

    plan = _plan(root)
    registry = Registry(read_partners(Path(root) / "inputs" / "partners.csv"))
    gazetteer = read_gazetteer(Path(root) / "inputs" / "gazetteer.csv", plan.country_codes)
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for path in submission_files(root, country):
        display = _rel(root, path)
        sector = path.stem
        if sector not in plan.sector_codes:
            close = [c for c in plan.sector_codes if c.casefold() == sector.casefold()]
            fix = (f"rename the file to {close[0]}{path.suffix}" if close
                   else f"name the file after a sector code of the plan: {', '.join(plan.sector_codes)}")
            result = Result(display, country, sector, pd.DataFrame(), [Problem(
                display, None, None, None, None, path.name, Reason.UNKNOWN_SECTOR_FILE,
                f"{sector!r} is not a sector code of the plan", fix)], 0)
        else:
            result = validate_file(path, plan, registry, country, sector, display,
                                   gazetteer[country] if gazetteer else None)
        results.append((path, result))
    cross_sector_duplicates([r for _, r in results])
    frames, subs = [], []
    for path, result in results:
        sector_name = plan.sector_name(result.sector) if result.sector in plan.sector_codes else result.sector
        subs.append(_report(root, reports_dir, path, result, plan.country_name(country), sector_name))
        if any(p.row for p in result.problems):
            from .annotate import write_annotated

            write_annotated(path, result, reports_dir / f"{path.stem}.annotated.xlsx", plan.epoch)
        frames.append(result.rows)
    rows = merge(frames, plan)
    if rows.empty:
        rows = pd.DataFrame(columns=output_columns(plan))
    write_rows_csv(rows, rows_out)
    status = {"country": country, "submissions": subs,
              "rejected": [s["file"] for s in subs if s["verdict"] == "rejected"]}
    _json(status_out, status)
    return status


def _report(root, reports_dir: Path, path: Path, result, where: str, what: str) -> dict:
    """One file's validation report (Markdown and HTML) and its line in the status file."""
    from .report import submission_report, to_html


    report = reports_dir / f"{path.name}.md"
    text = submission_report(result, where, what)
    atomic_write_text(report, text)
    atomic_write_text(report.with_suffix(".html"), to_html(text, f"Validation report: {result.file}"))
    return {"file": result.file, "sector": result.sector, "verdict": result.verdict, "rows": result.data_rows,
            "errors": len(result.errors), "warnings": len(result.warnings), "report": _rel(root, report)}


def _gate(statuses: list[dict], allow_incomplete: bool, what: str) -> list[str]:
    rejected = [(f, s) for st in statuses for f in st["rejected"]
                for s in st["submissions"] if s["file"] == f]
    if rejected and not allow_incomplete:
        lines = "\n".join(f"  - {f}: {s['errors']} error(s); see {s['report']}" for f, s in rejected)
        raise IncompleteError(
            f"{what}: not built, because it depends on rejected file(s):\n{lines}\n"
            "Fix them and run snakemake again, or build drafts anyway with --config allow_incomplete=true.")
    return [f for f, _ in rejected]


def country_figures(root, country: str, rows_csv, status_json, out_json, allow_incomplete: bool = False) -> dict:
    from .figures import country_figures as compute
    from .merge import read_rows_csv
    from .read import read_partners, read_population

    plan = _plan(root)
    status = json.loads(Path(status_json).read_text())
    incomplete = _gate([status], allow_incomplete, f"{plan.country_name(country)} ({country})")
    partners = read_partners(Path(root) / "inputs" / "partners.csv")
    population = read_population(Path(root) / "inputs" / "population.csv", plan.country_codes,
                                 [g.code for g in plan.population_groups])
    rows = read_rows_csv(rows_csv)
    fig = compute(plan, country, rows, population, dict(zip(partners["organisation"], partners["type"])))
    fig["incomplete"] = incomplete
    _json(out_json, fig)
    return fig


def regional_figures(root, country_jsons: list, out_json) -> dict:
    from .figures import regional_figures as compute

    plan = _plan(root)
    countries = [json.loads(Path(p).read_text()) for p in country_jsons]
    by_code = {c["code"]: c for c in countries}
    fig = compute(plan, [by_code[c] for c in plan.country_codes])
    fig["incomplete"] = sorted(f for c in countries for f in c.get("incomplete", []))
    _json(out_json, fig)
    return fig


def merge_plan(root, rows_csvs: list, status_jsons: list, out_csv, out_xlsx, allow_incomplete: bool = False) -> None:
    """The plan's merged rows, every row with its source file, sheet and row, as CSV and XLSX."""
    from .merge import merge, read_rows_csv, write_rows_csv, write_xlsx

    plan = _plan(root)
    statuses = [json.loads(Path(p).read_text()) for p in status_jsons]
    _gate(statuses, allow_incomplete, "The merged plan data")
    rows = merge([read_rows_csv(p) for p in rows_csvs], plan)
    write_rows_csv(rows, out_csv, safe=True)
    write_xlsx({"plan_rows": rows}, out_xlsx, plan.epoch)


def _narrative(root, doc: str, section: str, demote: int) -> str | None:
    return _markdown_file(Path(root) / narrative_path(doc, section), demote)


def _markdown_file(path: Path, demote: int) -> str | None:
    """A narrative or highlight written by people: None when absent or empty; headings demoted."""
    from .render import demote_headings

    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8-sig").strip()
    if not text:
        return None
    # A '---' line could open a YAML metadata block that rewrites the title: make it a plain rule.
    text = re.sub(r"(?m)^(-{3,}|\.{3})\s*$", "* * *", text)
    return demote_headings(text, demote)


def narratives(root, plan: Plan, doc: str) -> dict:
    return {
        "extra": {s: _narrative(root, doc, s, 1) for s in ("inclusion", "solutions")},
        "extra_paths": {s: narrative_path(doc, s) for s in ("inclusion", "solutions")},
        "overview": _narrative(root, doc, "overview", 1),
        "overview_path": narrative_path(doc, "overview"),
        "sectors": {s: _narrative(root, doc, s, 2) for s in plan.sector_codes},
        "sector_paths": {s: narrative_path(doc, s) for s in plan.sector_codes},
    }


def highlights(root, plan: Plan, doc: str, period: str) -> dict:
    """inputs/sitreps/<period>/highlights/<doc>/<sector|overview>.md, as Markdown (headings demoted)."""
    folder = Path(root) / "inputs" / "sitreps" / period / "highlights" / doc
    return {section: _markdown_file(folder / f"{section}.md", 2) for section in ["overview"] + plan.sector_codes}


def pending_narratives(root, plan: Plan) -> list[str]:
    out = []
    for doc in plan.country_codes + ["regional"]:
        sections = ["overview"] + (plan.sector_codes if doc != "regional" else [])
        out += [narrative_path(doc, s) for s in sections if _narrative(root, doc, s, 0) is None]
    return out


DOCUMENT_KINDS = {
    # kind: (template, title of a country's document, title of the regional one)
    "rrp": ("rrp.md.j2", "{name}: country chapter", "{short}: regional plan"),
    "keypoints": ("keypoints.md.j2", "{name}: key points", "{short}: key points"),
    "sitrep": ("sitrep.md.j2", "{name}: situation report", "{short}: regional situation report"),
    "pack": ("pack.md.j2", "{name}: information for the {audience}", "{short}: information for the {audience}"),
}


_pool = None
_pool_lock = threading.Lock()
_workers = 2


def start_workers(cores: int | None = None) -> None:
    """Spawn one worker process per core Snakemake was given (two on a 2-core laptop; none with one core)
    and warm them (imports, pandoc server, Typst fonts) while Snakemake starts its first jobs. Steps are
    threads of the Snakemake process (no interpreter start per step), but threads share one GIL:
    validation and python-docx ran on one core of two. Called by the Snakefile's onstart, so only a
    local build's main process has workers; cluster jobs (started with --no-hooks) run in-process."""
    global _pool, _workers
    n = min(cores or 2, os.cpu_count() or 1)  # as many as the steps Snakemake may run at once
    if os.environ.get("RCM_NO_WORKERS") or n < 2:
        return
    with _pool_lock:
        if _pool is None:
            _workers = n
            _pool = _new_pool()


def _new_pool():
    import concurrent.futures
    import multiprocessing
    import sys
    import types

    # A spawned worker first re-runs the parent's __main__: here the snakemake script, 0.7 s of imports
    # (Snakemake, and pandas through its plugins) that a worker never uses. Hidden while they start.
    real_main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=_workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm)
        for _ in range(_workers):
            pool.submit(int)  # one trivial task each: a spawn-context pool starts its workers on demand
    finally:
        sys.modules["__main__"] = real_main
    return pool


def stop_workers() -> None:
    """End the workers once the build's jobs are done. A graceful pool shutdown waits for each
    interpreter to tear down pandas and python-docx (about a second); idle workers have nothing to lose."""
    global _pool
    with _pool_lock:
        if _pool is None:
            return
        pool, _pool = _pool, None
    for proc in list(getattr(pool, "_processes", {}).values()):
        proc.terminate()  # their pandoc servers see end of input and exit too
    pool.shutdown(wait=True, cancel_futures=True)


def finish_build() -> None:
    """The build's last step (Snakemake's onsuccess/onerror): stop the workers, and cancel the scheduler's
    rate-limit timers. Snakemake re-arms a one-second threading.Timer after each scheduling round; a
    pending one would hold the finished build open for up to a second."""
    import gc

    stop_workers()
    for t in threading.enumerate():
        if isinstance(t, threading.Timer):
            t.cancel()
    # Snakemake exits right after: let the interpreter's final collection skip the DAG's objects (~0.3 s).
    gc.freeze()


def _warm() -> None:
    try:
        from . import charts, render, typeset, validate  # noqa: F401  (pandas, python-docx, fonts)

        render.warm()
        typeset.compile("warm", format="pdf")
    except Exception:  # noqa: BLE001  a failed warm-up must not break the pool: the step reports the cause
        pass


def _in_dir(cwd, fn, *args, **kwargs):
    os.chdir(cwd)  # a worker serves one build: the workspace snakemake -d chose
    return fn(*args, **kwargs)


def _in_workers(fn, *args, **kwargs):
    from concurrent.futures.process import BrokenProcessPool

    global _pool
    pool = _pool
    if pool is None or threading.current_thread() is threading.main_thread():
        return fn(*args, **kwargs)
    try:
        return pool.submit(fn, *args, **kwargs).result()
    except BrokenProcessPool:
        # A worker died (out of memory, a crash in a native library): every step on this pool fails with
        # it, the innocent one on the other worker too. Steps go on in a fresh pool; this one is tried
        # there once more, and only if it breaks that one as well is it the step's own failure.
        with _pool_lock:
            if _pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                _pool = _new_pool()
            fresh = _pool
        try:
            return fresh.submit(fn, *args, **kwargs).result()
        except BrokenProcessPool:
            raise RuntimeError(f"{getattr(fn, '__name__', fn)}: the worker process running this step stopped "
                               "abruptly, twice (out of memory? see the system log)") from None


def render_document(root, doc: str, figures_json, out_md, out_docx, out_pdf, template_dirs: list,
                    kind: str = "rrp", funding_json=None, sitrep_json=None, audience: str | None = None,
                    annex_xlsx=None) -> dict:
    """One document (a country's or the region's) as Markdown, DOCX and PDF -> {"timings": {stage: s}}."""
    from .render import stage_times

    with stage_times() as times:
        _render(root, doc, figures_json, out_md, out_docx, out_pdf, template_dirs, kind, funding_json,
                sitrep_json, audience, annex_xlsx)
    return {"timings": times}


def _render(root, doc, figures_json, out_md, out_docx, out_pdf, template_dirs, kind, funding_json,
            sitrep_json, audience, annex_xlsx) -> None:
    from .fmt import date
    from .render import environment, markdown_to_docx, markdown_to_pdf, render_markdown, timed

    plan = _plan(root)
    fig = json.loads(Path(figures_json).read_text())
    funding = json.loads(Path(funding_json).read_text()) if funding_json else None
    dirs = [Path(d) for d in template_dirs]
    regional = doc == "regional"
    name = "Regional" if regional else plan.country_name(doc)
    template, country_title, regional_title = DOCUMENT_KINDS[kind]
    aud = {"code": audience, **plan.audiences[audience]} if audience else None
    title = (regional_title if regional else country_title).format(name=name, short=plan.short_title,
                                                                 audience=aud["name"] if aud else "")
    sitrep = json.loads(Path(sitrep_json).read_text()) if sitrep_json else None
    incomplete = sorted(set(fig.get("incomplete", [])) | set((funding or {}).get("incomplete", []))
                        | set((sitrep or {}).get("incomplete", [])))
    build = Path(out_md).parents[2] if kind == "sitrep" else Path(out_md).parent.parent
    charts_root = build / "charts"
    folder = f"sitreps-{sitrep['period']}-{doc}" if kind == "sitrep" else doc
    chart_library = find_template("chart.typ", dirs).read_text(encoding="utf-8") if kind in ("rrp", "sitrep") else None
    with timed("charts"):
        charts = _charts(plan, fig, charts_root / folder, kind, sitrep, chart_library) if chart_library else {}
    up = "../../" if kind == "sitrep" else "../"
    context = {"charts": {k: {"src": f"{up}charts/{folder}/{Path(v['png']).name}", "title": v["title"]}
                          for k, v in charts.items()},
               "plan": plan, "fig": fig, "regional": regional, "code": doc, "name": name, "title": title,
               "narratives": narratives(root, plan, doc), "incomplete": incomplete,
               "funding": funding, "sitrep": sitrep, "audience": aud,
               "highlights": highlights(root, plan, doc, sitrep["period"]) if sitrep else {}}
    with timed("markdown"):
        md = render_markdown(environment(dirs), template, context)
    atomic_write_text(out_md, md)
    if annex_xlsx:
        with timed("xlsx annex"):
            pack_annex(plan, fig, funding, sitrep, annex_xlsx)
    header = f"{plan.short_title} | {name}"
    long_document = kind == "rrp"  # chapters get a contents page; one- and two-page products do not
    markdown_to_docx(md, out_docx, find_template("reference.docx", dirs), header, plan.epoch, charts_root,
                     toc=long_document)
    markdown_to_pdf(md, out_pdf, find_template("rrp.typ", dirs),
                    {"header": plan.short_title, "header-right": name, **({"toc": "true"} if long_document else {}),
                     "as-of": date(sitrep["period_end"] if kind == "sitrep" else plan.as_of),
                     "year": str(plan.as_of.year), "month": str(plan.as_of.month), "day": str(plan.as_of.day)},
                    plan.epoch, charts_root, chart_library)


def pack_annex(plan: Plan, fig: dict, funding: dict, sitrep: dict | None, out_xlsx) -> None:
    """The tables behind a pack, as an XLSX a donor or a UNCT analyst can work with."""
    import pandas as pd

    from .merge import write_xlsx

    progress = {s["code"]: s["reached"] for s in sitrep["progress"]["sectors"]} if sitrep else {}
    funded = {s["code"]: s for s in funding["by_sector"]}
    sectors = pd.DataFrame([{"sector_code": s["code"], "sector": s["name"], "partners": s["partners"],
                             "people_targeted": s["targeted"], "people_reached": progress.get(s["code"]),
                             "requirements_usd": s["requirements"], "funded_usd": funded[s["code"]]["funded"],
                             "gap_usd": funded[s["code"]]["gap"]} for s in fig["sectors"]])
    types = pd.DataFrame([{"organisation_type": t["type"], "partners": t["partners"], "requirements_usd": t["requirements"]}
                          for t in fig["org_types"]])
    partners = pd.DataFrame([{"organisation": p["organisation"], "type": p["type"], "requirements_usd": p["total"],
                              **{f"{k}_usd": v for k, v in p["by_sector"].items()}} for p in fig["partner_annex"]])
    sheets = {"sectors": sectors, "organisation_types": types, "partners": partners}
    if fig.get("countries"):
        sheets["countries"] = pd.DataFrame([{"country_code": c["code"], "country": c["name"], "partners": c["partners"],
                                             "people_targeted": c["targeted"], "requirements_usd": c["requirements"]}
                                            for c in fig["countries"]])
    write_xlsx(sheets, out_xlsx, plan.epoch)


def _charts(plan: Plan, fig: dict, folder: Path, kind: str, sitrep: dict | None, chart_library: str) -> dict:
    """The document's charts (a Typst call and its PNG) with their alt text beside them, in its own folder."""
    from .charts import charts_for, sitrep_charts

    folder.mkdir(parents=True, exist_ok=True)
    made = (sitrep_charts(sitrep, plan.currency, folder, "chart", chart_library) if kind == "sitrep"
            else charts_for(fig, plan.as_of.isoformat(), plan.currency, folder, "chart", chart_library))
    for chart in made.values():
        atomic_write_text(Path(chart["png"]).with_suffix(".alt.txt"), chart["alt"] + "\n")
    return made


def validate_funding(root, rows_out, status_out, reports_dir) -> dict:
    """Every funding file checked like a submission; accepted rows -> rows_out. Never fails on bad data."""
    import pandas as pd

    from .funding import validate_funding as check
    from .read import read_partners
    from .validate import Registry

    plan = _plan(root)
    registry = Registry(read_partners(Path(root) / "inputs" / "partners.csv"))
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    frames, subs = [], []
    for path in funding_files(root):
        display = _rel(root, path)
        result = check(path, plan, registry, display)
        subs.append(_report(root, reports_dir, path, result, "all countries", "funding"))
        frames.append(result.rows)
    rows = pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(not f.empty for f in frames) else pd.DataFrame(
        columns=["donor", "organisation", "organisation_type", "country", "sector", "amount_usd", "status", "date",
                 "source_file", "source_row"])
    atomic_write_text(rows_out, rows.to_csv(index=False, lineterminator="\n"))
    status = {"country": "funding", "submissions": subs, "rejected": [s["file"] for s in subs if s["verdict"] == "rejected"]}
    _json(status_out, status)
    return status


def funding_figures(root, rows_csv, status_json, figures_json, out_json, allow_incomplete: bool = False) -> dict:
    """Funding against requirements for one document (a country or the region), from its figures file."""
    from .funding import funding_figures as compute

    plan = _plan(root)
    status = json.loads(Path(status_json).read_text())
    incomplete = _gate([status], allow_incomplete, "Funding figures (key points, sitreps, donor packs)")
    rows = _funding_rows(rows_csv)
    doc = Path(figures_json).stem
    out = {**compute(plan, rows, {doc: json.loads(Path(figures_json).read_text())})[doc], "incomplete": incomplete}
    _json(out_json, out)
    return out


def sitrep_files(root, period: str) -> list[Path]:
    folder = Path(root) / "inputs" / "sitreps" / period / "progress"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                  and p.suffix.lower() in (".csv", ".xlsx", ".xlsm", ".xls", ".ods"))


def validate_sitrep(root, period: str, rows_out, figures_out, status_out, reports_dir) -> dict:
    """Progress files and figures.csv of one reporting period, checked like submissions. Never fails on bad data."""
    import pandas as pd

    from .progress import output_columns, read_key_figures, validate_progress
    from .read import read_gazetteer, read_partners
    from .validate import Registry, Result

    plan = _plan(root)
    registry = Registry(read_partners(Path(root) / "inputs" / "partners.csv"))
    gazetteer = read_gazetteer(Path(root) / "inputs" / "gazetteer.csv", plan.country_codes)
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    frames, figures, subs = [], pd.DataFrame(), []
    checks = [(p, "progress") for p in sitrep_files(root, period)]
    fig_csv = Path(root) / "inputs" / "sitreps" / period / "figures.csv"
    if fig_csv.is_file():
        checks.append((fig_csv, "figures"))
    for path, what in checks:
        display = _rel(root, path)
        if what == "progress":
            rows, problems = validate_progress(path, plan, registry, gazetteer, display)
            frames.append(rows)
        else:
            figures, problems = read_key_figures(path, plan, display)
        result = Result(display, "", what, pd.DataFrame(), problems, 0)
        subs.append(_report(root, reports_dir, path, result, f"reporting period {period}", what))
    rows = pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(not f.empty for f in frames) \
        else pd.DataFrame(columns=output_columns(plan))
    atomic_write_text(rows_out, rows.to_csv(index=False, lineterminator="\n"))
    atomic_write_text(figures_out, figures.to_csv(index=False, lineterminator="\n") if not figures.empty
                      else "country,figure,value,as_of,source,source_file,source_row\n")
    status = {"country": f"sitrep {period}", "submissions": subs, "rejected": [s["file"] for s in subs if s["verdict"] == "rejected"]}
    _json(status_out, status)
    return status


def _funding_rows(path):
    """Validated contributions as written by validate_funding: text columns as text, amounts as numbers."""
    import pandas as pd

    rows = pd.read_csv(path, keep_default_na=False, dtype=str)
    rows["amount_usd"] = pd.to_numeric(rows["amount_usd"], errors="coerce")
    return rows


def _sitrep_inputs(root, period, status_json, funding_rows_csv, funding_status_json, figures_csv, allow_incomplete):
    """What every document's sitrep figures share: the gate, funding by the end of the period, key figures."""
    import calendar

    import pandas as pd

    plan = _plan(root)
    incomplete = _gate([json.loads(Path(status_json).read_text()), json.loads(Path(funding_status_json).read_text())],
                       allow_incomplete, f"Sitreps for {period}")
    year, month = map(int, period.split("-"))
    period_end = f"{period}-{calendar.monthrange(year, month)[1]:02d}"
    funding = _funding_rows(funding_rows_csv)
    funding = funding[(funding["date"] == "") | (funding["date"].str[:10] <= period_end)]
    keyfigs = pd.read_csv(figures_csv, keep_default_na=False, dtype=str)
    return plan, incomplete, period_end, funding, keyfigs


def _history(figures_csv, period: str, doc: str) -> list[dict]:
    """Each key figure of the document over the reporting periods up to this one (for the trend chart)."""
    import pandas as pd

    out = []
    for path in sorted(Path(figures_csv).parent.glob("*.figures.csv")):
        p = path.name.split(".")[0]
        if p > period:
            continue
        df = pd.read_csv(path, keep_default_na=False, dtype=str)
        for r in df[df["country"].str.lower() == doc.lower()].to_dict("records") if not df.empty else []:
            out.append({"period": p, "figure": r["figure"], "value": float(r["value"])})
    return out


def _sitrep_doc(plan, doc, fig, progress, funding, keyfigs, period, period_end, reports, incomplete,
                history=None) -> dict:
    from .funding import funding_figures as funding_for

    key = keyfigs[keyfigs["country"].str.lower() == doc.lower()] if not keyfigs.empty else keyfigs
    return {"history": history or [],"period": period, "period_end": period_end, "progress": progress,
            "funding": funding_for(plan, funding, {doc: fig})[doc],
            "key_figures": [{**r, "value": float(r["value"])} for r in key[["figure", "value", "as_of", "source"]].to_dict("records")],
            "reports": reports, "incomplete": incomplete}


def sitrep_figures(root, period: str, country: str, rows_csv, figures_csv, status_json, funding_rows_csv,
                   funding_status_json, figures_json, out_json, allow_incomplete: bool = False) -> dict:
    """One country's sitrep figures for one period: reached against targets (consolidated, never summed
    across sectors), funding received by the end of the period, the key figures with their sources."""
    import pandas as pd

    from .progress import progress_figures

    plan, incomplete, period_end, funding, keyfigs = _sitrep_inputs(
        root, period, status_json, funding_rows_csv, funding_status_json, figures_csv, allow_incomplete)
    rows = pd.read_csv(rows_csv, keep_default_na=False, dtype=str)
    for c in rows.columns:
        if c == "reached" or c.startswith("reached_"):
            rows[c] = pd.to_numeric(rows[c].replace("", None), errors="coerce")
    fig = json.loads(Path(figures_json).read_text())
    data = _sitrep_doc(plan, country, fig, progress_figures(plan, country, rows, fig), funding, keyfigs, period,
                       period_end, int((rows["country"] == country).sum()), incomplete,
                       _history(figures_csv, period, country))
    _json(out_json, data)
    return data


def sitrep_regional(root, period: str, country_jsons: list, figures_csv, status_json, funding_rows_csv,
                    funding_status_json, regional_json, out_json, allow_incomplete: bool = False) -> dict:
    """The regional sitrep: countries' consolidated reach adds up (different countries, different people)."""
    from .progress import percent_reached

    plan, incomplete, period_end, funding, keyfigs = _sitrep_inputs(
        root, period, status_json, funding_rows_csv, funding_status_json, figures_csv, allow_incomplete)
    parts = [json.loads(Path(p).read_text()) for p in country_jsons]
    by_code = {Path(p).stem: d for p, d in zip(country_jsons, parts)}
    parts = [by_code[c]["progress"] for c in plan.country_codes]

    sectors = []
    for i, s in enumerate(plan.sectors):
        reached, target = sum(p["sectors"][i]["reached"] for p in parts), sum(p["sectors"][i]["targeted"] for p in parts)
        sectors.append({"code": s.code, "name": s.name, "reached": reached, "targeted": target,
                        "reported": any(p["sectors"][i]["reported"] for p in parts), "percent_reached": percent_reached(reached, target)})
    reached, target = sum(p["reached"] for p in parts), sum(p["targeted"] for p in parts)
    progress = {"sectors": sectors, "reached": reached, "targeted": target, "percent_reached": percent_reached(reached, target),
                "countries": [{k: p[k] for k in ("code", "name", "reached", "targeted", "percent_reached")} for p in parts]}
    data = _sitrep_doc(plan, "regional", json.loads(Path(regional_json).read_text()), progress, funding, keyfigs,
                       period, period_end, sum(by_code[c]["reports"] for c in plan.country_codes), incomplete,
                       _history(figures_csv, period, "regional"))
    _json(out_json, data)
    return data


def validation_summary(root, status_jsons: list, out_md, out_html) -> None:
    from .report import summary_report, to_html

    plan = _plan(root)
    statuses = [json.loads(Path(p).read_text()) for p in status_jsons]
    missing = []
    for st in statuses:
        if st["country"] not in plan.country_codes:
            continue  # funding files: no sector is expected of them
        have = {s["sector"] for s in st["submissions"]}
        missing += [f"{plan.country_name(st['country'])}: {plan.sector_name(s)} (`inputs/submissions/{st['country']}/{s}.csv` or `.xlsx`)"
                    for s in plan.sector_codes if s not in have]
    text = summary_report(statuses, pending_narratives(root, plan), missing)
    atomic_write_text(out_md, text)
    atomic_write_text(out_html, to_html(text, f"Validation summary: {plan.title}"))


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(root, outputs: list, out_json) -> dict:
    """Every input and output with its hash, and the tool versions: what a draft was made from."""
    from importlib.metadata import version

    import pypandoc

    from . import __version__

    root = Path(root)
    inputs = sorted(p for p in (root / "inputs").rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    manifest = {
        "versions": {"rcm-docs": __version__, "pandoc": pypandoc.get_pandoc_version(), "typst": version("typst")},
        "inputs": {_rel(root, p): _sha256(p) for p in inputs},
        "outputs": {_rel(root, p): _sha256(Path(p)) for p in sorted(map(str, outputs))},
    }
    _json(out_json, manifest)
    return manifest
