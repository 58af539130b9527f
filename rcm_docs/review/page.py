"""The review pages a reviewer opens from disk: build/index.html (verdicts, documents, what changed since the
last build) and OUT/index.html of `rcm-docs diff`. Both open on the same account of what changed, made
here once: the state of the draft (rejected submissions, stale documents), input files, documents by
type with their redlines, the figures that moved and the submission rows behind them."""
from __future__ import annotations

import html
import json
import os
from pathlib import Path

from ..common.workspace import issue_log, sitrep_periods

STYLE = """body{font-family:Lato,Arial,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#1a1a1a}
h1{color:#0072BC;margin-bottom:.1em} h2{color:#18375F;border-bottom:2px solid #DCE9FF;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;font-size:92%} th{background:#18375F;color:#fff;text-align:left}
th,td{padding:.35em .6em;border-bottom:1px solid #ddd} td.n{text-align:right}
.rejected{color:#EF4A60;font-weight:bold} .warn{color:#8a6d00} .ok{color:#00875a} .muted{color:#666}"""
STALE_STYLE = "\n.stale{color:#b35c00;font-weight:bold} pre.why{white-space:pre-wrap;font-size:85%;margin:0}"

# The build's folders, in the order a reviewer reads them, as the page names them.
DOCUMENT_TYPES = {"rrp": "Chapters and regional plan", "keypoints": "Key points", "sitreps": "Situation reports",
                  "funding": "Funding updates", "packs": "Information-sharing packs",
                  "preparedness": "Preparedness: contingency plans and dashboards"}


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _v(x) -> str:
    """Numbers as a reader writes them (64,500 not 64500.0); blanks for missing values."""
    if x is None or x != x:
        return ""
    return f"{x:,.0f}" if isinstance(x, (int, float)) and not isinstance(x, bool) else str(x)


def _link(root: Path, rel: str, label: str, stale: dict | None = None, href: str | None = None) -> str:
    """A link to a file of the build (root), `href` the way there from the page (default: rel)."""
    href = rel if href is None else href
    if not (root / rel).exists():
        return f'<span class="muted">{_e(label)}: not built</span>'
    if stale and f"build/{rel}" in stale:  # still linked: the last good version is better than none
        return f'<a href="{_e(href)}" class="stale" title="stale: the last build could not make it again">{_e(label)} (stale)</a>'
    return f'<a href="{_e(href)}">{_e(label)}</a>'


def _type_of(doc: str) -> str:
    return doc.split("/")[0]


def state_html(build: Path, statuses: list[dict], stale: dict | None, prefix: str = "") -> list[str]:
    """Rejected submissions and stale documents (restored from the last good build, build/stale.json),
    each with where to look. prefix: the way from the page to the build folder."""
    parts = []
    rejected = [(st, s) for st in statuses for s in st["submissions"] if s["file"] in st["rejected"]]
    if rejected:
        parts.append(f"<p class='rejected'>{len(rejected)} submission(s) rejected: documents that depend on them are "
                     "not built (or are marked INCOMPLETE).</p><ul>" + "".join(
                         f"<li class='rejected'>{_e(s['file'])}: {s['errors']} error(s), "
                         f"{_link(build, s['report'].removeprefix('build/')[:-3] + '.html', 'report', href=prefix + s['report'].removeprefix('build/')[:-3] + '.html')}</li>"
                         for _, s in rejected) + "</ul>")
    if stale:
        steps: dict[str, list[str]] = {}  # one row per step: its files, and why it could not make them
        for path, entry in sorted(stale.items()):
            steps.setdefault(str(entry.get("log") or path), []).append(path)
        parts.append(f"<h2 class='stale'>Stale documents</h2><p class='stale'>{len(stale)} file(s) are the last good "
                     "versions: the last build could not make them again. Fix what the log says and build again.</p>"
                     "<table><tr><th>Files</th><th>Step</th><th>Why</th></tr>")
        for log, paths in steps.items():
            entry = stale[paths[0]]
            step = entry.get("step") or "log"
            rel = log.removeprefix("build/")
            step = _link(build, rel, step, href=prefix + rel) if entry.get("log") else _e(step)
            files = " · ".join(_link(build, p.removeprefix("build/"), p.removeprefix("build/"),
                                     href=prefix + p.removeprefix("build/")) for p in paths)
            parts.append(f"<tr><td>{files}</td><td>{step}</td><td><pre class='why'>{_e(entry.get('why') or '')}</pre></td></tr>")
        parts.append("</table>")
    return parts


def changes_html(changes, redline_href, document_href=None, stale: dict | None = None) -> list[str]:
    """What changed since the earlier draft (review/drafts.DraftChanges): input files, documents by type
    (each with its redline; added and removed ones named), figures moved with the inputs behind them, and
    the submission rows behind those. redline_href(doc), document_href(doc): links from the page."""
    from .diff import RATIOS, shown_change, shown_number

    docs, figs, rows = changes.documents, changes.figures, changes.rows
    counted = {c: sum(1 for _, k, _ in docs if k.startswith(c)) for c in ("changed", "added", "removed")}
    parts = [f"<h2>What changed since {_e(changes.old)}</h2>",
             f"<p>{counted['changed']} document(s) changed, {counted['added']} added, {counted['removed']} removed; "
             f"{len(figs)} figure(s) moved; {len(rows)} submission value(s) changed.</p>"]
    parts.append("<h3>Input files</h3><ul>" + "".join(f"<li>{_e(c)}: <code>{_e(p)}</code></li>" for p, c in changes.inputs)
                 + ("</ul>" if changes.inputs else "<li>No input file changed.</li></ul>"))
    if not docs:
        parts.append("<h3>Documents</h3><p>No document changed.</p>")
    order = list(DOCUMENT_TYPES)
    for kind in sorted({_type_of(d) for d, _, _ in docs}, key=lambda k: (order.index(k) if k in order else 99, k)):
        parts.append(f"<h3>{_e(DOCUMENT_TYPES.get(kind, kind))}</h3>"
                     "<table><tr><th>Document</th><th>Change</th><th>Redline</th></tr>")
        for d, change, words in (x for x in docs if _type_of(x[0]) == kind):
            name = _e(d)
            if document_href and change != "removed":
                name = f"<a href='{_e(document_href(d))}'>{name}</a>"
            if stale and f"build/{d}" in stale:
                name += " <span class='stale'>(stale: the last good version)</span>"
            link = f"<a href='{_e(redline_href(d))}'>redline</a>" if change == "changed" else ""
            parts.append(f"<tr><td>{name}</td><td>{_e(words or change)}</td><td>{link}</td></tr>")
        parts.append("</table>")
    parts.append(f"<h3>Figures moved ({len(figs)})</h3>")
    if len(figs):
        parts.append("<table><tr><th>Item</th><th>Measure</th><th>Old</th><th>New</th><th>Change</th>"
                     "<th>Inputs behind it</th></tr>")
        for r in figs.itertuples():
            ratio = any(k in r.measure for k in RATIOS)
            parts.append(f"<tr><td>{_e(r.item)}</td><td>{_e(r.measure)}</td><td class='n'>{_e(shown_number(r.old, ratio))}</td>"
                         f"<td class='n'>{_e(shown_number(r.new, ratio))}</td><td class='n'>{_e(shown_change(r))}</td>"
                         f"<td>{_e(r.inputs)}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No figure moved.</p>")
    parts.append(f"<h3>Submission rows behind them ({len(rows)})</h3>")
    if len(rows):
        parts.append("<table><tr><th>Change</th><th>File</th><th>Row</th><th>Organisation / activity</th><th>Column</th>"
                     "<th>Old</th><th>New</th></tr>")
        for r in rows.itertuples():
            parts.append("<tr>" + "".join(f"<td>{_e(_v(v))}</td>" for v in (r.change, r.file, r.row, r.key, r.column, r.old, r.new))
                         + "</tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No submission row changed.</p>")
    return parts


def index_html(build: Path, plan, statuses: list[dict], changes=None, stale: dict | None = None,
               since_note: str = "") -> str:
    """build/index.html; links are relative so the folder can be zipped or moved. It opens on the state of
    the draft and what changed since the last build (or the reference draft): changes is a
    review/drafts.DraftChanges whose redlines are under build/review/. stale: the documents restored from
    the last good build ({path: {step, log, why}}, build/stale.json)."""
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(plan.short_title)}: drafts</title>",
             f"<style>{STYLE}{STALE_STYLE if stale else ''}</style></head><body>",
             f"<h1>{_e(plan.title)}</h1><p class='muted'>Figures as of {_e(plan.as_of.isoformat())}. "
             f"<a href='reports/summary.html'>Validation summary</a> · <a href='manifest.json'>manifest</a></p>"]
    parts += state_html(build, statuses, stale)
    # Reviewers come for what moved: it goes first.
    if changes is not None:
        parts += changes_html(changes, lambda d: "review/" + d.replace(".docx", ".redline.docx"), lambda d: d, stale)
    elif since_note:
        parts.append(f"<h2>What changed</h2><p class='muted'>{_e(since_note)}</p>")
    checks = _plan_checks(build, plan)
    if checks:
        parts.append("<h2>Before this plan goes out</h2><ul>" + "".join(f"<li class='warn'>{_e(c)}</li>" for c in checks)
                     + "</ul>")
    parts += _issued(build)
    parts.append("<h2>Documents</h2>")
    for kind, rows in _documents(build, plan):
        parts.append(f"<h3>{_e(kind)}</h3><table><tr><th>Document</th><th>Word</th><th>PDF</th><th>Markdown</th><th>Data</th></tr>")
        for name, base in rows:
            cells = "".join(f"<td>{_link(build, f'{base}.{ext}', ext.upper(), stale) if (build / f'{base}.{ext}').exists() or ext != 'xlsx' else ''}</td>"
                            for ext in ("docx", "pdf", "md", "xlsx"))
            parts.append(f"<tr><td>{_e(name)}</td>{cells}</tr>")
        parts.append("</table>")
    parts.append("<p>Merged plan data: "
                 f"{_link(build, 'plan/plan_rows.xlsx', 'XLSX', stale)} · {_link(build, 'plan/plan_rows.csv', 'CSV', stale)}</p>")
    parts.append("<h2>Submissions</h2><table><tr><th>Country</th><th>Sector</th><th>File</th><th>Verdict</th>"
                 "<th>Rows</th><th>Errors</th><th>Warnings</th><th>Report</th></tr>")
    for st in statuses:
        for s in st["submissions"]:
            cls = {"rejected": "rejected", "accepted with warnings": "warn"}.get(s["verdict"], "ok")
            report = s["report"].removeprefix("build/")
            parts.append(f"<tr><td>{_e(st['country'])}</td><td>{_e(s['sector'])}</td><td>{_e(s['file'])}</td>"
                         f"<td class='{cls}'>{_e(s['verdict'])}</td><td class='n'>{s['rows']:,}</td>"
                         f"<td class='n'>{s['errors']}</td><td class='n'>{s['warnings']}</td>"
                         f"<td>{_link(build, report[:-3] + '.html', 'report')}</td></tr>")
    parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def review_html(changes, new: str, new_build: Path | None = None, out: Path | None = None) -> str:
    """OUT/index.html of `rcm-docs diff OLD NEW -o OUT`: the state of NEW (rejected submissions, stale
    documents), then what changed, as build/index.html shows it, the redlines beside this page."""
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Review: {_e(new)}</title>",
             f"<style>{STYLE}{STALE_STYLE}</style></head><body><h1>What changed</h1><p class='muted'>{_e(changes.old)} &rarr; "
             f"{_e(new)}. <a href='changes.md'>changes.md</a> &middot; <a href='changes.xlsx'>changes.xlsx</a></p>"]
    stale = {}
    if new_build is not None:
        statuses, stale = _build_state(new_build)
        prefix = (os.path.relpath(new_build, out) if out is not None else str(new_build)).replace(os.sep, "/") + "/"
        parts += state_html(new_build, statuses, stale, prefix)
    parts += changes_html(changes, lambda d: d.replace(".docx", ".redline.docx"), None, stale)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _build_state(build: Path) -> tuple[list[dict], dict]:
    """A build's verdicts (build/data/**/*.status.json) and its stale documents (build/stale.json)."""
    from ..common.files import stale_documents

    statuses = []
    for p in sorted(build.glob("data/**/*.status.json")):
        try:
            statuses.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return statuses, stale_documents(build)


def _documents(build: Path, plan) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every document the plan makes, by type: (type, [(name, path without extension)]). Only the plan's
    countries, audiences and reporting periods, so a file left over from another plan is never linked."""
    docs = [(c.code, c.name) for c in plan.countries] + [("regional", "Regional")]
    periods = sitrep_periods(build.parent)
    out = [("Country chapters and regional plan", [(f"{n}: {'regional plan' if c == 'regional' else 'country chapter'}",
                                                    f"rrp/{c}") for c, n in docs]),
           ("Key points", [(n, f"keypoints/{c}") for c, n in docs])]
    out.append(("Situation reports", [(f"{n}, {p}", f"sitreps/{p}/{c}") for p in periods for c, n in docs]))
    out.append(("Funding updates", [(n, f"funding/{c}") for c, n in docs]))
    out.append(("Information-sharing packs", [(f"{n}: {a['name']}", f"packs/{code}/{c}")
                                              for code, a in plan.audiences.items() for c, n in docs
                                              if c in plan.pack_documents(code)]))
    preparing = [(c.code, c.name) for c in plan.preparedness]
    out.append(("Preparedness: contingency plans and dashboards",
                [(f"{n}: inter-agency contingency plan", f"preparedness/contingency/{c}") for c, n in preparing]
                + [(f"{n}: preparedness dashboard", f"preparedness/dashboard/{c}")
                   for c, n in preparing + ([("regional", "Regional")] if preparing else [])]))
    return [(kind, [(n, b) for n, b in rows if any((build / f"{b}.{e}").exists() for e in ("docx", "pdf", "md"))])
            for kind, rows in out]


def _issued(build: Path) -> list[str]:
    """Sitrep months kept as sent, and every re-issue with its reason: a re-issue changes what readers have."""
    log = issue_log(build.parent)
    if not log:
        return []
    out = ["<h2>Issued situation reports</h2><p class='muted'>Kept as sent: later input changes do not rebuild them. "
           "<code>rcm-docs issue PERIOD --reopen REASON</code> opens one again; issuing it again is a re-issue.</p>",
           "<table><tr><th>Month</th><th>Action</th><th>Date</th><th>Reason</th></tr>"]
    for r in log:
        cls = " class='warn'" if r["action"] in ("re-opened", "re-issued") else ""
        out.append(f"<tr{cls}><td>{_e(r['period'])}</td><td>{_e(r['action'])}</td><td>{_e(r['date'])}</td>"
                   f"<td>{_e(r['reason'])}</td></tr>")
    return out + ["</table>"]


def _plan_checks(build: Path, plan) -> list[str]:
    """What the figures say a drafter must look at before the plan goes out (targets above needs...)."""
    out = []
    for code in plan.country_codes:
        path = build / "figures" / f"{code}.json"
        if path.exists():
            out += json.loads(path.read_text(encoding="utf-8")).get("checks", [])
    for code in plan.preparedness_codes:
        path = build / "figures" / "preparedness" / f"{code}.json"
        if path.exists():
            out += json.loads(path.read_text(encoding="utf-8")).get("checks", [])
    return out
