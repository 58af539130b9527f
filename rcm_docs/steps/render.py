"""Render steps: one document (chapter, key points, sitrep, pack) from its figures, narratives and templates,
as Markdown, DOCX and PDF (and a pack's XLSX annex)."""
from __future__ import annotations

import json
from pathlib import Path

from ..common.plan import workspace_plan
from ..intake.readers.narratives import highlights, narratives


def render_document(*, root, doc: str, figures_json, out_md, out_docx, out_pdf, template_dirs: list,
                    kind: str = "rrp", funding_json=None, sitrep_json=None, audience: str | None = None,
                    annex_xlsx=None) -> dict:
    """One document (a country's or the region's) as Markdown, DOCX and PDF -> {"timings": {stage: s}}."""
    from ..documents.render import stage_times

    with stage_times() as times:
        _render(root, doc, figures_json, out_md, out_docx, out_pdf, template_dirs, kind, funding_json,
                sitrep_json, audience, annex_xlsx, lambda: _redline_against_last_build(root, out_docx))
    return {"timings": times}


def _redline_against_last_build(root, out_docx) -> None:
    """The document's redline against the last build's copy (build/.previous/), made here, beside the other
    worker's documents, so that build/index.html, made last and alone, finds it made (build/review.py)."""
    from ..documents.render import timed
    from ..review.drafts import redline_pair
    from .review import PREVIOUS, REVIEW

    build = Path(root) / "build"
    try:
        doc = Path(out_docx).resolve().relative_to(build.resolve()).as_posix()
    except ValueError:
        return
    if (build / PREVIOUS / doc).is_file():
        with timed("redline"):
            try:
                redline_pair(build / PREVIOUS / doc, Path(out_docx), build / REVIEW, doc)
            except Exception:  # noqa: BLE001  the document is made; the index step makes the redline or says why
                pass


def _render(root, doc, figures_json, out_md, out_docx, out_pdf, template_dirs, kind, funding_json,
            sitrep_json, audience, annex_xlsx, after_docx) -> None:
    from ..documents.compose import compose

    plan = workspace_plan(root)
    fig = json.loads(Path(figures_json).read_text(encoding="utf-8"))
    funding = json.loads(Path(funding_json).read_text(encoding="utf-8")) if funding_json else None
    sitrep = json.loads(Path(sitrep_json).read_text(encoding="utf-8")) if sitrep_json else None
    located = area_locations(root, plan, doc, fig) if kind == "rrp" and doc != "regional" else None
    compose(plan, kind, doc, fig, funding, sitrep, audience, narratives(root, plan, doc),
            highlights(root, plan, doc, sitrep["period"]) if sitrep else {}, [Path(d) for d in template_dirs],
            out_md, out_docx, out_pdf, annex_xlsx, located, after_docx)


def area_locations(root, plan, country: str, fig: dict):
    """Where the country's areas go on its map (intake.places.workspace_locations)."""
    from ..intake.readers.places import workspace_locations

    return workspace_locations(root, plan, country, [a["admin1"] for a in fig.get("areas", [])])
