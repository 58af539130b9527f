"""The whole draft against the last one: every document that changed, redlined in Word's tracked changes
under the build's own folders; documents added and removed; the figures that moved and why."""
from __future__ import annotations

import json
import os
from pathlib import Path

# Not documents a reader receives: annotated copies of submissions, and the build's redlines.
NOT_DOCUMENTS = ("reports/", "review/")


def documents(build: Path) -> dict[str, Path]:
    """Every DOCX of a build, by its path inside the build. Hidden files and folders are the build's own
    bookkeeping (build/.last-good keeps the last good copy of every document): never a document."""
    out = {}
    for p in sorted(build.rglob("*.docx")):
        rel = p.relative_to(build)
        if not rel.as_posix().startswith(NOT_DOCUMENTS) and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = p
    return out


def count_line(counts: dict) -> str:
    """Words inserted and deleted, tables changed, in a sentence a reviewer reads."""
    parts = [f"{counts['insertions']:,} word{'s' if counts['insertions'] != 1 else ''} inserted",
             f"{counts['deletions']:,} deleted"]
    if counts.get("cells_changed"):
        parts.append(f"{counts['cells_changed']:,} table cell{'s' if counts['cells_changed'] != 1 else ''} changed")
    return ", ".join(parts)


def _redline_one(args: tuple[str, str, str]) -> dict:
    from .redline import redline

    old, new, out = args
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    return redline(old, new, out)


def redline_all(old_build: Path, new_build: Path, out: Path) -> tuple[dict[str, dict], list[str], list[str]]:
    """Redline every document both builds have whose bytes differ -> ({path: counts}, added, removed).
    Identical documents get no redline: a reviewer opens only what changed."""
    old, new = documents(old_build), documents(new_build)
    both = sorted(set(old) & set(new))
    changed = [d for d in both if old[d].read_bytes() != new[d].read_bytes()]
    jobs = [(str(old[d]), str(new[d]), str(out / d.replace(".docx", ".redline.docx"))) for d in changed]
    if len(jobs) > 2 and (os.cpu_count() or 1) > 1:
        import concurrent.futures
        import multiprocessing

        # python-docx is pure Python: documents are redlined side by side in processes, one per core.
        with concurrent.futures.ProcessPoolExecutor(min(os.cpu_count() or 1, len(jobs)),
                                                    mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_redline_one, jobs))
    else:
        results = [_redline_one(j) for j in jobs]
    return dict(zip(changed, results)), sorted(set(new) - set(old)), sorted(set(old) - set(new))


def diff_builds(old_build: Path, new_build: Path, out: Path, fmt: str = "text") -> str:
    """rcm-docs diff OLD NEW -o OUT: redlines, changes.md / changes.xlsx, and OUT/index.html."""
    import pandas as pd

    from ..common.files import atomic_write_text
    from ..common.sheets import write_xlsx
    from .diff import changed_inputs, figure_changes, row_changes, summary_markdown

    out.mkdir(parents=True, exist_ok=True)
    redlines, added, removed = redline_all(old_build, new_build, out)
    figs, rows, inputs = figure_changes(old_build, new_build), row_changes(old_build, new_build), changed_inputs(old_build, new_build)
    docs = ([(d, "changed", count_line(c)) for d, c in redlines.items()] + [(d, "added", "") for d in added]
            + [(d, "removed", "") for d in removed])
    atomic_write_text(out / "changes.md", summary_markdown(figs, rows, inputs, str(old_build), str(new_build), docs))
    write_xlsx({"documents": pd.DataFrame(docs, columns=["document", "change", "words"]), "figures": figs, "rows": rows,
                "inputs": pd.DataFrame(inputs, columns=["path", "change"])}, out / "changes.xlsx", 315532800)
    atomic_write_text(out / "index.html", review_html(str(old_build), str(new_build), docs, figs, rows, inputs))
    if fmt == "json":
        return json.dumps({"documents": [{"document": d, "change": c, "words": w} for d, c, w in docs],
                           "figures_moved": len(figs), "rows_changed": len(rows)}, indent=1)
    lines = [f"{d}: {w}" for d, c, w in docs if c == "changed"]
    lines += [f"{d}: only in {new_build}" for d in added] + [f"{d}: only in {old_build}" for d in removed]
    lines.append(f"{len(redlines)} document(s) changed, {len(added)} added, {len(removed)} removed; "
                 f"{len(figs)} figure(s) and {len(rows)} submission value(s) moved: see {out / 'changes.md'} and {out / 'index.html'}")
    return "\n".join(lines)


def review_html(old: str, new: str, docs: list[tuple[str, str, str]], figs, rows, inputs) -> str:
    """OUT/index.html: what changed first, documents grouped by type with their redlines, figures moved."""
    from .diff import RATIOS, _num
    from .page import STYLE, _e

    kinds = {"rrp": "Chapters and regional plan", "keypoints": "Key points", "sitreps": "Situation reports",
             "packs": "Information-sharing packs", "funding": "Funding updates", "preparedness": "Contingency plans"}
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Review: {_e(new)}</title>",
             f"<style>{STYLE}</style></head><body><h1>What changed</h1><p class='muted'>{_e(old)} &rarr; {_e(new)}. "
             "<a href='changes.md'>changes.md</a> &middot; <a href='changes.xlsx'>changes.xlsx</a></p>"]
    parts.append("<h2>Input files</h2><ul>" + "".join(f"<li>{_e(c)}: <code>{_e(p)}</code></li>" for p, c in inputs)
                 + ("</ul>" if inputs else "<li>No input file changed.</li></ul>"))
    parts.append("<h2>Documents</h2>")
    if not docs:
        parts.append("<p>No document changed.</p>")
    for kind in sorted({d.split("/")[0] for d, _, _ in docs}, key=lambda k: (list(kinds).index(k) if k in kinds else 99, k)):
        parts.append(f"<h3>{_e(kinds.get(kind, kind))}</h3><table><tr><th>Document</th><th>Change</th><th>Redline</th></tr>")
        for d, change, words in (x for x in docs if x[0].split("/")[0] == kind):
            link = f"<a href='{_e(d.replace('.docx', '.redline.docx'))}'>redline</a>" if change == "changed" else ""
            parts.append(f"<tr><td>{_e(d)}</td><td>{_e(words or change)}</td><td>{link}</td></tr>")
        parts.append("</table>")
    parts.append(f"<h2>Figures moved ({len(figs)})</h2>")
    if len(figs):
        parts.append("<table><tr><th>Item</th><th>Measure</th><th>Old</th><th>New</th><th>Inputs behind it</th></tr>")
        for r in figs.itertuples():
            ratio = any(k in r.measure for k in RATIOS)
            parts.append(f"<tr><td>{_e(r.item)}</td><td>{_e(r.measure)}</td><td class='n'>{_e(_num(r.old, ratio))}</td>"
                         f"<td class='n'>{_e(_num(r.new, ratio))}</td><td>{_e(r.inputs)}</td></tr>")
        parts.append("</table>")
    parts.append(f"<h2>Submission rows behind them ({len(rows)})</h2><table><tr><th>Change</th><th>File</th><th>Row</th>"
                 "<th>Organisation / activity</th><th>Column</th><th>Old</th><th>New</th></tr>")
    for r in rows.itertuples():
        parts.append("<tr>" + "".join(f"<td>{_e(_num(v))}</td>" for v in (r.change, r.file, r.row, r.key, r.column, r.old, r.new))
                     + "</tr>")
    parts.append("</table></body></html>\n")
    return "\n".join(parts)
