"""Time the build the way a drafter lives it, and the pieces that decide it.

    python bench/bench.py                  # the example plan in inputs/
    python bench/bench.py --demo 17 50000  # a synthetic 17-country, 50,000-row plan

Prints wall time, CPU time and peak memory of a cold build, a no-op rebuild and a rebuild after one
sector lead changes one number, and of `rcm-docs diff` of the whole draft after that change; the jobs a dry run plans after that change and after a template
change; where the cold build's seconds went (from the per-document stage times in build/logs); the
naive floor (every document through a fresh pandoc to DOCX, a fresh pandoc to Typst and a fresh Typst
compile, one after another); `rcm-docs validate` throughput on 50,000 rows from CSV and XLSX; and one
document's PDF by pandoc+Typst against the LaTeX and LibreOffice routes where those are installed.
Writes bench/results/latest.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path) -> dict:
    """Wall time, CPU time (user + system) and peak memory of one command and every process it started."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, text=True, encoding="utf-8")
        _, status, usage = os.wait4(proc.pid, 0)  # this command's own rusage, its children included
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{stdout[-1500:]}\n{stderr[-1500:]}")
    # ru_maxrss: the largest single process of the command (the Snakemake process or a worker).
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024), "stdout": stdout}


def change_one_number(ws: Path) -> Path:
    """What a sector lead does: one budget in one CSV submission goes up by 1,000."""
    sub = sorted((ws / "inputs" / "submissions").glob("*/*.csv"))[0]
    rows = list(csv.reader(sub.open(encoding="utf-8", newline="")))
    col = rows[0].index("budget_usd")
    rows[1][col] = str(int(float(rows[1][col])) + 1000)
    with sub.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return sub


def planned_jobs(snake: list[str], ws: Path) -> list[str]:
    """The jobs a dry run plans, as rule[wildcards]."""
    out = subprocess.run(snake + ["-n"], cwd=ws, capture_output=True, text=True, encoding="utf-8").stdout
    jobs = []
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", out):
        m = re.match(r"(?:local)?rule (\w+):", block)
        if m:
            wc = re.search(r"^    wildcards: (.*)$", block, flags=re.M)
            jobs.append(f"{m.group(1)}[{wc.group(1)}]" if wc else m.group(1))
    return sorted(jobs)


def stage_seconds(build: Path, since: float = 0.0) -> dict:
    """Seconds per stage summed over the build's logs (those written after `since`): each job's wall
    time and CPU time (a shared machine stretches the first, not the second), and each render's parts."""
    from rcm_docs.common.errors import read_step_record

    steps, cpu, stages = {}, {}, {}
    for log in build.glob("logs/**/*.log"):
        if log.stat().st_mtime < since:
            continue
        record = read_step_record(log.read_text(encoding="utf-8"))
        if not record or record.get("outcome") != "done":
            continue
        step = record["step"]
        steps[step] = steps.get(step, 0) + float(record.get("seconds", 0))
        cpu[step] = cpu.get(step, 0) + float(record.get("cpu_seconds", 0))
        for k, v in record.get("timings", {}).items():
            stages[k] = stages.get(k, 0) + float(v)
    order = lambda d: {k: round(v, 2) for k, v in sorted(d.items(), key=lambda kv: -kv[1])}
    return {"jobs": order(steps), "jobs_cpu": order(cpu), "render_stages": order(stages)}


def build_benchmarks(ws: Path) -> dict:
    snake = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--cores", "2"]
    # The workspace overrides one template, as a drafter who restyles the key points would.
    tpl = ws / "templates" / "keypoints.md.j2"
    tpl.parent.mkdir(exist_ok=True)
    shutil.copy(ROOT / "templates" / "keypoints.md.j2", tpl)
    out = {"cold_build": timed(snake, ws)}
    out["cold_build_where"] = stage_seconds(ws / "build")
    noops = sorted((timed(snake, ws) for _ in range(3)), key=lambda r: r["wall_s"])
    out["noop_rebuild"] = noops[1]  # the median of three: a single no-op run is at the mercy of the page cache
    out["noop_runs"] = [{k: r[k] for k in ("wall_s", "cpu_s")} for r in noops]
    sub = change_one_number(ws)
    out["changed_file"] = sub.relative_to(ws).as_posix()
    out["dry_run_jobs"] = planned_jobs(snake, ws)
    out["dry_run_job_count"] = len(out["dry_run_jobs"])
    runs = []
    for n in range(3):
        if n:
            change_one_number(ws)
        start = time.time()
        runs.append({**timed(snake, ws), "where": stage_seconds(ws / "build", start)})
    out["one_submission_changed"] = sorted(runs, key=lambda r: r["wall_s"])[1]  # the median of three changes
    out["one_submission_changed_runs"] = [{k: r[k] for k in ("wall_s", "cpu_s")} for r in runs]
    out["one_submission_changed_where"] = out["one_submission_changed"].pop("where")
    # What a reviewer runs next: the whole draft against the one before the change.
    before = ws / "build-before"
    shutil.copytree(ws / "build", before)
    change_one_number(ws)
    timed(snake, ws)
    out["diff_after_one_change"] = timed([sys.executable, "-m", "rcm_docs", "diff", str(before), str(ws / "build"),
                                          "-o", str(ws / "review")], ws)
    out["diff_redlines"] = len(list((ws / "review").rglob("*.redline.docx")))
    shutil.rmtree(before)
    # A template edit: the documents made from it rerun, nothing else.
    tpl.write_text(tpl.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    out["template_changed"] = tpl.relative_to(ws).as_posix()
    out["template_dry_run_jobs"] = planned_jobs(snake, ws)
    for k in ("cold_build", "noop_rebuild", "one_submission_changed", "diff_after_one_change"):
        out[k].pop("stdout", None)
    for r in noops + runs:
        r.pop("stdout", None)
    return out


TYPST_VARIABLES = {"header": "Plan", "header-right": "Country", "as-of": "15 November 2026",
                   "year": "2026", "month": "11", "day": "15"}


def naive_floor(ws: Path) -> dict:
    """Every document the naive way, one after another: a fresh pandoc to DOCX, a fresh pandoc to Typst,
    and a fresh Typst compiler. The cold build (charts, tables and all) should beat this."""
    import pypandoc
    import typst

    from rcm_docs.documents.typeset.compiler import font_dirs
    from rcm_docs.documents.typeset.pandoc import PANDOC_FROM
    from rcm_docs.documents.typeset.pdf import end_embedded_expressions

    build = ws / "build"
    mds = sorted(p.with_suffix(".md") for p in build.rglob("*.pdf")
                 if p.with_suffix(".md").is_file() and ".last-good" not in p.parts)
    pandoc = pypandoc.get_pandoc_path()
    times = {"pandoc_docx_s": 0.0, "pandoc_typst_s": 0.0, "typst_compile_s": 0.0}
    for md in mds:
        t = time.perf_counter()
        subprocess.run([pandoc, "-f", PANDOC_FROM, "-t", "docx", "--reference-doc", str(ROOT / "templates/reference.docx"),
                        str(md), "-o", str(md.with_suffix(".floor.docx"))], cwd=md.parent, capture_output=True, check=True)
        times["pandoc_docx_s"] += time.perf_counter() - t
        t = time.perf_counter()
        typ = subprocess.run([pandoc, "-f", PANDOC_FROM, "-t", "typst", "--template", str(ROOT / "templates/rrp.typ"),
                              *[a for k, v in TYPST_VARIABLES.items() for a in ("-V", f"{k}={v}")], str(md)],
                             cwd=md.parent, capture_output=True, check=True, text=True, encoding="utf-8").stdout
        times["pandoc_typst_s"] += time.perf_counter() - t
        src = md.with_suffix(".floor.typ")
        src.write_text(end_embedded_expressions(typ), encoding="utf-8")
        t = time.perf_counter()
        typst.compile(str(src), output=str(md.with_suffix(".floor.pdf")), root=str(build), font_paths=font_dirs())
        times["typst_compile_s"] += time.perf_counter() - t
    out = {"documents": len(mds), **{k: round(v, 2) for k, v in times.items()}}
    out["floor_s"] = round(sum(times.values()), 2)
    return out


VALIDATE_FIXTURE = """
import sys
import pandas as pd
n, ws = 50_000, sys.argv[1]  # argv[2]: the country the XLSX goes to
df = pd.DataFrame({"organisation": ["UNHCR", "NRC"] * (n // 2), "objective": "Access to asylum",
                   "activity": [f"Activity {i}" for i in range(n)], "indicator": "# of people reached",
                   "admin1": [f"Area {i % 40}" for i in range(n)], "budget_usd": [1000 + i % 90000 for i in range(n)],
                   "target_refugees": [i % 900 for i in range(n)], "target_host_community": [i % 300 for i in range(n)],
                   "description": "Assistance to refugees and host communities"})
df.to_csv(f"{ws}/inputs/submissions/KEN/PRO.csv", index=False)
df.to_excel(f"{ws}/inputs/submissions/{sys.argv[2]}/EDU.xlsx", index=False, sheet_name="Submission")
"""


def validate_throughput(tmp: Path) -> dict:
    """rcm-docs validate on 50,000 rows, as CSV and as XLSX (the command as a sector lead runs it). A file
    is checked with its country's other submissions, as the build checks it: each 50,000-row file sits
    beside the fixture's small file of its country (KEN, UGA); `csv_beside_50k_xlsx` puts both in Kenya,
    so the CSV's check reads the XLSX too, and finds its 50,000 activities appealed for twice."""
    n = 50_000
    out = {}
    for layout, xlsx_country in (("apart", "UGA"), ("together", "KEN")):
        ws = tmp / f"vt-{layout}"
        shutil.copytree(ROOT / "tests" / "fixtures" / "ws", ws)
        subprocess.run([sys.executable, "-c", VALIDATE_FIXTURE, str(ws), xlsx_country], check=True)
        files = (("csv", "inputs/submissions/KEN/PRO.csv"), ("xlsx", f"inputs/submissions/{xlsx_country}/EDU.xlsx"))
        for name, path in files if layout == "apart" else files[:1]:
            t = timed([sys.executable, "-m", "rcm_docs", "validate", path], ws)
            out[name if layout == "apart" else "csv_beside_50k_xlsx"] = {
                "rows": n, "wall_s": t["wall_s"], "cpu_s": t["cpu_s"], "peak_rss_mb": t["peak_rss_mb"],
                "rows_per_s": round(n / t["wall_s"])}
    return out


PDF_ROUTE_SCRIPT = """
import sys, tempfile, time
from pathlib import Path
from rcm_docs.documents.typeset import pdf as render
build, template = Path(sys.argv[1]), sys.argv[2]
variables = {"header": "h", "header-right": "r", "as-of": "a", "year": "2026", "month": "1", "day": "1"}
def pdf(md):
    t = time.perf_counter()
    render.markdown_to_pdf(md.read_text(), Path(tempfile.mkdtemp()) / "out.pdf", template, variables, 1767225600,
                           build / "charts")
    return time.perf_counter() - t
if sys.argv[3] == "cold":  # a fresh process: pandoc and Typst start, fonts load
    print(pdf(build / "rrp" / "regional.md"))
else:  # after another document, as in a build: warm, but nothing of this document in Typst's cache
    pdf(sorted(p for p in (build / "rrp").glob("*.md") if p.stem != "regional")[0])
    print(pdf(build / "rrp" / "regional.md"))
"""


def pdf_routes(ws: Path) -> dict:
    """One document (the regional plan) to PDF three ways, in one run: the ratio behind the route. pandoc+Typst
    is timed cold (first document of a fresh process) and warm (a later document: what a build pays)."""
    md = ws / "build" / "rrp" / "regional.md"
    docx = ws / "build" / "rrp" / "regional.docx"
    cold, warm = (float(subprocess.run([sys.executable, "-c", PDF_ROUTE_SCRIPT, str(ws / "build"),
                                        str(ROOT / "templates/rrp.typ"), mode],
                                       capture_output=True, text=True, check=True, encoding="utf-8").stdout) for mode in ("cold", "warm"))
    out = {"typst_s": round(warm, 2), "typst_cold_s": round(cold, 2)}
    import pypandoc

    def route(name: str, cmd: list[str], pdf: Path) -> None:
        pdf.unlink(missing_ok=True)
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, cwd=md.parent)
        took = time.perf_counter() - t
        ok = r.returncode == 0 and pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
        out[f"{name}_s"] = round(took, 2) if ok else f"failed: {r.stderr.decode(errors='replace')[-300:]}"
        if ok:
            out[f"{name}_vs_typst"] = round(took / out["typst_s"], 1)
            out[f"{name}_vs_typst_cold"] = round(took / out["typst_cold_s"], 1)

    tmp = Path(tempfile.mkdtemp())
    if shutil.which("xelatex"):
        route("latex", [pypandoc.get_pandoc_path(), str(md), "--pdf-engine=xelatex", "-o", str(tmp / "latex.pdf")],
              tmp / "latex.pdf")
    else:
        out["latex_s"] = "not installed (xelatex)"
    if shutil.which("soffice"):
        route("libreoffice", ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(docx)],
              tmp / f"{docx.stem}.pdf")
    else:
        out["libreoffice_s"] = "not installed (soffice)"
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--demo", nargs=2, type=int, metavar=("COUNTRIES", "ROWS"), help="bench a synthetic plan instead")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        # Everything heavy happens in child processes: a child's peak memory would otherwise include
        # this process's pages it was forked with.
        if args.demo:
            subprocess.run([sys.executable, "-m", "rcm_docs", "demo", str(ws), "--countries", str(args.demo[0]),
                            "--sectors", "12", "--partners", "250", "--rows", str(args.demo[1])],
                           check=True, capture_output=True)
            label = f"demo {args.demo[0]} countries, {args.demo[1]} rows"
        else:
            shutil.copytree(ROOT / "inputs", ws / "inputs")
            label = "example plan (inputs/)"
        figures = {"plan": label, **build_benchmarks(ws)}
        figures["documents"] = len([p for p in (ws / "build").rglob("*.pdf") if ".last-good" not in p.parts])
        figures["validate"] = validate_throughput(Path(tmp))
        figures["pdf_route"] = pdf_routes(ws)
        figures["naive_floor"] = naive_floor(ws)  # in this process: last
        figures["cold_build_vs_floor"] = round(figures["cold_build"]["wall_s"] / figures["naive_floor"]["floor_s"], 2)
    for k, v in figures.items():
        print(f"{k:24} {v}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
