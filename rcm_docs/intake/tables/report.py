"""Validation reports in the submitter's terms: Markdown, one per submission plus a summary."""
from __future__ import annotations

import html
import re
from itertools import groupby

from ...common.fmt import number
from .contract import TITLES, Severity


def markdown_cell(text) -> str:
    """A submitter's value as literal table-cell text in Markdown and in the HTML made from it."""
    s = html.escape("" if text is None else " ".join(str(text).split()), quote=False)
    s = s.replace("\\", "\\\\").replace("|", "\\|")
    return "".join("\\" + c if c in "*`[]~<" else c for c in s) or " "


def _inline(text) -> str:
    """A value from input as literal text in a heading or a sentence of the report."""
    return markdown_cell(text).strip()


def _code(text) -> str:
    """A value shown exactly as typed: a code span, which Markdown renders literally."""
    s = "" if text is None else " ".join(str(text).split())
    if not s:
        return " "
    fence = "``" if "`" in s else "`"
    return f"{fence} {s} {fence}".replace("|", "\\|") if fence == "``" else f"`{s}`".replace("|", "\\|")


def submission_report(result, country_name: str, sector_name: str) -> str:
    """Every problem of one submission, grouped by rule, errors first."""
    e, w = len(result.errors), len(result.warnings)
    lines = [f"# Validation report: {_inline(result.file)}", "",
             f"**Verdict: {result.verdict}**: {e} error(s), {w} warning(s) in {number(result.data_rows)} "
             f"{'scenario(s)' if result.file.endswith('.yaml') else 'data row(s)'}.", "",
             f"Country: {_inline(country_name)} ({_inline(result.country)}). "
             f"Sector: {_inline(sector_name)} ({_inline(result.sector)}).", ""]
    if result.errors:
        lines += ["Nothing from this file is merged into the plan until every error is fixed. Fix the cells listed",
                  "below and drop the file again.", ""]
    elif not result.problems:
        lines += ["No problems found: every row is merged into the plan.", ""]
    order = sorted(result.problems, key=lambda p: (p.severity is not Severity.ERROR, not p.is_structure, p.reason.value, p.row or 0))
    for (sev, reason), items in groupby(order, key=lambda p: (p.severity, p.reason)):
        items = list(items)
        kind = "structure" if items[0].is_structure else "content"
        lines += [f"## {sev.value.capitalize()}: {TITLES[reason]} ({len(items)}; {kind}; `{reason.value}`)", "",
                  "| Sheet | Row | Cell | Column | Value | Problem | How to fix |",
                  "|---|--:|---|---|---|---|---|"]
        for p in items:
            lines.append("| " + " | ".join([markdown_cell(p.sheet or ""), markdown_cell(p.row or ""), markdown_cell(p.cell or ""), _code(p.column),
                                              _code(p.value), markdown_cell(p.message), markdown_cell(p.fix)]) + " |")
        lines.append("")
    return "\n".join(lines)


def summary_report(statuses: list[dict], pending: list[str], missing: list[str],
                   more: dict[str, list[str]] | None = None) -> str:
    """One page for the drafter: each submission's verdict, narratives pending, sectors with no submission,
    then `more`: {heading: lines} (key messages refused, sitrep highlights missing ...), each only if not empty."""
    rejected = [s for c in statuses for s in c["submissions"] if s["verdict"] == "rejected"]
    total = sum(len(c["submissions"]) for c in statuses)
    lines = ["# Validation summary", "",
             f"{total} submission(s): {total - len(rejected)} accepted, {len(rejected)} rejected.", ""]
    if rejected:
        lines += ["Documents that depend on a rejected submission are not built until it is fixed.", ""]
    lines += ["| Country | Sector | File | Verdict | Rows | Errors | Warnings | Report |", "|---|---|---|---|--:|--:|--:|---|"]
    for c in statuses:
        for s in c["submissions"]:
            lines.append("| " + " | ".join(markdown_cell(x) for x in (c["country"], s["sector"], s["file"], s["verdict"], s["rows"],
                                                                s["errors"], s["warnings"], s["report"])) + " |")
    lines.append("")
    lines += ["## Sectors with no submission", ""] + ([f"- {m}" for m in missing] or ["None."]) + [""]
    lines += ["## Narratives pending", ""] + ([f"- `{p}`" for p in pending] or ["None."]) + [""]
    for heading, items in (more or {}).items():
        if items:
            lines += [f"## {heading}", ""] + [f"- {markdown_cell(i)}" for i in items] + [""]
    return "\n".join(lines + _areas_not_mapped(statuses))


def _areas_not_mapped(statuses: list[dict]) -> list[str]:
    """Admin1 names of accepted rows that match no point or boundary: left off the maps, so listed here."""
    rows = [(c["country"], u) for c in statuses for u in c.get("unmapped", [])]
    problems = [(c["country"], c["map_problem"]) for c in statuses if c.get("map_problem")]
    lines = ["## Areas not on the maps", ""]
    if not rows and not problems:
        return lines + ["None: every area named in the submissions is on its country's map.", ""]
    for country, why in problems:
        lines += [f"- {_inline(country)}: the admin1 boundaries cannot be used, so its chapter is not built: "
                  f"{_inline(why)}", ""]
    if rows:
        lines += ["Each area below is left off its country's map (the chapter's map names it). Correct the name in "
                  "the submission, or give the area's `code` or `lon` and `lat` in `inputs/gazetteer.csv`.", "",
                  "| Country | Area as written | File | Rows | Closest name on the map |", "|---|---|---|---|---|"]
        for country, u in rows:
            shown = ", ".join(str(r) for r in u["rows"][:10]) + (f" and {len(u['rows']) - 10} more" if len(u["rows"]) > 10 else "")
            lines.append("| " + " | ".join([markdown_cell(country), _code(u["admin1"]), markdown_cell(u["file"]), markdown_cell(shown),
                                              markdown_cell(u["suggestion"] or "none close")]) + " |")
        lines.append("")
    return lines


HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:Lato,Arial,sans-serif;max-width:75em;margin:2em auto;color:#1a1a1a}}
h1,h2{{color:#18375F}} table{{border-collapse:collapse;font-size:90%}}
th{{background:#18375F;color:#fff;text-align:left}} th,td{{padding:.3em .6em;border-bottom:1px solid #ccc;vertical-align:top}}</style>
</head><body>
{body}
</body></html>
"""


_WEB_LINK = re.compile(r"(?i)(https?://|mailto:|#)")


def to_html(markdown_text: str, title: str) -> str:
    """The same report as a page to open in a browser. Values are escaped when the Markdown is made; and
    whatever the Markdown holds, the page has no HTML but Markdown's own (raw HTML shows as text), no
    image, and links only to the web or mail: the page is opened from disk, next to the build."""
    import markdown
    from markdown.extensions.tables import TableExtension
    from markdown.treeprocessors import Treeprocessor

    class Inert(Treeprocessor):
        def run(self, root):
            for el in root.iter():
                if el.tag == "a" and not _WEB_LINK.match(el.get("href", "")):
                    el.attrib.pop("href", None)  # javascript:, file:, data: ... : the text stays
                elif el.tag == "img":
                    alt = el.get("alt", "")
                    el.attrib.clear()
                    el.tag, el.text = "span", alt

    # The extension itself, not its name: a name is looked up among every installed package's entry points
    # (30 ms at a process's first report, the first step of a build).
    md = markdown.Markdown(extensions=[TableExtension()], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(Inert(md), "inert", 5)  # after 'inline' has made the links and images
    return HTML_PAGE.format(title=html.escape(title), body=md.convert(markdown_text))
