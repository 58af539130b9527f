# Build steps are `run:` blocks calling rcm_docs.steps.<stage>, one module per rules file of the same name;
# profiles/default makes Snakemake run them as threads of one process (no interpreter start or pandas
# import per step), and rcm_docs.steps.workers.logged hands each
# step to a warm worker process started at onstart, one per core (so the steps use every core).
# Parse-time set-up: the plan is checked before any job runs; file lists come from the inputs tree,
# so a file dropped into inputs/submissions is picked up by the next run with no config edit.
import json
import re
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from rcm_docs.steps import lastgood, workers
from rcm_docs.steps import review as review_jobs
from rcm_docs.steps.shared import declarable, undeclared
from rcm_docs.common.plan import PlanError, load_plan
from rcm_docs.intake.readers.narratives import CROSS_CUTTING, PACK_NARRATIVES
from rcm_docs.common.workspace import (
    code_version, funding_files, issued_periods, narrative_path, progress_files, reporting_periods, sitrep_periods, stray_files,
    submission_files, template_dirs,
)

validate(config, schema="../schemas/config.schema.yaml")

try:
    PLAN = load_plan("inputs/plan.yaml")
except PlanError as e:
    raise WorkflowError(str(e)) from None
COUNTRIES = PLAN.country_codes
DOCS = COUNTRIES + ["regional"]
_stray = stray_files(".", COUNTRIES)
if _stray:
    raise WorkflowError("Files under inputs/ would not be read:\n" + "\n".join(f"  - {s}" for s in _stray))
TEMPLATE_DIRS = [str(d) for d in template_dirs(".", Path(workflow.basedir) / "templates")]
# Every job reruns when rcm-docs' own code changes, not only when its inputs do (a params trigger).
CODE = code_version()
PY = f'"{sys.executable}"'
ALLOW_INCOMPLETE = str(config.get("allow_incomplete")).lower() in ("true", "yes")


PERIODS = reporting_periods(".")  # every month with progress reports
SITREPS = sitrep_periods(".")  # the months that get a situation report
ISSUED = [p for p in issued_periods(".") if p in SITREPS]  # ... of which these went out: copied, never rebuilt
# A period wildcard for sitreps still open (rendered), and one for issued ones (copied back as sent).
OPEN_PERIOD = "".join(f"(?!{p}(?!\\d))" for p in ISSUED) + r"\d{4}-\d{2}"
ISSUED_PERIOD = "|".join(ISSUED) or "(?!)"


wildcard_constraints:
    country="|".join(COUNTRIES),
    doc="|".join(DOCS),
    period=r"\d{4}-\d{2}",
    audience="|".join(PLAN.audiences),


def declared(*functions):
    """The files of these input functions that Snakemake can declare: `{...}` in a path would read as a
    wildcard (steps/shared.declarable). Each rule using it also has params `unlisted=unlisted(...)`."""
    return lambda wildcards: declarable(p for f in functions for p in f(wildcards))


def unlisted(*functions):
    """A hash of the files `declared` left out: the step still reruns when one of them changes."""
    return lambda wildcards: undeclared(p for f in functions for p in f(wildcards))


def get_submissions(wildcards):
    return [str(p) for p in submission_files(".", wildcards.country)]


def get_funding(wildcards):
    return [str(p) for p in funding_files(".")]


def get_sitrep_inputs(wildcards):
    return [str(p) for p in progress_files(".", wildcards.period)] + [
        p for p in [f"inputs/sitreps/{wildcards.period}/figures.csv"] if Path(p).is_file()]


def get_earlier_figures(wildcards):
    """Key figures of the periods before this one: the trend chart reads them."""
    return [f"build/data/sitreps/{p}.figures.csv" for p in PERIODS if p < wildcards.period]


def get_earlier_rows(wildcards):
    """Progress of the periods before this one: reached since the plan's start adds them up."""
    return [f"build/data/sitreps/{p}" for p in PERIODS if p < wildcards.period]


def get_latest_sitrep(wildcards):
    return [f"build/figures/sitreps/{SITREPS[-1]}/{wildcards.doc}.json"] if SITREPS else []


def get_key_messages(wildcards):
    return [p for p in [narrative_path(wildcards.doc, "key_messages")] if Path(p).is_file()]


def get_pack_narratives(wildcards):
    return [p for p in (narrative_path(wildcards.doc, s) for s in PACK_NARRATIVES) if Path(p).is_file()]


def get_highlights(wildcards):
    return sorted(str(p) for p in Path(f"inputs/sitreps/{wildcards.period}/highlights/{wildcards.doc}").glob("*.md"))


def get_indicators(wildcards):
    return [p for p in ["inputs/indicators.csv"] if Path(p).is_file()]


def get_gazetteer(wildcards):
    return [p for p in ["inputs/gazetteer.csv"] if Path(p).is_file()]


def get_places(wildcards):
    """What places a document's areas on its map: the gazetteer and the country's admin1 boundaries."""
    doc = getattr(wildcards, "doc", None) or getattr(wildcards, "country", None)
    return [p for p in ["inputs/gazetteer.csv", f"inputs/boundaries/{doc}.geojson"] if Path(p).is_file()]


def get_framework(wildcards):
    """The optional planning framework beside plan.yaml: indicators, people in need, sector leads, gazetteer."""
    return [p for p in ["inputs/indicators.csv", "inputs/needs.csv", "inputs/coordination.csv", "inputs/gazetteer.csv"]
            if Path(p).is_file()]


def get_template(name):
    for d in TEMPLATE_DIRS:
        if (Path(d) / name).is_file():
            return str(Path(d) / name)
    raise WorkflowError(f"template {name} not found in {TEMPLATE_DIRS}")


def get_narratives(wildcards):
    sections = ["overview", "key_messages"] + PLAN.sector_codes + list(CROSS_CUTTING)
    paths = [narrative_path(wildcards.doc, s) for s in sections]
    if wildcards.doc == "regional":  # its country summaries quote each country's overview
        paths += [narrative_path(c, "overview") for c in PLAN.country_codes]
    return [p for p in paths if Path(p).is_file()]


def get_all_narratives(wildcards):
    """Narratives and sitrep highlights: the validation summary lists what is pending or refused."""
    return sorted(str(p) for p in Path("inputs/narratives").glob("*/*.md")) + sorted(
        str(p) for p in Path("inputs/sitreps").glob("*/highlights/*/*.md"))


def get_documents():
    return (
        expand("build/rrp/{doc}.{ext}", doc=DOCS, ext=["md", "docx", "pdf"])
        + expand("build/keypoints/{doc}.{ext}", doc=DOCS, ext=["md", "docx", "pdf"])
        + expand("build/funding/{doc}.{ext}", doc=DOCS, ext=["md", "docx", "pdf"])
        + expand("build/sitreps/{period}/{doc}.{ext}", period=SITREPS, doc=DOCS, ext=["md", "docx", "pdf"])
        + [f"build/packs/{a}/{d}.{ext}" for a in PLAN.audiences for d in PLAN.pack_documents(a)
           for ext in ("md", "docx", "pdf", "xlsx")]
        + ["build/plan/plan_rows.csv", "build/plan/plan_rows.xlsx", "build/reports/summary.md", "build/reports/summary.html"]
        + preparedness_documents()  # workflow/rules/preparedness.smk
    )


def get_inputs(wildcards):
    return sorted(str(p) for p in Path("inputs").rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))


def get_previous_figures(wildcards):
    """With --config previous=DIR, the index compares against that earlier build."""
    prev = config.get("previous")
    if not prev:
        return []
    if not Path(prev, "figures").is_dir():
        raise WorkflowError(f"previous={prev}: not a build folder (no figures/ in it)")
    return sorted(str(p) for p in Path(prev).glob("figures/*.json")) + [str(p) for p in Path(prev).glob("plan/plan_rows.csv")]


def get_final_outputs():
    return get_documents() + ["build/manifest.json", "build/index.html"]


def get_document_outputs():
    """Everything a failed build puts back from build/.last-good: the documents and their charts."""
    return get_documents() + expand("build/charts/{doc}", doc=DOCS) + expand(
        "build/charts/sitreps-{period}-{doc}", period=SITREPS, doc=DOCS) + expand("build/charts/funding-{doc}", doc=DOCS) + preparedness_chart_dirs()


def after_build(failed):
    review_jobs.after_build(root=".", failed=failed, documents=get_document_outputs(),
                            status_jsons=expand("build/data/{country}.status.json", country=COUNTRIES)
                            + preparedness_statuses(), index_out="build/index.html",
                            previous=config.get("previous") or None,
                            unfinished=review_jobs.unfinished_steps(dag=workflow.dag) if failed else [],
                            forget=forget_run)


def forget_run(path):
    """Snakemake's record of an output's last run (what `snakemake --cleanup-metadata PATH` drops)."""
    from snakemake.io import IOFile

    workflow.persistence.cleanup_metadata(IOFile(path))


onstart:
    # Steps run in worker processes, one per core: start them now, while Snakemake schedules the first jobs.
    if workflow.local_exec:
        workers.start_workers(workflow.cores)
    else:
        workers.no_local_steps()


onsuccess:
    workers.finish_build()
    after_build(failed=False)


onerror:
    # The failed run's documents are back from build/.last-good, marked stale, and index.html says so.
    workers.finish_build()
    after_build(failed=True)
