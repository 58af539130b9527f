"""Review steps: the manifest (every input and output with its hash) and build/index.html."""
from __future__ import annotations

import json
from pathlib import Path

from ..common.files import atomic_write_text
from ..common.plan import workspace_plan
from .steps import rel, write_json


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

    from .. import __version__

    root = Path(root)
    inputs = sorted(p for p in (root / "inputs").rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    manifest = {
        "versions": {"rcm-docs": __version__, "pandoc": pypandoc.get_pandoc_version(), "typst": version("typst")},
        "inputs": {rel(root, p): _sha256(p) for p in inputs},
        "outputs": {rel(root, p): _sha256(Path(p)) for p in sorted(map(str, outputs))},
    }
    write_json(out_json, manifest)
    return manifest


def write_index(root, status_jsons: list, out, previous: str | None = None) -> None:
    """build/index.html; with previous (an earlier build folder), what changed since it first; stale
    documents (the last good ones, restored after a failed build) first of all."""
    from ..review.diff import figure_changes, row_changes
    from ..review.page import index_html
    from .lastgood import stale

    build = Path(out).parent
    statuses = [json.loads(Path(p).read_text()) for p in status_jsons]
    changes = None
    if previous:
        prev = Path(previous)
        changes = (previous, figure_changes(prev, build), row_changes(prev, build))
    atomic_write_text(out, index_html(build, workspace_plan(root), statuses, changes, stale(root)))


def after_build(root, failed: bool, documents: list, status_jsons: list, index_out, previous: str | None = None,
                unfinished: list[dict] = (), forget=None) -> None:
    """Snakemake's onsuccess and onerror. After a failure the last good documents go back where the failed
    run removed them, marked stale (build/lastgood.py; forget drops Snakemake's record of a stale one's
    run, so the next run rebuilds it), and build/index.html is made again to say so:
    the page is current after every run, a failed one too. After a success build/stale.json keeps only
    the documents still stale (none, when every document was built), and build/.last-good no copy of a
    document the plan no longer makes."""
    import sys

    from . import lastgood

    if not failed:
        lastgood.write_stale(root, lastgood.stale(root))
        lastgood.prune(root, documents)
        _prune_documents(root, documents)
        return
    lastgood.restore(root, documents, unfinished, forget)
    readable = []
    for p in status_jsons:  # a country whose validation did not run has no verdicts to show
        try:
            json.loads(Path(p).read_text())
            readable.append(p)
        except (OSError, ValueError):
            pass
    try:
        write_index(root, readable, index_out, previous)
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


def unfinished_steps(dag) -> list[dict]:
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
