"""Narratives and sitrep highlights written by people (inputs/narratives, inputs/sitreps/<period>/highlights):
read as Markdown, made safe to place inside a document, headings demoted under the section they fill."""
from __future__ import annotations

import re
from pathlib import Path

from ..common.plan import Plan
from ..common.workspace import narrative_path


def demote_headings(markdown: str, by: int) -> str:
    """Narrative '# Needs' becomes a sub-heading of the section it is placed in."""
    out, fence = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and re.match(r"^#{1,6}\s", line):
            line = "#" * by + line
        out.append(line)
    return "\n".join(out).strip() + "\n"


def _narrative(root, doc: str, section: str, demote: int) -> str | None:
    return _markdown_file(Path(root) / narrative_path(doc, section), demote)


def _markdown_file(path: Path, demote: int) -> str | None:
    """A narrative or highlight written by people: None when absent or empty; headings demoted."""
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
