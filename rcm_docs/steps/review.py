"""Review steps: the manifest (every input and output with its hash) and build/index.html."""
from __future__ import annotations

import json
from pathlib import Path

from ..common.files import atomic_write_text
from ..common.plan import workspace_plan
from .shared import rel, write_json


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_hashes(root) -> dict[str, str]:
    """Every input file of the workspace (not hidden ones, nor Office's lock files) with its SHA-256."""
    root = Path(root)
    inputs = sorted(p for p in (root / "inputs").rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    return {rel(root, p): _sha256(p) for p in inputs}


def write_manifest(root, outputs: list, out_json) -> dict:
    """Every input and output with its hash, and the tool versions: what a draft was made from."""
    from importlib.metadata import version

    import pypandoc

    from .. import __version__

    root = Path(root)
    manifest = {
        "versions": {"rcm-docs": __version__, "pandoc": pypandoc.get_pandoc_version(), "typst": version("typst")},
        "inputs": input_hashes(root),
        "outputs": {rel(root, p): _sha256(Path(p)) for p in sorted(map(str, outputs))},
    }
    write_json(out_json, manifest)
    return manifest


PREVIOUS = ".previous"  # build/.previous: the last build's documents, figures, rows and manifest, as links
REVIEW = "review"  # build/review: the redlines build/index.html links


def manifest_and_index(*, root, outputs: list, status_jsons: list, manifest_json, index_html,
                       previous: str | None = None):
    """The build's last step: the manifest (write_manifest), then the review page (write_index)."""
    manifest = write_manifest(root, outputs, manifest_json)
    write_index(root, status_jsons, index_html, previous, inputs=manifest["inputs"])  # the inputs hashed once


def write_index(root, status_jsons: list, out, previous: str | None = None, remember: bool = True,
                inputs: dict[str, str] | None = None) -> None:
    """build/index.html. It opens on the state of the draft (rejected submissions, stale documents: the last
    good ones, restored after a failed build) and on what changed since the last build, or since
    `previous` (an earlier build folder, the reference draft): documents by type with their redlines
    (build/review/), the figures that moved, the submission rows behind them. Then, when `remember`, this
    build becomes the last one (build/.previous/, hard links: no copy is made). inputs: the inputs' hashes,
    if already taken (by default hashed here: after a failed run the manifest is behind)."""
    from ..review.drafts import compare_drafts
    from ..review.page import index_html
    from .lastgood import stale

    build = Path(out).parent
    statuses = [json.loads(Path(p).read_text(encoding="utf-8")) for p in status_jsons]
    reference = Path(previous) if previous else build / PREVIOUS
    changes, note = None, ""
    if (reference / "figures").is_dir():
        # One process, no pool: the redlines of a one-number change take about half a second.
        changes = compare_drafts(reference, build, build / REVIEW, previous or "the last build", parallel=False,
                                 inputs=inputs if inputs is not None else input_hashes(root))
        _forget_other_redlines(build / REVIEW, {d for d, c, _ in changes.documents if c == "changed"})
    elif previous:
        note = f"{previous}: not a build folder (no figures/ in it), so nothing to compare with."
    else:
        note = "This is the first build of this folder: the next one will open on what changed since it."
    atomic_write_text(out, index_html(build, workspace_plan(root), statuses, changes, stale(root), note))
    if remember:
        remember_build(build)


def _forget_other_redlines(review: Path, changed: set[str]) -> None:
    """Redlines of an earlier comparison whose document has not changed since the last build: not linked,
    so not kept (a reviewer browsing build/review/ sees this build's changes only)."""
    from ..review.drafts import made_record

    for p in review.rglob("*.redline.docx"):
        if p.relative_to(review).as_posix().replace(".redline.docx", ".docx") not in changed:
            p.unlink(missing_ok=True)
            made_record(p).unlink(missing_ok=True)


def remember_build(build: Path) -> None:
    """build/.previous/: this build's documents (DOCX), figures, merged rows and manifest, for the next
    build's page to compare with. Hard links (a later build writes new files, so the links keep these
    bytes); a copy where the file system has none."""
    import shutil

    from ..review.drafts import documents
    from .lastgood import link_or_copy

    keep = [build / d for d in documents(build)] + sorted((build / "figures").rglob("*.json")) + [
        p for p in (build / "plan" / "plan_rows.csv", build / "manifest.json") if p.is_file()]
    target = build / PREVIOUS
    fresh = build / f"{PREVIOUS}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    for src in keep:
        dst = fresh / src.relative_to(build)
        dst.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(src, dst)
    shutil.rmtree(target, ignore_errors=True)
    fresh.rename(target)


def after_build(*, root, failed: bool, documents: list, status_jsons: list, index_out, previous: str | None = None,
                unfinished: list[dict] = (), forget=None) -> None:
    """Snakemake's onsuccess and onerror. After a failure the last good documents go back where the failed
    run removed them, marked stale (build/lastgood.py; forget drops Snakemake's record of a stale one's
    run, so the next run rebuilds it), and build/index.html is made again to say so:
    the page is current after every run, a failed one too. After a success build/stale.json keeps only
    the documents still stale (none, when every document was built), build/.last-good no copy of a
    document the plan no longer makes, and the drawn-chart cache no chart unused for two weeks."""
    import sys

    from . import lastgood

    if not failed:
        lastgood.write_stale(root, lastgood.stale(root))
        lastgood.prune(root, documents)
        _prune_documents(root, documents)
        from ..documents.pictures.charts import prune_chart_cache

        prune_chart_cache(Path(root) / "build" / "charts")
        return
    lastgood.restore(root, documents, unfinished, forget)
    readable = []
    for p in status_jsons:  # a country whose validation did not run has no verdicts to show
        try:
            json.loads(Path(p).read_text(encoding="utf-8"))
            readable.append(p)
        except (OSError, ValueError):
            pass
    try:
        # The page says what the failed run changed and what is stale; the last build to compare with stays
        # the last one that succeeded.
        write_index(root, readable, index_out, previous, remember=False)
    except Exception as e:  # noqa: BLE001  the build's own error is the one to report
        print(f"rcm-docs: {index_out} could not be made again after the failed build: {type(e).__name__}: {e}",
              file=sys.stderr)


# Folders that hold only documents the build makes: a file there the plan no longer makes (a pack for a
# country that has no HCT any more, a sitrep month removed) would be sent by mistake, so it goes.
DOCUMENT_DIRS = ("rrp", "keypoints", "funding", "sitreps", "packs")


def _prune_documents(root, documents: list) -> None:
    made = {str(Path(d)) for d in documents}
    build = Path(root) / "build"
    for folder in DOCUMENT_DIRS:
        for p in sorted((build / folder).rglob("*")) if (build / folder).is_dir() else []:
            if p.is_file() and str(p.relative_to(root)) not in made:
                p.unlink()
                print(f"rcm-docs: removed {p.relative_to(root)}: the plan no longer makes it")


def unfinished_steps(*, dag) -> list[dict]:
    """The steps of a failed run that needed to run and did not finish (failed, or never started), each
    with its outputs, its log and the logs of the unfinished steps upstream of it, from Snakemake's DAG
    (needrun_jobs() leaves the finished ones out). [] if the DAG cannot tell."""
    try:
        jobs = list(dag.needrun_jobs())
        waiting = set(jobs)
        out = []
        for job in jobs:
            upstream, seen, todo = [], set(), [job]
            while todo:
                for dep in dag.dependencies[todo.pop()]:
                    if dep in waiting and dep not in seen:
                        seen.add(dep)
                        todo.append(dep)
                        upstream += [str(f) for f in dep.log]
            out.append({"outputs": [str(f) for f in job.output], "log": [str(f) for f in job.log],
                        "upstream": sorted(upstream)})
        return out
    except Exception:  # noqa: BLE001  Snakemake's internals moved: documents are still put back, unmarked
        return []
