"""Validation reports in the submitter's terms: Markdown, one per submission plus a summary."""
from __future__ import annotations

from itertools import groupby

from .contract import TITLES, Severity
from .fmt import number


def _cell(text) -> str:
    s = "" if text is None else " ".join(str(text).split())
    return s.replace("\\", "\\\\").replace("|", "\\|") or " "


def submission_report(result, country_name: str, sector_name: str) -> str:
    """Every problem of one submission, grouped by rule, errors first."""
    e, w = len(result.errors), len(result.warnings)
    lines = [f"# Validation report: {result.file}", "",
             f"**Verdict: {result.verdict}**: {e} error(s), {w} warning(s) in {number(result.data_rows)} data row(s).", "",
             f"Country: {country_name} ({result.country}). Sector: {sector_name} ({result.sector}).", ""]
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
            lines.append("| " + " | ".join(_cell(x) for x in (p.sheet or "", p.row or "", p.cell or "", p.column or "",
                                                                p.value or "", p.message, p.fix)) + " |")
        lines.append("")
    return "\n".join(lines)


def summary_report(statuses: list[dict], pending: list[str], missing: list[str]) -> str:
    """One page for the drafter: each submission's verdict, narratives pending, sectors with no submission."""
    rejected = [s for c in statuses for s in c["submissions"] if s["verdict"] == "rejected"]
    total = sum(len(c["submissions"]) for c in statuses)
    lines = ["# Validation summary", "",
             f"{total} submission(s): {total - len(rejected)} accepted, {len(rejected)} rejected.", ""]
    if rejected:
        lines += ["Documents that depend on a rejected submission are not built until it is fixed.", ""]
    lines += ["| Country | Sector | File | Verdict | Rows | Errors | Warnings | Report |", "|---|---|---|---|--:|--:|--:|---|"]
    for c in statuses:
        for s in c["submissions"]:
            lines.append("| " + " | ".join(_cell(x) for x in (c["country"], s["sector"], s["file"], s["verdict"], s["rows"],
                                                                s["errors"], s["warnings"], s["report"])) + " |")
    lines.append("")
    lines += ["## Sectors with no submission", ""] + ([f"- {m}" for m in missing] or ["None."]) + [""]
    lines += ["## Narratives pending", ""] + ([f"- `{p}`" for p in pending] or ["None."]) + [""]
    return "\n".join(lines)
