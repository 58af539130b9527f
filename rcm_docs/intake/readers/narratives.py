"""Narratives and sitrep highlights written by people (inputs/narratives, inputs/sitreps/<period>/highlights):
read as Markdown, made safe to place inside a document, headings demoted under the section they fill."""
from __future__ import annotations

import re
from collections.abc import Mapping

from ...common.plan import Plan
from ...common.workspace import narrative_path
from .markdown import FOOTNOTE_MARK, NarrativeError, markdown_file
from .messages import read as read_messages


def _narrative(root, doc: str, section: str, demote: int) -> str | None:
    return markdown_file(root, narrative_path(doc, section), demote)


class _WhenUsed(Mapping):
    """A mapping whose values are made when first looked up: a narrative is read and checked only by
    the documents whose template shows it, so key points (which show none) do not fail on a refused one."""

    def __init__(self, make: dict):
        self._make, self._made = make, {}

    def __getitem__(self, key):
        if key not in self._made:
            self._made[key] = self._make[key]()
        return self._made[key]

    def __iter__(self):
        return iter(self._make)

    def __len__(self):
        return len(self._make)


# What the packs draw on besides the figures: narratives/<doc>/<name>.md, each optional.
PACK_NARRATIVES = ("inclusion", "solutions", "development", "mixed_situations", "underfunding")

# Cross-cutting sections of a chapter's response strategy, in the order published plans give them:
# narratives/<doc>/<file>.md -> the section's heading.
CROSS_CUTTING = {"agd": "Age, gender and diversity", "aap": "Accountability to affected people",
                 "psea": "Protection from sexual exploitation and abuse", "localisation": "Localisation",
                 "cash": "Cash and voucher assistance", "environment": "Environment"}


def _cross_cutting(root, doc: str) -> dict[str, str]:
    """The cross-cutting sections written for a document, by heading; the unwritten ones are left out."""
    out = {}
    for name, heading in CROSS_CUTTING.items():
        text = _narrative(root, doc, name, 2)
        if text:
            out[heading] = text
    return out


def narratives(root, plan: Plan, doc: str) -> Mapping:
    """A document's narratives for its template; each raises NarrativeError when used, if refused."""
    extra = PACK_NARRATIVES

    def read(section: str, demote: int):
        return lambda: _narrative(root, doc, section, demote)

    def key_messages():
        return read_messages(root, doc)

    return _WhenUsed({
        "key_messages": key_messages,
        "extra": lambda: _WhenUsed({s: read(s, 1) for s in extra}),
        "extra_paths": lambda: {s: narrative_path(doc, s) for s in extra},
        "overview": read("overview", 1),
        "overview_path": lambda: narrative_path(doc, "overview"),
        "sectors": lambda: _WhenUsed({s: read(s, 2) for s in plan.sector_codes}),
        "sector_paths": lambda: {s: narrative_path(doc, s) for s in plan.sector_codes},
        "cross_cutting": lambda: _cross_cutting(root, doc),
        # the regional plan's country summaries: each country overview's first paragraph
        "country_overviews": lambda: _WhenUsed({c: (lambda c=c: first_paragraph(_narrative(root, c, "overview", 1)))
                                                for c in plan.country_codes}),
    })


_NOT_PROSE = re.compile(r"(?: {4}|\t| {0,3}(?:#|\||>|[-+*][ \t]|\d{1,9}[.)][ \t]|```|~~~|:::|<|\[\^|!\[|\* \* \*|\+-))")
_UNDERLINE = re.compile(r"[ \t|:+=-]*[=-][ \t|:+=-]*")  # a setext heading's or a table's second line


def _prose(block: str) -> bool:
    """A block of Markdown that is a plain paragraph: no heading, list, table, quote, code or picture."""
    lines = block.strip("\n").split("\n")
    return bool(block.strip()) and not _NOT_PROSE.match(lines[0]) and not (
        len(lines) > 1 and _UNDERLINE.fullmatch(lines[1]))


def starts_with_prose(markdown: str | None) -> bool:
    """The narrative opens with a paragraph (a line placed above it may join it, so the two stay together)."""
    return _prose(re.split(r"\n[ \t]*\n", (markdown or "").strip("\n"), maxsplit=1)[0])


def first_paragraph(markdown: str | None) -> str | None:
    """The first paragraph of prose in a narrative, its footnote marks left out (their notes stay with
    the full text): what a summary quotes."""
    for block in re.split(r"\n[ \t]*\n", markdown or ""):
        if _prose(block):
            return FOOTNOTE_MARK.sub("", block.strip("\n")) + "\n"
    return None


def highlights(root, plan: Plan, doc: str, period: str) -> dict:
    """inputs/sitreps/<period>/highlights/<doc>/<sector|overview>.md, as Markdown (headings demoted)."""
    folder = f"inputs/sitreps/{period}/highlights/{doc}"
    return {section: markdown_file(root, f"{folder}/{section}.md", 2) for section in ["overview"] + plan.sector_codes}


def _pending(root, doc: str, section: str) -> bool:
    try:
        return _narrative(root, doc, section, 0) is None
    except NarrativeError:
        return False  # submitted, but refused: the documents that include it fail and say why


def pending_narratives(root, plan: Plan) -> list[str]:
    out = []
    for doc in plan.country_codes + ["regional"]:
        sections = ["overview"] + plan.sector_codes  # the regional plan's: its sector strategies
        out += [narrative_path(doc, s) for s in sections if _pending(root, doc, s)]
    return out
